"""API: programs, events visible to me, my registrations, registering, and check-in by code."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from alma.api.openapi import ErrorOut, errors
from alma.events import access, selectors, services
from alma.events.models import Event, Program, Registration
from alma.events.qr import checkin_url, registration_id_from_token
from alma.people.models import Person

router = Router(tags=["events"])


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    stage: str
    aspect: str
    cadence: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    program_id: int
    stage: str
    aspect: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    is_online: bool
    venue: str
    city: str
    host: str
    capacity: int | None
    seats_taken: int
    registration_closes_at: dt.datetime


class RegistrationIn(Schema):
    guests: int = Field(0, ge=0, le=services.MAX_GUESTS)
    guest_names: str = Field("", max_length=300)
    answers: dict[str, str] = {}


class RegistrationOut(Schema):
    id: int
    event_id: int
    event_title: str
    status: str
    guests: int
    checked_in_at: dt.datetime | None
    checkin_url: str | None


class CheckInIn(Schema):
    token: str = Field(min_length=1, max_length=500)


class CheckInOut(Schema):
    registration: RegistrationOut
    person_name: str
    newly_checked_in: bool


def _event_out(event: Event, seats_taken: int | None = None) -> EventOut:
    return EventOut(
        id=event.pk,
        title=event.title,
        kind=event.kind,
        program_id=event.program_id,
        stage=event.program.stage,
        aspect=event.aspect,
        status=event.status,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        is_online=event.is_online,
        venue=event.venue,
        city=event.city,
        host=event.host_name,
        capacity=event.capacity,
        seats_taken=seats_taken
        if seats_taken is not None
        else getattr(event, "seats_taken", None) or selectors.seats_taken_of(event),
        registration_closes_at=event.closes_at,
    )


def _registration_out(registration: Registration) -> RegistrationOut:
    confirmed = registration.status == Registration.Status.CONFIRMED
    return RegistrationOut(
        id=registration.pk,
        event_id=registration.event_id,
        event_title=registration.event.title,
        status=registration.status,
        guests=registration.guests,
        checked_in_at=registration.checked_in_at,
        checkin_url=checkin_url(registration) if confirmed else None,
    )


def _own_person(request: HttpRequest) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        raise Http404(_("Your account is not linked to a person record."))
    return person


def _visible_event(request: HttpRequest, event_id: int) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("program", "host_chapter", "host_unit"), pk=event_id
    )
    if not access.may_see_event(request.user, event):
        raise Http404(_("No such event."))
    return event


@router.get("/programs", response=list[ProgramOut], summary="The program catalogue")
def programs(request: HttpRequest) -> list[ProgramOut]:
    return [
        ProgramOut(
            id=p.pk,
            name=p.name,
            description=p.description,
            stage=p.stage,
            aspect=p.aspect,
            cadence=p.cadence,
        )
        for p in Program.objects.filter(is_active=True).order_by("name")
    ]


@router.get("/", response=list[EventOut], summary="Upcoming events I may see (first 100)")
def events(request: HttpRequest) -> list[EventOut]:
    return [_event_out(e, e.seats_taken) for e in selectors.events_listed_for(request.user)[:100]]  # type: ignore[attr-defined]


@router.get("/mine", response=list[RegistrationOut], summary="My registrations (latest 100)")
def mine(request: HttpRequest) -> list[RegistrationOut]:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        return []
    return [_registration_out(r) for r in selectors.registrations_of(person=person)[:100]]


@router.get("/{int:event_id}", response=EventOut, summary="An event", openapi_extra=errors(404))
def event_detail(request: HttpRequest, event_id: int) -> EventOut:
    return _event_out(_visible_event(request, event_id))


@router.post(
    "/{int:event_id}/registration",
    response={200: RegistrationOut, 201: RegistrationOut},
    summary="Register me (a seat, or the waitlist when full)",
    openapi_extra=errors(404),
)
def register(
    request: HttpRequest, event_id: int, payload: RegistrationIn
) -> Status[RegistrationOut]:
    event = _visible_event(request, event_id)
    person = _own_person(request)
    before = Registration.objects.filter(
        event=event, person=person, status__in=["confirmed", "waitlisted"]
    ).exists()
    registration = services.event_register(
        event=event,
        person=person,
        by=request.user,  # type: ignore[arg-type]
        guests=payload.guests,
        guest_names=payload.guest_names,
        answers=payload.answers,
    )
    return Status(200 if before else 201, _registration_out(registration))


@router.delete(
    "/{int:event_id}/registration",
    response=RegistrationOut,
    summary="Cancel my registration",
    openapi_extra=errors(404),
)
def unregister(request: HttpRequest, event_id: int) -> RegistrationOut:
    event = _visible_event(request, event_id)
    person = _own_person(request)
    registration = get_object_or_404(
        Registration.objects.select_related("event"), event=event, person=person
    )
    services.registration_cancel(registration=registration, by=request.user)  # type: ignore[arg-type]
    registration.refresh_from_db()
    return _registration_out(registration)


@router.post(
    "/check-ins",
    response={200: CheckInOut, 403: ErrorOut, 404: ErrorOut},
    summary="Check someone in with the code from their QR (event staff)",
)
def check_in(request: HttpRequest, payload: CheckInIn) -> Status[CheckInOut | dict]:
    registration_id = registration_id_from_token(payload.token)
    registration = (
        Registration.objects.select_related("person", "event").filter(pk=registration_id).first()
        if registration_id
        else None
    )
    if registration is None:
        return Status(404, {"detail": _("This check-in code is not valid.")})
    if not access.may_check_in(request.user, registration.event):
        return Status(403, {"detail": _("You do not check people in at this event.")})
    registration, first = services.registration_check_in(
        registration=registration,
        by=request.user,  # type: ignore[arg-type]
    )
    return Status(
        200,
        CheckInOut(
            registration=_registration_out(registration),
            person_name=registration.person.full_name,
            newly_checked_in=first,
        ),
    )
