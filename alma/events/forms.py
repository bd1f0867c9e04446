"""HTML input for events. Forms parse; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect, ProcessStage
from alma.events.access import ManagedScope
from alma.events.models import Event, EventKind, EventRole, Program, RegistrationQuestion
from alma.events.services import EVENT_FIELDS
from alma.people.models import Chapter, Organization

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def starts_at_field() -> forms.DateTimeField:
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

    def __init__(self, *args: Any, scope: ManagedScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        chapters = Chapter.objects.order_by("name")
        units = Organization.objects.filter(kind=Organization.Kind.SCHOOL_UNIT).order_by("name")
        if not scope.office:
            chapters = chapters.filter(pk__in=scope.chapter_ids)
            units = units.filter(pk__in=scope.unit_ids)
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
