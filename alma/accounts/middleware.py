"""Two-factor sign-in is required of the alumni office: they hold everyone's records."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from alma.accounts.roles import Role, roles_of

# What an office user without two-factor may still reach: setting it up (allauth asks for the
# password again first), signing out, the language switch, static files and health checks.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
)


def needs_two_factor_setup(user: object) -> bool:
    if Role.ALUMNI_OFFICE not in roles_of(user):  # type: ignore[arg-type]
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class OfficeTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_two_factor_setup(user)
        ):
            message = _(
                "The alumni office signs in with two-factor authentication. Set up an "
                "authenticator app to continue."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
