"""Event and lifecycle pages: thin views that parse, authorise, call a service or selector, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role
from alma.activity.models import Aspect, ProcessStage
from alma.events import access, selectors, services
from alma.events.calendar import calendar_for
from alma.events.forms import (
    EventFilterForm,
    EventForm,
    MessageForm,
    ProgramForm,
    QuestionForm,
    RegistrationForm,
    RoleForm,
    WalkInForm,
)
from alma.events.models import (
    CalendarFeed,
    Event,
    EventKind,
    EventRole,
    Program,
    Registration,
    RegistrationQuestion,
)
from alma.events.qr import checkin_url, qr_svg, registration_id_from_token
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.people.models import Chapter, Person
from alma.people.privacy import lookup_q, people_visible_to

PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 50
LOOKUP_LIMIT = 10
HOSTS = (Role.ALUMNI_OFFICE, Role.STAFF, Role.CHAPTER_OFFICER)


def _event_or_404(pk: int) -> Event:
    return get_object_or_404(
        Event.objects.select_related("program", "host_chapter", "host_unit"), pk=pk
    )


def _event_for_manager(request: HttpRequest, pk: int) -> Event:
    event = _event_or_404(pk)
    if not access.may_manage(request.user, event):
        raise PermissionDenied
    return event


def _event_for_check_in(request: HttpRequest, pk: int) -> Event:
    """The event for whoever stands at its door (managers, hosts, volunteers); 403 for others."""
    event = _event_or_404(pk)
    if not access.may_check_in(request.user, event):
        raise PermissionDenied
    return event


def _perform(
    request: HttpRequest, success: str, action: Callable[..., object], **kwargs: Any
) -> None:
    """Call a service as the signed-in user: its ApplicationError, or `success`, as a message."""
    try:
        action(by=signed_in_user(request), **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


def _with_answers(
    registrations: list[Registration], questions: list[RegistrationQuestion]
) -> list[Registration]:
    for registration in registrations:
        registration.answer_rows = [  # type: ignore[attr-defined]
            (q.prompt, registration.answers[str(q.pk)])
            for q in questions
            if registration.answers.get(str(q.pk))
        ]
    return registrations


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Catalogue and calendar -----------------------------------------------------------------


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.events_listed_for(
        request.user,
        when=filters.get("when") or "upcoming",
        kind=filters.get("kind") or "",
        stage=filters.get("stage") or "",
        aspect=filters.get("aspect") or "",
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = selectors.my_registrations_by_event(
        person=signed_in_user(request).person,  # type: ignore[union-attr]
        event_ids=[e.pk for e in page.object_list],
    )
    rows = [(event, mine.get(event.pk)) for event in page.object_list]
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "may_host": access.managed_scope_of(request.user).hosts_anything,
        },
    )


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    grid = selectors.programs_catalogue()
    stages = [
        (
            stage,
            label,
            [(aspect, alabel, grid.get((stage, aspect), [])) for aspect, alabel in Aspect.choices],
        )
        for stage, label in ProcessStage.choices
    ]
    return render(
        request,
        "events/programs.html",
        {
            "stages": stages,
            "aspects": Aspect.choices,
            "may_add": access.managed_scope_of(request.user).office,
        },
    )


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    events = (
        selectors.events_visible_to(request.user)
        .filter(program=program)
        .order_by("-starts_at", "-id")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/program_detail.html", {"program": program, "page": page})


@role_required(Role.ALUMNI_OFFICE)
def program_new(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Program %(name)s added.") % {"name": program.name})
            return redirect("events:program", pk=program.pk)
    return render(request, "events/program_form.html", {"form": form})


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    person = signed_in_user(request).person
    if person is None:
        raise Http404(
            _("Your account is not linked to a person record yet. Ask the alumni office.")
        )
    registrations = selectors.registrations_of(person=person)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    roles = list(
        EventRole.objects.filter(person=person)
        .select_related("event")
        .order_by("-event__starts_at")[:50]
    )
    feed = services.calendar_feed_for(person=person)
    feed_url = request.build_absolute_uri(reverse("events:feed-person", args=[feed.token]))
    return render(
        request,
        "events/mine.html",
        {"page": page, "roles": roles, "feed_url": feed_url, "now": timezone.now()},
    )


@require_POST
@login_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    person = signed_in_user(request).person
    if person is None:
        raise Http404
    services.calendar_feed_for(person=person, reset=True)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("events:mine")


def feed_person(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar feed: no sign-in (calendar apps cannot); the secret URL is the key."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None:
        raise Http404
    events = selectors.feed_events_of(person=feed.person)
    return _ics_response(
        calendar_for(events, name=_("My events · Alma"), with_online_links=True), "alma.ics"
    )


def feed_chapter(request: HttpRequest, pk: int) -> HttpResponse:
    """A chapter's public calendar: titles, times and places; online links stay private."""
    chapter = get_object_or_404(Chapter, pk=pk)
    events = selectors.chapter_feed_events(chapter=chapter)
    return _ics_response(
        calendar_for(events, name=chapter.name, with_online_links=False),
        f"chapter-{chapter.pk}.ics",
    )


