from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "alma.forum"
    label = "forum"
    verbose_name = _("Alumni forum")

    def ready(self) -> None:
        from alma.forum import home, kinds, notifications, signals

        kinds.register_forum_kinds()
        notifications.register_notification_kinds()
        signals.connect()
        home.register_home_cards()
