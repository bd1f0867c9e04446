"""The notification the ledger sends: a student is told of a service recorded for them."""

from django.utils.translation import gettext_lazy as _

from alma.comms.kinds import NotificationKind, register_notification_kind

SERVICE_RECORDED = NotificationKind(
    slug="activity.service_recorded",
    label=_("A service to me was recorded (rate it)"),
    module=_("Services received"),
)


def register_notification_kinds() -> None:
    register_notification_kind(SERVICE_RECORDED)
