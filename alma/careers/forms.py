"""HTML input for careers. Forms parse; the services decide (and raise ApplicationError)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.careers.models import ApplicationStatus, OrganizationSize, PostingKind
from alma.people.models import DegreeLevel, Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PostingForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PostingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, lists, links."),
    )
    target_majors = forms.CharField(
        label=_("Target majors"), required=False, help_text=_("Comma-separated; empty for any.")
    )
    degree_levels = forms.MultipleChoiceField(
        label=_("Degree levels"),
        choices=DegreeLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(label=_("Skills"), required=False)
    cities = forms.CharField(label=_("Cities"), required=False)
    remote = forms.BooleanField(label=_("Remote possible"), required=False)
    openings = forms.IntegerField(label=_("Openings"), min_value=1, max_value=10000, initial=1)
    salary_min = forms.DecimalField(
        label=_("Monthly salary from"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    salary_max = forms.DecimalField(
        label=_("Monthly salary up to"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, organizations=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=30)


class ApplyForm(forms.Form):
    cv = forms.FileField(
        label=_("CV"), required=False, help_text=_("PDF or Word (.docx), at most 5 MB.")
    )
    note = forms.CharField(
        label=_("Note to the employer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class MoveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Move to"),
        choices=[(v, label) for v, label in ApplicationStatus.choices if v != "withdrawn"],
    )


class JoinForm(forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Organization.Kind.ALUMNI_ENTERPRISE, Organization.Kind.ALUMNI_ENTERPRISE.label),
            (Organization.Kind.PARTNER, Organization.Kind.PARTNER.label),
        ],
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    city = forms.CharField(label=_("Head office city"), max_length=80, required=False)
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *OrganizationSize.choices], required=False
    )
    cities = forms.CharField(label=_("Cities"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CareerProfileForm(forms.Form):
    skills = forms.CharField(label=_("Skills"), required=False, max_length=300)
    target_industries = forms.CharField(
        label=_("Industries I want to work in"), required=False, max_length=300
    )
    preferred_cities = forms.CharField(
        label=_("Cities I want to work in"), required=False, max_length=300
    )
    open_to_employers = forms.BooleanField(
        label=_("Employers may find me"),
        required=False,
        help_text=_("Recommend me to organisations whose postings fit me."),
    )


class VisitForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Organization.objects.none()
    )
    visit_on = forms.DateField(label=_("Visit date"), widget=DATE)
    city = forms.CharField(label=_("City"), max_length=80, required=False)

    def __init__(self, *args, organizations=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class VisitReportForm(forms.Form):
    report = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 6}))


class OrganizationProfileForm(forms.Form):
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    city = forms.CharField(label=_("Head office city"), max_length=80, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: alumni who name you so in their records are counted."),
    )
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *OrganizationSize.choices], required=False
    )
    cities = forms.CharField(label=_("Cities"), max_length=300, required=False)
    sponsorships = forms.CharField(
        label=_("Sponsorships"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label=_("Venue"), max_length=200)


class VisitPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 10 MB."))
