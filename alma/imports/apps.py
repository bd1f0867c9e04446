from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "alma.imports"
    verbose_name = _("Imports, duplicates and exports")

    def ready(self) -> None:
        from alma.imports import home

        home.register_home_cards()
