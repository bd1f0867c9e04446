"""The notifications of the lifecycle: graduates asked where they go, officers told of new
alumni. They go through `alma.comms` (the inbox, and mail by each person's preferences)."""

from django.utils.translation import gettext_lazy as _

from alma.comms.kinds import NotificationKind, register_notification_kind

MODULE = _("Lifecycle")
GRADUATION = NotificationKind(
    slug="lifecycle.graduation", label=_("Graduation: where are you headed?"), module=MODULE
)
NEW_ALUMNI = NotificationKind(
    slug="lifecycle.new_alumni",
    label=_("New alumni who joined my chapter (officers)"),
    module=MODULE,
)


def register_notification_kinds() -> None:
    register_notification_kind(GRADUATION)
    register_notification_kind(NEW_ALUMNI)
