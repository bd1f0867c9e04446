"""Reads of the mentoring app: lists with their relations loaded, and the program dashboard."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from alma.mentoring.models import (
    OPEN_STATES,
    Cycle,
    Meeting,
    MenteeApplication,
    MentorProfile,
    Mentorship,
    SurveyResponse,
)


def _count_per_cycle(model: Any) -> Any:
    rows = model.objects.filter(cycle=OuterRef("pk")).values("cycle").annotate(n=Count("id"))
    return Coalesce(Subquery(rows.values("n")), 0)


def cycles_listed() -> QuerySet[Cycle]:
    # Subqueries, not joins: joining both sides would multiply mentors by mentees.
    return (
        Cycle.objects.select_related("program")
        .annotate(
            mentor_count=_count_per_cycle(MentorProfile),
            mentee_count=_count_per_cycle(MenteeApplication),
        )
        .order_by("-created_at", "-id")
    )


def mentors_with_free_places(cycle: Cycle) -> QuerySet[MentorProfile]:
    """The cycle's mentors who can still take a mentee, with the places they have left."""
    return (
        cycle.mentors.select_related("person")
        .annotate(taken=Count("mentorships", filter=Q(mentorships__status__in=OPEN_STATES)))
        .filter(taken__lt=F("capacity"))
        .order_by("person__full_name", "id")
    )


def pairs_of_cycle(cycle: Cycle, *, status: str = "") -> QuerySet[Mentorship]:
    pairs = cycle.mentorships.select_related("mentor__person", "mentee__person").annotate(
        meeting_count=Count("meetings")
    )
    if status:
        pairs = pairs.filter(status=status)
    return pairs.order_by("status", "-score", "id")


def mentorships_of(person_id: int | None) -> QuerySet[Mentorship]:
    if person_id is None:
        return Mentorship.objects.none()
    return (
        Mentorship.objects.filter(Q(mentor__person_id=person_id) | Q(mentee__person_id=person_id))
        .exclude(status="proposed")
        .select_related("cycle__program", "mentor__person", "mentee__person")
        .order_by("-created_at", "-id")
    )


def unmatched_mentees(cycle: Cycle) -> QuerySet[MenteeApplication]:
    return (
        cycle.mentees.exclude(mentorships__status__in=OPEN_STATES)
        .select_related("person")
        .order_by("id")
    )


@dataclass
class Dashboard:
    mentors: int
    places: int
    applicants: int
    matched: int
    active: int
    declined: int
    match_rate: float | None
    unmatched_by_reason: list[tuple[str, int]]
    meetings: int
    meetings_per_pair: float | None
    meeting_rating: float | None
    satisfaction: float | None
    survey_responses: int
    last_run: Any


def cycle_dashboard(cycle: Cycle) -> Dashboard:
    """The program dashboard's numbers, in a fixed handful of queries."""
    mentor_stats = cycle.mentors.aggregate(n=Count("id"), places=Sum("capacity"))
    applicants = cycle.mentees.count()
    states = dict(cycle.mentorships.values_list("status").annotate(n=Count("id")).order_by())
    matched = (
        cycle.mentees.filter(mentorships__status__in=OPEN_STATES + ("closed",)).distinct().count()
    )
    reasons = (
        unmatched_mentees(cycle)
        .exclude(unmatched_reason="")
        .values_list("unmatched_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    meetings = Meeting.objects.filter(mentorship__cycle=cycle).aggregate(
        n=Count("id"), rating=Avg("activity__rating")
    )
    pairs_met = states.get("active", 0) + states.get("closed", 0)
    survey = SurveyResponse.objects.filter(mentorship__cycle=cycle).aggregate(
        n=Count("id"), avg=Avg("satisfaction")
    )
    return Dashboard(
        mentors=mentor_stats["n"] or 0,
        places=mentor_stats["places"] or 0,
        applicants=applicants,
        matched=matched,
        active=pairs_met,
        declined=states.get("declined", 0),
        match_rate=(matched / applicants) if applicants else None,
        unmatched_by_reason=list(reasons),
        meetings=meetings["n"] or 0,
        meetings_per_pair=(meetings["n"] / pairs_met) if pairs_met else None,
        meeting_rating=meetings["rating"],
        satisfaction=survey["avg"],
        survey_responses=survey["n"] or 0,
        last_run=cycle.runs.first(),
    )


def alumni_mentor_ids() -> QuerySet[Any]:
    """Ids of the alumni who have signed up to mentor in any cycle (insights' blind spots)."""
    from alma.people.models import Stage

    return (
        MentorProfile.objects.filter(person__stage=Stage.ALUMNUS)
        .values_list("person_id", flat=True)
        .distinct()
    )
