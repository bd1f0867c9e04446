"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from alma.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, with CSRF checks on unsafe methods (ninja's django_auth)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing for CSRF to protect: a caller with a
        # bad or revoked token gets 401, not "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated and request.user.is_active:
            return request.user
        return None


API_AUTH = [TokenAuth(), SessionAuth()]
