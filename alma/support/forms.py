"""HTML input for support pages; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.giving.models import Fund, Purpose
from alma.support.models import Case, Category, Consent, HelpKind, Offer, Urgency


class IntakeForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    needs = forms.MultipleChoiceField(
        label=_("Help needed"),
        choices=HelpKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise_needed = forms.CharField(
        label=_("Expertise that would help"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated, e.g. orthopaedics, insurance law."),
    )
    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Kept encrypted; only the case's team reads it."),
    )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    upload = forms.FileField(label=_("File (PDF, PNG or JPEG)"))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class TeamForm(forms.Form):
    email = forms.EmailField(label=_("Staff member's sign-in email"))


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=Consent.GivenBy.choices, initial="student"
    )
    contact_name = forms.CharField(label=_("Contact's name"), max_length=200, required=False)
    contact_relation = forms.CharField(
        label=_("Relation to the student"), max_length=100, required=False
    )
    summary = forms.CharField(
        label=_("Summary that may be shared"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Exactly what those asked for help will read."),
    )
    share_name = forms.BooleanField(label=_("The student's name may be shared"), required=False)
    to_chapter = forms.BooleanField(
        label=_("Share with the hometown chapter's officers"), required=False
    )
    to_alumni = forms.BooleanField(
        label=_("Share with alumni whose expertise fits"), required=False
    )


class StudentConsentForm(ConsentForm):
    """The student agrees for themself: no contact fields."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in ("given_by", "contact_name", "contact_relation"):
            del self.fields[name]


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpKind.choices)
    details = forms.CharField(
        label=_("What you offer"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(v, label) for v, label in Offer.Status.choices if v != Offer.Status.OFFERED]
    )


class GrantForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("Hardship fund"),
        queryset=Fund.objects.filter(purpose=Purpose.HARDSHIP, status=Fund.Status.ACTIVE),
    )
    amount = forms.CharField(
        label=_("Amount"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
