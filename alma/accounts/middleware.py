"""Two-factor sign-in is required of the alumni office: they hold everyone's records."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from alma.accounts.models import User
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

# Set in the session when a user with an authenticator app signs in (or is first seen with one),
# so pages do not ask the database again on every request; dropped when the app is removed.
SESSION_HAS_TWO_FACTOR = "alma_has_two_factor"


def has_two_factor(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_two_factor_setup(request: HttpRequest) -> bool:
    user = request.user
    if Role.ALUMNI_OFFICE not in roles_of(user):
        return False
    if request.session.get(SESSION_HAS_TWO_FACTOR) == user.pk:
        return False
    if has_two_factor(user):
        request.session[SESSION_HAS_TWO_FACTOR] = user.pk
        return False
    return True


@receiver(user_logged_in)
def note_two_factor_at_sign_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if Role.ALUMNI_OFFICE in roles_of(user) and has_two_factor(user):
        request.session[SESSION_HAS_TWO_FACTOR] = user.pk


@receiver(authenticator_removed)
def forget_two_factor(sender: object, request: HttpRequest, **kwargs: object) -> None:
    request.session.pop(SESSION_HAS_TWO_FACTOR, None)


class OfficeTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_two_factor_setup(request)
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
