from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "alma.directory"
    label = "directory"
    verbose_name = _("Alumni directory")

    def ready(self) -> None:
        from alma.directory import signals

        signals.connect()
