"""Profile pages: a person's own profile, editing it and its privacy, and others' profiles."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from alma.accounts.access import login_required
from alma.accounts.roles import Role, roles_of
from alma.activity.selectors import activities_received
from alma.people.forms import PrivacyForm, ProfileForm
from alma.people.models import Person, Stage
from alma.people.privacy import is_self, person_view_for
from alma.people.services import (
    consent_current,
    consent_record,
    person_set_privacy,
    person_update_profile,
)


def _own_person(request: HttpRequest) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        raise Http404(
            _("Your account is not linked to a person record yet. Ask the alumni office.")
        )
    return person


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return redirect("people:detail", pk=_own_person(request).pk)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.prefetch_related("educations", "employments"), pk=pk)
    view = person_view_for(request.user, person)
    if view is None:
        # Same answer as a missing record: a hidden person's existence is private too.
        raise Http404
    held = roles_of(request.user)
    own = is_self(request.user, person)
    services = None
    # Services received are shown to the student and to the alumni office only.
    if own or Role.ALUMNI_OFFICE in held:
        services = list(activities_received(person=person)[:50])
    can_log_service = (
        bool(held & {Role.STAFF, Role.ALUMNI_OFFICE})
        and not own
        and person.stage
        in (
            Stage.PROSPECTIVE,
            Stage.STUDENT,
        )
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "view": view,
            "own": own,
            "services": services,
            "can_log_service": can_log_service,
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = ProfileForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            person_update_profile(
                person=person,
                by=request.user,  # type: ignore[arg-type]
                data={name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/profile_form.html", {"form": form, "person": person})


@login_required
def privacy_edit(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = PrivacyForm(request.POST or None, person=person, consents=consent_current(person=person))
    if request.method == "POST" and form.is_valid():
        person_set_privacy(person=person, by=request.user, audiences=form.audiences())  # type: ignore[arg-type]
        consent_record(person=person, by=request.user, decisions=form.consent_decisions())  # type: ignore[arg-type]
        messages.success(request, _("Your privacy settings were saved."))
        return redirect("people:privacy")
    audience_fields = [form[name] for name in form.fields if name.startswith("audience_")]
    consent_fields = [form[name] for name in form.fields if name.startswith("consent_")]
    return render(
        request,
        "people/privacy_form.html",
        {"form": form, "audience_fields": audience_fields, "consent_fields": consent_fields},
    )
