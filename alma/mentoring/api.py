"""API: my mentorships, and a cycle's mentors with free places (for students choosing one)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from alma.accounts.roles import Role, roles_of
from alma.api.openapi import ErrorOut
from alma.mentoring import selectors
from alma.mentoring.models import Cycle

router = Router(tags=["mentoring"])
LIMIT = 100


class MentorshipOut(Schema):
    id: int
    cycle_id: int
    program: str
    mentor: str
    mentee: str
    status: str
    score: float | None


class MentorOut(Schema):
    id: int
    name: str
    topics: str
    industries: str
    languages: str
    free_places: int


@router.get("/mine", response=list[MentorshipOut], summary="My mentorships, as mentor or mentee")
def my_mentorships(request: HttpRequest) -> list[MentorshipOut]:
    pairs = selectors.mentorships_of(request.user.person_id)[:LIMIT]  # type: ignore[union-attr]
    return [
        MentorshipOut(
            id=p.pk,
            cycle_id=p.cycle_id,
            program=p.cycle.program.name,
            mentor=p.mentor.person.full_name,
            mentee=p.mentee.person.full_name,
            status=p.status,
            score=p.score,
        )
        for p in pairs
    ]


@router.get(
    "/cycles/{cycle_id}/mentors",
    response={200: list[MentorOut], 403: ErrorOut, 404: ErrorOut},
    summary="A cycle's mentors with free places (students and the alumni office)",
)
def cycle_mentors(request: HttpRequest, cycle_id: int) -> Status:
    if not roles_of(request.user) & {Role.STUDENT, Role.ALUMNI_OFFICE}:
        return Status(403, {"detail": _("Students and the alumni office only.")})
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    return Status(
        200,
        [
            MentorOut(
                id=m.pk,
                name=m.person.full_name,
                topics=m.topics,
                industries=m.industries,
                languages=m.languages,
                free_places=m.capacity - m.taken,  # type: ignore[attr-defined]
            )
            for m in selectors.mentors_with_free_places(cycle)[:LIMIT]
        ],
    )
