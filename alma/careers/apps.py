from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "alma.careers"
    label = "careers"
    verbose_name = _("Careers")

    def ready(self) -> None:
        from alma.careers import home, kinds, notifications

        kinds.register_careers_kinds()
        notifications.register_notification_kinds()
        home.register_home_cards()
