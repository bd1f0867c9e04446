from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform-level commands (the background worker) that belong to no domain app."""

    name = "alma.core"
    label = "core"
    verbose_name = _("Platform")