# --- One event ------------------------------------------------------------------------------


def _visible_event(request: HttpRequest, pk: int) -> Event:
    event = _event_or_404(pk)
    if not access.may_see_event(request.user, event):
        raise Http404  # a hidden event's existence is private too
    return event


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    person = signed_in_user(request).person
    registration = (
        Registration.objects.filter(event=event, person=person).first() if person else None
    )
    questions = list(event.questions.all())
    form = RegistrationForm(event=event, questions=questions)
    return _detail(request, event, registration, form)


def _detail(
    request: HttpRequest,
    event: Event,
    registration: Registration | None,
    form: RegistrationForm,
    status: int = 200,
) -> HttpResponse:
    person = signed_in_user(request).person
    now = timezone.now()
    qr = None
    if registration is not None and registration.status == Registration.Status.CONFIRMED:
        qr = qr_svg(checkin_url(registration))
    context = {
        "event": event,
        "registration": registration,
        "form": form,
        "qr": qr,
        "seats_taken": selectors.seats_taken_of(event),
        "roles": list(selectors.event_roles(event=event)),
        "event_messages": list(event.messages.all()) if event.kind == EventKind.CEREMONY else [],
        "may_manage": access.may_manage(request.user, event),
        "may_register": person is not None
        and not event.is_cancelled
        and now < event.closes_at
        and access.event_admits(event, person),
        "is_open": now < event.closes_at,
    }
    return render(request, "events/detail.html", context, status=status)


@login_required
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    may_join = (
        access.may_manage(request.user, event)
        or Registration.objects.filter(
            event=event,
            person=signed_in_user(request).person,
            status=Registration.Status.CONFIRMED,
        ).exists()
    )
    return _ics_response(
        calendar_for([event], name=event.title, with_online_links=may_join), f"event-{event.pk}.ics"
    )


@require_POST
@login_required
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    person = signed_in_user(request).person
    if person is None:
        raise Http404(
            _("Your account is not linked to a person record yet. Ask the alumni office.")
        )
    form = RegistrationForm(request.POST, event=event, questions=list(event.questions.all()))
    if form.is_valid():
        try:
            registration = services.event_register(
                event=event,
                person=person,
                by=signed_in_user(request),
                guests=form.cleaned_data.get("guests") or 0,
                guest_names=form.cleaned_data.get("guest_names") or "",
                answers=form.answers(),
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request, _("You are registered. Your check-in code is below and in your email.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "The event is full: you are on the waitlist. We will email you when a place frees up."
                    ),
                )
            return redirect("events:detail", pk=event.pk)
    existing = Registration.objects.filter(event=event, person=person).first()
    return _detail(request, event, existing, form, status=400)


@require_POST
@login_required
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    registration = get_object_or_404(
        Registration, event=event, person_id=signed_in_user(request).person_id
    )
    _perform(
        request,
        _("Your registration was cancelled."),
        services.registration_cancel,
        registration=registration,
    )
    return redirect("events:detail", pk=event.pk)


