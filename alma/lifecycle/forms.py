"""HTML input for the lifecycle pages. Forms parse; the services hold the rules."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.events.forms import starts_at_field
from alma.people.models import DegreeLevel


class SendOffForm(forms.Form):
    entry_year = forms.IntegerField(label=_("Entry year"))
    # Not needed when the year's seminar exists (sending again only invites newcomers): the
    # service asks for them when it creates one.
    starts_at = starts_at_field()
    starts_at.required = False
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)


class WelcomeForm(forms.Form):
    graduation_year = forms.IntegerField(label=_("Graduation year"))
    starts_at = starts_at_field()
    venue = forms.CharField(label=_("Venue"), max_length=200)


def _lines(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


class GraduationForm(forms.Form):
    graduation_year = forms.IntegerField(
        label=_("Graduation year"), initial=lambda: timezone.localdate().year
    )
    student_numbers = forms.CharField(
        label=_("Student numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line (or comma-separated). Or leave empty and choose the cohort below."
        ),
    )
    expected_graduation_year = forms.IntegerField(
        label=_("Cohort: expected to graduate in"), required=False
    )
    school = forms.CharField(label=_("School / college"), required=False, max_length=120)
    degree_level = forms.ChoiceField(
        label=_("Degree level"),
        choices=[("", _("All levels")), *DegreeLevel.choices],
        required=False,
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "graduation_year": data["graduation_year"],
            "student_numbers": _lines(data.get("student_numbers") or ""),
            "expected_graduation_year": data.get("expected_graduation_year"),
            "school": data.get("school") or "",
            "degree_level": data.get("degree_level") or "",
        }


class EnrolmentForm(forms.Form):
    entry_year = forms.IntegerField(
        label=_("Entry year"), initial=lambda: timezone.localdate().year
    )
    emails = forms.CharField(
        label=_("Emails of admitted students"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. Or leave empty to enrol everyone admitted for that year."),
    )
    school = forms.CharField(label=_("School / college"), required=False, max_length=120)
    number_prefix = forms.CharField(
        label=_("Student number prefix"),
        required=False,
        max_length=10,
        help_text=_("New numbers are prefix + entry year + a sequence, e.g. S202600001."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "entry_year": data["entry_year"],
            "emails": _lines(data.get("emails") or ""),
            "school": data.get("school") or "",
            "number_prefix": data.get("number_prefix") or "",
        }


class DestinationForm(forms.Form):
    city = forms.CharField(label=_("City you are going to"), max_length=80)
    country = forms.CharField(label=_("Country"), max_length=80, required=False)
    employer = forms.CharField(
        label=_("Employer, or school for further study"), max_length=200, required=False
    )
    title = forms.CharField(label=_("Position"), max_length=120, required=False)
