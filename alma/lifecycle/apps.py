from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "alma.lifecycle"
    label = "lifecycle"
    verbose_name = _("Lifecycle")

    def ready(self) -> None:
        from alma.lifecycle import home, notifications

        notifications.register_notification_kinds()
        home.register_home_cards()
