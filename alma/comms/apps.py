from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "alma.comms"
    label = "comms"
    verbose_name = _("Communications")

    def ready(self) -> None:
        from alma.comms import home, kinds, signals

        kinds.register_comms_kinds()
        signals.connect()
        home.register_home_cards()
