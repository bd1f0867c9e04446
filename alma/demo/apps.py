from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the `alma demo` and `alma seed` commands; no models."""

    name = "alma.demo"
    label = "demo"
    verbose_name = "Demo university"
