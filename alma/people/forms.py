"""HTML input for profile and privacy pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.people.models import Audience, ConsentPurpose, Person
from alma.people.privacy import PRIVATE_FIELDS, audience_of
from alma.people.services import SELF_EDITABLE_FIELDS
from alma.people.validation import validate_date_of_birth


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = SELF_EDITABLE_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
            "expertise": forms.Textarea(attrs={"rows": 2}),
            "interests": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_date_of_birth(self) -> Any:
        day = self.cleaned_data.get("date_of_birth")
        validate_date_of_birth(day)
        return day


class PrivacyForm(forms.Form):
    """One audience choice per private field, and a yes/no per consent purpose."""

    def __init__(
        self, *args: Any, person: Person, consents: dict[str, bool], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for key, field in PRIVATE_FIELDS.items():
            self.fields[f"audience_{key}"] = forms.ChoiceField(
                label=field.label, choices=Audience.choices, initial=audience_of(person, key)
            )
        for purpose, label in ConsentPurpose.choices:
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=label, required=False, initial=consents.get(purpose, False)
            )

    def audiences(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"audience_{key}"] for key in PRIVATE_FIELDS}

    def consent_decisions(self) -> dict[str, bool]:
        return {
            purpose: self.cleaned_data[f"consent_{purpose}"] for purpose in ConsentPurpose.values
        }


class PhotoUploadForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG, PNG or WebP picture of at most 8 MB; you choose the square next."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class PhotoCropForm(forms.Form):
    """The square of the uploaded picture to keep, in the picture's pixels (a script lets the
    person drag it; without one, the numbers are typed)."""

    x = forms.IntegerField(label=_("From the left (pixels)"), min_value=0)
    y = forms.IntegerField(label=_("From the top (pixels)"), min_value=0)
    size = forms.IntegerField(label=_("Side of the square (pixels)"), min_value=1)


class PhotoRemoveForm(forms.Form):
    """The alumni office removing an unsuitable photo says why (kept in the record's history)."""

    reason = forms.CharField(label=_("Why is the photo removed?"), max_length=80)
