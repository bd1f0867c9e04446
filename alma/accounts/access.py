"""Who may open a page: role checks that answer 403 (or the sign-in page), and the signed-in
user, typed, for the views behind them."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, typed, for views behind a sign-in check (role_required)."""
    return cast(User, request.user)


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Anonymous users go to sign in; signed-in users without one of the roles get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


login_required = role_required()
