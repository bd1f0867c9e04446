"""The office console's forms: a person's record, an organisation, a chapter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.people.models import Chapter, Organization, Person, Stage
from alma.people.privacy import PRIVATE_FIELDS, may_see
from alma.people.services import OFFICE_EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficePersonForm(forms.ModelForm):
    """A record as the office edits it; fields the person keeps from the office (audience
    "only me") are left out, so the form neither shows nor overwrites them."""

    class Meta:
        model = Person
        fields = OFFICE_EDITABLE_FIELDS
        widgets = {
            "date_of_birth": DATE,
            "bio": forms.Textarea(attrs={"rows": 3}),
            "expertise": forms.Textarea(attrs={"rows": 2}),
            "interests": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.instance
        if person.pk:
            for key, field in PRIVATE_FIELDS.items():
                if not may_see(viewer, person, key):
                    for attribute in field.attributes:
                        self.fields.pop(attribute, None)

    def office_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, email, phone or student number"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any stage")), *Stage.choices]
    )


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ("name", "kind", "industry", "city", "website", "description", "aliases")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "aliases": forms.Textarea(attrs={"rows": 3}),
        }


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ("name", "kind", "country", "province", "city", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