@role_required(*HOSTS)
def event_new(request: HttpRequest) -> HttpResponse:
    scope = access.managed_scope_of(request.user)
    form = EventForm(
        request.POST or None, scope=scope, initial={"program": request.GET.get("program")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=signed_in_user(request), **form.service_fields())
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(
                request, _("Event %(title)s is open for registration.") % {"title": event.title}
            )
            return redirect("events:manage", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "scope": scope, "event": None})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_manager(request, pk)
    scope = access.managed_scope_of(request.user)
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=event.pk), scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, by=signed_in_user(request), **form.service_fields())
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("events:manage", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "scope": scope, "event": event})


def _manager_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST-only actions of an event's managers: sign-in first, then 403 for anyone else."""

    @require_POST
    @login_required
    def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        event = _event_for_manager(request, pk)
        return view(request, event, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_manager_post
def event_cancel(request: HttpRequest, event: Event) -> HttpResponse:
    _perform(
        request,
        _("The event was cancelled; everyone registered is told by email."),
        services.event_cancel,
        event=event,
    )
    return redirect("events:detail", pk=event.pk)


@login_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_check_in(request, pk)
    query = request.GET.get("q", "")
    registrations = selectors.event_registrations(event=event, viewer=request.user, query=query)
    page = Paginator(registrations, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    questions = list(event.questions.all())
    _with_answers(list(page.object_list), questions)
    context = {
        "event": event,
        "page": page,
        "query": query,
        "questions": questions,
        "may_manage": access.may_manage(request.user, event),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "events/manage.html#registrations", context)
    counts = dict(
        Registration.objects.filter(event=event).values_list("status").annotate(n=Count("id"))
    )
    context.update(
        {
            "counts": counts,
            "checked_in": Registration.objects.filter(
                event=event, checked_in_at__isnull=False
            ).count(),
            "seats_taken": selectors.seats_taken_of(event),
            "roles": list(selectors.event_roles(event=event)),
            "question_form": QuestionForm(),
            "role_form": RoleForm(),
            "walk_in_form": WalkInForm(),
            "message_form": MessageForm() if event.kind == EventKind.CEREMONY else None,
            "event_messages": list(event.messages.all()),
        }
    )
    return render(request, "events/manage.html", context)


@_manager_post
def question_add(request: HttpRequest, event: Event) -> HttpResponse:
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the question and choose the kind of answer."))
    else:
        _perform(
            request,
            _("Question added."),
            services.event_question_add,
            event=event,
            **form.cleaned_data,
        )
    return redirect("events:manage", pk=event.pk)


@_manager_post
def question_remove(request: HttpRequest, event: Event, qid: int) -> HttpResponse:
    question = get_object_or_404(RegistrationQuestion, pk=qid, event=event)
    services.event_question_remove(question=question, by=signed_in_user(request))
    messages.success(request, _("Question removed."))
    return redirect("events:manage", pk=event.pk)


@_manager_post
def role_add(request: HttpRequest, event: Event) -> HttpResponse:
    form = RoleForm(request.POST)
    person = (
        people_visible_to(request.user).filter(pk=form.cleaned_data["person"]).first()
        if form.is_valid()
        else None
    )
    if person is None:
        messages.error(request, _("Choose a person from the search results and a role."))
    else:
        _perform(
            request,
            _("%(name)s added.") % {"name": person.full_name},
            services.event_role_assign,
            event=event,
            person=person,
            role=form.cleaned_data["role"],
            note=form.cleaned_data["note"],
        )
    return redirect("events:manage", pk=event.pk)


@require_POST
@login_required
def role_served(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    event = _event_for_check_in(request, pk)
    role = get_object_or_404(EventRole.objects.select_related("person"), pk=rid, event=event)
    try:
        first = services.event_role_served(role=role, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if first:
            messages.success(
                request,
                _("%(name)s is recorded as having served.") % {"name": role.person.full_name},
            )
        else:
            messages.info(
                request, _("%(name)s was recorded already.") % {"name": role.person.full_name}
            )
    return redirect("events:manage", pk=event.pk)


@_manager_post
def role_remove(request: HttpRequest, event: Event, rid: int) -> HttpResponse:
    role = get_object_or_404(EventRole, pk=rid, event=event)
    _perform(request, _("Role removed."), services.event_role_remove, role=role)
    return redirect("events:manage", pk=event.pk)


@_manager_post
def message_add(request: HttpRequest, event: Event) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say who the message is from, and give the text or a valid link.")
        )
    else:
        _perform(
            request,
            _("The message is on the ceremony's page."),
            services.event_message_add,
            event=event,
            **form.cleaned_data,
        )
    return redirect("events:manage", pk=event.pk)


@login_required
def person_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    """Htmx fragment: people matching a name or email, to add as a role holder or walk-in."""
    _event_for_check_in(request, pk)
    query = request.GET.get("q", "").strip()
    people: list[Person] = []
    if len(query) >= 2:
        people = list(
            people_visible_to(request.user)
            .filter(lookup_q(request.user, query))
            .order_by("full_name", "pk")[:LOOKUP_LIMIT]
        )
    return render(
        request,
        "events/person_lookup.html",
        {"people": people, "query": query, "target": request.GET.get("for", "role")},
    )


@require_POST
@login_required
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for_check_in(request, pk)
    form = WalkInForm(request.POST)
    person = None
    if form.is_valid() and form.cleaned_data.get("person"):
        person = people_visible_to(request.user).filter(pk=form.cleaned_data["person"]).first()
    if not form.is_valid() or (person is None and not form.cleaned_data.get("full_name")):
        messages.error(
            request, _("Choose a person from the search results, or give a new person's name.")
        )
        return redirect("events:manage", pk=event.pk)
    try:
        registration = services.event_walk_in(
            event=event,
            by=signed_in_user(request),
            person=person,
            full_name=form.cleaned_data.get("full_name") or "",
            email=form.cleaned_data.get("email") or "",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is checked in.") % {"name": registration.person.full_name}
        )
    return redirect("events:manage", pk=event.pk)


@require_POST
@login_required
def registration_check_in(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    event = _event_for_check_in(request, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("person"), pk=rid, event=event
    )
    error = None
    try:
        registration, _first = services.registration_check_in(
            registration=registration, by=signed_in_user(request)
        )
    except ApplicationError as problem:
        error = problem.message
    if request.htmx:  # type: ignore[attr-defined]
        _with_answers([registration], list(event.questions.all()))
        return render(
            request,
            "events/manage.html#registration-row",
            {
                "event": event,
                "r": registration,
                "row_error": error,
                "may_manage": access.may_manage(request.user, event),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("%(name)s is checked in.") % {"name": registration.person.full_name}
        )
    return redirect("events:manage", pk=event.pk)


@_manager_post
def registration_cancel(request: HttpRequest, event: Event, rid: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=rid, event=event)
    _perform(
        request,
        _("The registration was cancelled; the waitlist moved up."),
        services.registration_cancel,
        registration=registration,
    )
    return redirect("events:manage", pk=event.pk)


@login_required
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """Where the QR code leads: staff on a phone see who it is and check them in."""
    registration_id = registration_id_from_token(token)
    registration = (
        Registration.objects.select_related("person", "event", "event__program")
        .filter(pk=registration_id)
        .first()
        if registration_id
        else None
    )
    if registration is None:
        raise Http404(_("This check-in code is not valid."))
    event = registration.event
    if not access.may_check_in(request.user, event):
        if registration.person_id == getattr(request.user, "person_id", None):
            # Attendees open their own code from the email: show them where it is used.
            messages.info(
                request,
                _("This is your check-in code: show it at the door, where staff will scan it."),
            )
            return redirect("events:detail", pk=event.pk)
        raise PermissionDenied
    first = None
    error = None
    if request.method == "POST":
        try:
            registration, first = services.registration_check_in(
                registration=registration, by=signed_in_user(request)
            )
        except ApplicationError as problem:
            error = problem.message
    return render(
        request,
        "events/check_in.html",
        {"registration": registration, "event": event, "first": first, "error": error},
        status=400 if error else 200,
    )
