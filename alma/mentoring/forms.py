"""HTML input of the mentoring pages; services do the checking that matters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect
from alma.mentoring.models import MentoringProgram

DATE = forms.DateInput(attrs={"type": "date"})
LIST_HELP = _("Comma-separated.")


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Program name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MentoringProgram.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    cycle_name = forms.CharField(label=_("First cycle"), max_length=120, initial=_("Spring"))
    applications_close_on = forms.DateField(
        label=_("Applications close on"), required=False, widget=DATE
    )
    active_from = forms.DateField(label=_("Active from"), required=False, widget=DATE)
    active_until = forms.DateField(label=_("Active until"), required=False, widget=DATE)


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Cycle name"), max_length=120)
    applications_close_on = forms.DateField(
        label=_("Applications close on"), required=False, widget=DATE
    )
    active_from = forms.DateField(label=_("Active from"), required=False, widget=DATE)
    active_until = forms.DateField(label=_("Active until"), required=False, widget=DATE)
    survey_until = forms.DateField(label=_("Survey until"), required=False, widget=DATE)


class MentorForm(forms.Form):
    capacity = forms.IntegerField(label=_("How many mentees"), min_value=1, max_value=20, initial=1)
    topics = forms.CharField(label=_("Topics"), required=False, help_text=LIST_HELP)
    industries = forms.CharField(label=_("Industries"), required=False, help_text=LIST_HELP)
    languages = forms.CharField(label=_("Languages"), required=False, help_text=LIST_HELP)
    expertise = forms.CharField(label=_("Expertise"), widget=forms.Textarea, required=False)
    preferences = forms.CharField(
        label=_("Preferences"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    use_record = forms.BooleanField(
        label=_("Also use my education, work and city from my profile for matching"),
        required=False,
    )


class MenteeForm(forms.Form):
    goals = forms.CharField(label=_("Your goals"), widget=forms.Textarea)
    topics = forms.CharField(label=_("Topics"), required=False, help_text=LIST_HELP)
    target_industries = forms.CharField(
        label=_("Target industries"), required=False, help_text=LIST_HELP
    )
    languages = forms.CharField(label=_("Languages"), required=False, help_text=LIST_HELP)
    preferences = forms.CharField(
        label=_("Preferences"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    use_record = forms.BooleanField(
        label=_("Also use my education and city from my profile for matching"), required=False
    )


class MeetingForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Aspect.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
