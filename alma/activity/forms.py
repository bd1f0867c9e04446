"""HTML input for the staff service log."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect
from alma.people.models import Person, Stage


class StaffServiceForm(forms.Form):
    student = forms.ModelChoiceField(
        label=_("Student"),
        queryset=Person.objects.filter(stage__in=[Stage.PROSPECTIVE, Stage.STUDENT]),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the student you served."),
            "invalid_choice": _("Choose a student from the search results."),
        },
    )
    aspect = forms.ChoiceField(label=_("Aspect"), choices=Aspect.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What did you do?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was it?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        error_messages={"invalid_choice": _("A rating is a whole number from 1 to 5.")},
    )
