"""Support's notices say only that something needs attention, never what a case is about."""

from django.utils.translation import gettext_lazy

from alma.comms.kinds import NotificationKind, register_notification_kind

MODULE = gettext_lazy("Student support")
ATTENTION = NotificationKind(
    slug="support.attention",
    label=gettext_lazy("A support case needs your attention"),
    module=MODULE,
    transactional=True,
)
HELP_REQUEST = NotificationKind(
    slug="support.help_request",
    label=gettext_lazy("Requests for help for a student"),
    module=MODULE,
)
KINDS = [ATTENTION, HELP_REQUEST]


def register_notification_kinds() -> None:
    for kind in KINDS:
        register_notification_kind(kind)
