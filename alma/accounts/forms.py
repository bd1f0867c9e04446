"""Sign-in, sign-up, invitation, claim and token forms."""

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's sign-in by email, labelled as Alma's always was."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def clean_login(self) -> str:
        # Addresses are stored in lower case; any case signs in, and counts towards one lockout.
        return str(super().clean_login()).lower()


class SignupForm(AllauthSignupForm):
    """Sign-up from an invitation's link: the address is the one the link was sent to."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["readonly"] = True
        for name in ("email", "password1", "password2"):
            if name in self.fields:
                self.fields[name].widget.attrs.pop("placeholder", None)

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        from alma.accounts.selectors import invitation_in_session

        invitation = invitation_in_session(request=request)
        if invitation is not None:
            # The address the link went to, even if the read-only field was tampered with.
            self.cleaned_data["email"] = invitation.email
        return super().try_save(request)  # type: ignore[no-any-return]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. 'reporting script'."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    person = forms.IntegerField(
        label=_("Record number"),
        required=False,
        min_value=1,
        help_text=_("The person's record in Alma, if there is one: their login is linked to it."),
    )


class ClaimForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email or student number on your record"),
        max_length=254,
        help_text=_("The address the university had for you, or your student number."),
    )
    contact_email = forms.EmailField(
        label=_("Your email now (if different)"),
        required=False,
        help_text=_(
            "If the university has no address for you, or you no longer use it, the alumni "
            "office checks your claim and sends the link here."
        ),
    )
