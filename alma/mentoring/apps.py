from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "alma.mentoring"
    label = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from alma.mentoring import home, kinds, notifications

        kinds.register_mentoring_kinds()
        notifications.register_notification_kinds()
        home.register_home_cards()
