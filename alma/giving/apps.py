from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "alma.giving"
    label = "giving"
    verbose_name = _("Giving")

    def ready(self) -> None:
        from alma.giving import home, kinds

        kinds.register_giving_kinds()
        home.register_home_cards()
