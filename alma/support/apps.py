from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "alma.support"
    label = "support"
    verbose_name = _("Student support")

    def ready(self) -> None:
        from alma.support import checks, kinds, notifications  # noqa: F401 - checks register

        kinds.register_support_kinds()
        notifications.register_notification_kinds()
