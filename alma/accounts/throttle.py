"""The account name django-axes counts failed sign-ins under: one lower-case address per account."""

from django.http import HttpRequest


def username_of(request: HttpRequest, credentials: dict[str, object] | None) -> str | None:
    """allauth authenticates with `email=`, Django's admin and tests with `username=`; the form
    posts `login`. Any case of the address is the same account, so it counts towards one lock."""
    for source in (credentials or {}, getattr(request, "POST", {}) or {}):
        for key in ("email", "username", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None
