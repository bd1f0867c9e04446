from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "alma.activity"
    label = "activity"
    verbose_name = _("Activity ledger")

    def ready(self) -> None:
        from alma.activity import home, kinds, notifications

        kinds.register_builtin_kinds()
        notifications.register_notification_kinds()
        home.register_home_cards()
