"""Sign-in and token forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean_username(self) -> str:
        # Addresses are stored in lower case; any case signs in, and counts towards one lockout.
        return str(self.cleaned_data["username"]).lower()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. 'reporting script'."),
    )
