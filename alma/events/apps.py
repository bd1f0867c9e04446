from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "alma.events"
    label = "events"
    verbose_name = _("Events and lifecycle programs")

    def ready(self) -> None:
        from alma.events import home, kinds, notifications

        kinds.register_event_kinds()
        notifications.register_notification_kinds()
        home.register_home_cards()
