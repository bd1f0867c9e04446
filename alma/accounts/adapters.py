"""How django-allauth fits Alma: sign-up only with an invitation or a claimed record, and single
sign-on only for addresses Alma already knows (an account, or a person on record without one)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alma.accounts import selectors, services
from alma.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Please enter a correct email and password."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return selectors.invitation_in_session(request=request) is not None

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        invitation = selectors.invitation_in_session(request=request)
        user = super().save_user(request, user, form, commit=False)
        if invitation is not None:
            # The address the invitation was sent to, whatever the form held; the link proved it.
            user.email = invitation.email
            request._alma_proven_email = invitation.email  # type: ignore[attr-defined]
        if commit:
            user.save()
            if invitation is not None:
                services.invitation_accept(invitation=invitation, user=user)
                request.session.pop(selectors.SESSION_INVITATION, None)
        return user

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        # The link in an invitation or a claim went to this address: it is proven.
        proven = getattr(request, "_alma_proven_email", None)
        if proven is None:
            invitation = selectors.invitation_in_session(request=request)
            proven = invitation.email if invitation is not None else None
        if proven is not None and proven.lower() == email.lower():
            return True
        return super().is_email_verified(request, email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """The university's identity provider vouches for the address: a new login is made only
        for a person the office already has on record under it, who has no login yet."""
        email = sociallogin.user.email or ""
        return selectors.person_claimable_by_email(email=email) is not None

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user: User = super().save_user(request, sociallogin, form)
        person = selectors.person_claimable_by_email(email=user.email)
        if person is not None:
            services.user_link_person(user=user, person=person, how="sso")
        return user
