"""HTML input for events and lifecycle actions. Forms parse; the services hold the rules."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect, ProcessStage
from alma.events.access import Reach
from alma.events.models import Event, EventKind, EventRole, Program, RegistrationQuestion
from alma.events.services import EVENT_FIELDS
from alma.people.models import Chapter, DegreeLevel, Organization

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _starts_at_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )


class ServiceValidatedModelForm(forms.ModelForm):
    """A model form that only parses: the service validates the record (one place for rules)."""

    def _post_clean(self) -> None:
        pass


class ProgramForm(ServiceValidatedModelForm):
    class Meta:
        model = Program
        fields = ["name", "description", "stage", "aspect", "cadence"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class EventForm(ServiceValidatedModelForm):
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_closes_at": DATETIME,
        }

    def __init__(self, *args: Any, reach: Reach, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        chapters = Chapter.objects.order_by("name")
        units = Organization.objects.filter(kind=Organization.Kind.SCHOOL_UNIT).order_by("name")
        if not reach.office:
            chapters = chapters.filter(pk__in=reach.chapter_ids)
            units = units.filter(pk__in=reach.unit_ids)
        self.fields["host_chapter"].queryset = chapters  # type: ignore[attr-defined]
        self.fields["host_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["audience_chapter"].queryset = Chapter.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["aspect"].required = False
        self.fields["aspect"].help_text = _("Empty: the program's aspect.")
        for name in ("starts_at", "ends_at", "registration_closes_at"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in EVENT_FIELDS}
        if not data["aspect"]:
            data.pop("aspect")
            program = data.get("program")
            if self.instance.pk and program is not None:
                data["aspect"] = program.aspect
        for text in ("description", "venue", "city", "online_url", "audience_city"):
            data[text] = data.get(text) or ""
        return data


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *ProcessStage.choices], required=False
    )
    aspect = forms.ChoiceField(
        label=_("Aspect"), choices=[("", _("All aspects")), *Aspect.choices], required=False
    )


class RegistrationForm(forms.Form):
    """The event's own questions, and guests where the event takes them."""

    def __init__(
        self, *args: Any, event: Event, questions: list[RegistrationQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        if event.guests_allowed:
            self.fields["guests"] = forms.IntegerField(
                label=_("Guests"), min_value=0, max_value=event.guests_allowed, initial=0
            )
            self.fields["guest_names"] = forms.CharField(
                label=_("Guests' names"), max_length=300, required=False
            )
        for question in questions:
            name = f"q_{question.pk}"
            if question.kind == RegistrationQuestion.Kind.CHOICE:
                field: forms.Field = forms.ChoiceField(
                    choices=[("", "—"), *[(c, c) for c in question.choice_list]]
                )
            elif question.kind == RegistrationQuestion.Kind.YES_NO:
                field = forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))])
            else:
                field = forms.CharField(max_length=1000)
            field.label = question.prompt
            field.required = question.required
            self.fields[name] = field

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") or "" for q in self.questions}


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Answer"), choices=RegistrationQuestion.Kind.choices)
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(label=_("Required"), required=False)


class RoleForm(forms.Form):
    person = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a person from the search results.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=EventRole.Role.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WalkInForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(label=_("Name (someone new)"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email (someone new)"), required=False)


class MessageForm(forms.Form):
    author_name = forms.CharField(label=_("From (a distinguished alumnus)"), max_length=200)
    text = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    link = forms.URLField(
        label=_("Or a link (video, article)"), required=False, assume_scheme="https"
    )


class SendOffForm(forms.Form):
    entry_year = forms.IntegerField(label=_("Entry year"))
    starts_at = _starts_at_field()
    venue = forms.CharField(label=_("Venue"), max_length=200)


class WelcomeForm(forms.Form):
    graduation_year = forms.IntegerField(label=_("Graduation year"))
    starts_at = _starts_at_field()
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
