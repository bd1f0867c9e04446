"""The alumni office's console in Alma's own look: what the office does daily (people,
organisations, chapters, and the way to imports, duplicates and the lifecycle). The Django
admin stays for rare cases."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from alma.accounts.access import role_required, signed_in_user
from alma.accounts.home import home_viewer, office_queues
from alma.accounts.roles import Role
from alma.people import services
from alma.people.models import Chapter, Organization, Person, Stage
from alma.people.office_forms import (
    ChapterForm,
    OfficePersonForm,
    OrganizationForm,
    PeopleFilterForm,
)
from alma.people.privacy import lookup_q, person_view_for, person_views_for

OFFICE = Role.ALUMNI_OFFICE
PAGE_SIZE = 50


@role_required(OFFICE)
def console(request: HttpRequest) -> HttpResponse:
    by_stage = dict(Person.objects.values_list("stage").annotate(n=Count("id")).order_by())
    return render(
        request,
        "people/office/console.html",
        {
            "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
            "people": sum(by_stage.values()),
            "organizations": Organization.objects.count(),
            "chapters": Chapter.objects.count(),
            "queues": (office_queues(home_viewer(signed_in_user(request))) or {})["queues"],
        },
    )


@role_required(OFFICE)
def people(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    records = Person.objects.order_by("full_name", "id")
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            # found only by what the office may see (a student number kept "only me" finds
            # no one), like every lookup
            records = records.filter(lookup_q(request.user, text))
        if stage := form.cleaned_data["stage"]:
            records = records.filter(stage=stage)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/office/people.html",
        {"form": form, "page": page, "views": _records(request.user, page.object_list)},
    )


def _records(viewer: Any, people: Iterable[Person]) -> list[dict[str, Any]]:
    """Each record as the office may see it. A person who hid their profile from everyone is
    still on the office's books: listed by name and stage, nothing else."""
    people = list(people)
    shown = {view["id"]: view for view in person_views_for(viewer, people)}
    return [shown.get(person.pk) or _name_only(person) for person in people]


def _name_only(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "name_latin": person.name_latin,
        "stage": person.stage,
        "stage_display": person.get_stage_display(),
    }


@role_required(OFFICE)
def person_new(request: HttpRequest) -> HttpResponse:
    form = OfficePersonForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create_by_office(
                by=signed_in_user(request), data=form.office_data()
            )
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("The record was added."))
            return redirect("office:person", pk=person.pk)
    return render(request, "people/office/person_form.html", {"form": form, "person": None})


@role_required(OFFICE)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    view = person_view_for(request.user, person) or _name_only(person)
    form = OfficePersonForm(request.POST or None, instance=person, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update_by_office(
                person=person, by=signed_in_user(request), data=form.office_data()
            )
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("office:person", pk=person.pk)
    return render(
        request,
        "people/office/person_form.html",
        {
            "form": form,
            "person": person,
            "view": view,
            "transitions": person.stage_transitions.order_by("-occurred_at", "-id")[:20],
            "chapters": person.chapter_memberships.select_related("chapter"),
        },
    )


def _field_errors(form: OfficePersonForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@role_required(OFFICE)
def organizations(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    records = Organization.objects.annotate(people=Count("employments", distinct=True))
    if text:
        records = records.filter(Q(name__icontains=text) | Q(aliases__icontains=text))
    page = Paginator(records.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/office/organizations.html", {"page": page, "q": text})


@role_required(OFFICE)
def organization_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        OrganizationForm(
            request.POST or None,
            instance=get_object_or_404(Organization, pk=pk) if pk else Organization(),
        ),
        new_title=_("New organisation"),
        saved=_("The organisation was saved."),
        back=("office:organizations", _("Organisations")),
    )


@role_required(OFFICE)
def chapters(request: HttpRequest) -> HttpResponse:
    records = Chapter.objects.annotate(people=Count("memberships")).order_by("name")
    return render(request, "people/office/chapters.html", {"chapters": records})


@role_required(OFFICE)
def chapter_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        ChapterForm(
            request.POST or None, instance=get_object_or_404(Chapter, pk=pk) if pk else Chapter()
        ),
        new_title=_("New chapter"),
        saved=_("The chapter was saved."),
        back=("office:chapters", _("Chapters")),
    )


def _record_form(
    request: HttpRequest,
    form: OrganizationForm | ChapterForm,
    *,
    new_title: str,
    saved: str,
    back: tuple[str, str],
) -> HttpResponse:
    """An organisation's or a chapter's page: its form, saved by the office's rules."""
    title = str(form.instance) if form.instance.pk else new_title
    if request.method == "POST" and form.is_valid():
        services.office_record_save(record=form.instance, by=signed_in_user(request))
        messages.success(request, saved)
        return redirect(back[0])
    return render(
        request,
        "people/office/record_form.html",
        {"form": form, "title": title, "back": back[0], "back_label": back[1]},
    )
