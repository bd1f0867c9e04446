"""Reads for event pages, feeds and the API: each returns a queryset with its relations joined."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alma.events.access import audience_everyone_q, audience_q, facts_of, managed_scope_of
from alma.events.models import (
    Event,
    EventMessage,
    EventRole,
    Program,
    Registration,
)
from alma.people.models import (
    Chapter,
    Person,
)
from alma.people.privacy import lookup_q


def seats_taken_of(event: Event) -> int:
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
            seats=Coalesce(Sum("guests") + Count("id"), 0)
        )["seats"]
        or 0
    )


def _with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    return events.annotate(
        seats_taken=Coalesce(
            Sum("registrations__guests", filter=confirmed)
            + Count("registrations", filter=confirmed),
            Value(0),
            output_field=IntegerField(),
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events the user may see: those whose audience admits them, and those they manage."""
    events = Event.objects.select_related("program", "host_chapter", "host_unit")
    if not getattr(user, "is_authenticated", False):
        return events.none()
    scope = managed_scope_of(user)
    if scope.office:
        return events
    person = user.person
    facts = facts_of(person) if person is not None else None
    return events.filter(audience_q(facts) | scope.managed_q())


def events_listed_for(
    user: Any,
    *,
    when: str = "upcoming",
    kind: str = "",
    stage: str = "",
    aspect: str = "",
    chapter: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Event]:
    now = now or timezone.now()
    events = _with_seats(events_visible_to(user))
    if when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "id")
    if kind:
        events = events.filter(kind=kind)
    if stage:
        events = events.filter(program__stage=stage)
    if aspect:
        events = events.filter(aspect=aspect)
    if chapter:
        events = events.filter(host_chapter_id=chapter)
    return events


def my_registrations_by_event(*, person: Person | None, event_ids: list[int]) -> dict[int, str]:
    if person is None or not event_ids:
        return {}
    return dict(
        Registration.objects.filter(person=person, event_id__in=event_ids).values_list(
            "event_id", "status"
        )
    )


def programs_catalogue() -> dict[tuple[str, str], list[Program]]:
    """Active programs by (stage, aspect), each with its upcoming event count."""
    now = timezone.now()
    programs = Program.objects.filter(is_active=True).annotate(
        upcoming=Count(
            "events",
            filter=Q(events__ends_at__gte=now, events__status=Event.Status.PUBLISHED),
        ),
        total=Count("events"),
    )
    grid: dict[tuple[str, str], list[Program]] = defaultdict(list)
    for program in programs.order_by("name"):
        grid[(program.stage, program.aspect)].append(program)
    return grid


def event_registrations(*, event: Event, viewer: Any, query: str = "") -> QuerySet[Registration]:
    """An event's registrations for the manage page: search by name, and by email or student
    number where the viewer may see them (people.privacy.lookup_q)."""
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("person", "checked_in_by")
        .order_by("status", "person__full_name", "id")
    )
    query = query.strip()
    if query:
        registrations = registrations.filter(lookup_q(viewer, query, prefix="person__"))
    return registrations


def event_roles(*, event: Event) -> QuerySet[EventRole]:
    return EventRole.objects.filter(event=event).select_related("person")


def registrations_of(*, person: Person) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "event__program", "event__host_chapter", "event__host_unit")
        .order_by("-event__starts_at", "-id")
    )


def feed_events_of(*, person: Person) -> QuerySet[Event]:
    """A person's calendar: events they hold a place at or serve at."""
    return (
        Event.objects.filter(
            Q(
                registrations__person=person,
                registrations__status__in=[
                    Registration.Status.CONFIRMED,
                    Registration.Status.WAITLISTED,
                ],
            )
            | Q(roles__person=person)
        )
        .select_related("host_chapter", "host_unit")
        .distinct()
        .order_by("starts_at", "id")
    )


def chapter_feed_events(*, chapter: Chapter) -> QuerySet[Event]:
    """A chapter's public calendar: anyone may read it, so only events open to everyone."""
    return (
        Event.objects.filter(host_chapter=chapter)
        .filter(audience_everyone_q())
        .select_related("host_chapter", "host_unit")
        .order_by("starts_at", "id")
    )


def chapter_upcoming_events(*, chapter: Chapter, limit: int) -> list[Event]:
    """The chapter's events that have not ended yet, soonest first (for its officers' page)."""
    return list(
        Event.objects.filter(host_chapter=chapter, ends_at__gte=timezone.now())
        .select_related("program")
        .order_by("starts_at")[:limit]
    )


def cohort_messages(*, cohort: str, year: int) -> QuerySet[EventMessage]:
    """Approved alumni messages to a cohort (freshmen of an entry year, graduates of a year):
    those written to the cohort, and those attached to a ceremony for it."""
    for_ceremony = (
        Q(event__audience_graduation_year=year)
        if cohort == EventMessage.Cohort.GRADUATES
        else Q(event__audience_entry_year=year)
    )
    return (
        EventMessage.objects.filter(status=EventMessage.Status.APPROVED)
        .filter(Q(cohort=cohort, cohort_year=year) | for_ceremony)
        .select_related("author", "event")
        .order_by("created_at", "id")
    )
