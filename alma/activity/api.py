"""API: the activity ledger — kinds, services received, the staff service log, ratings."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from alma.activity.kinds import all_kinds
from alma.activity.models import Activity, Aspect
from alma.activity.selectors import activities_received
from alma.activity.services import activity_rate, staff_service_log
from alma.api.openapi import errors
from alma.lib.errors import ApplicationError
from alma.people.models import Person

router = Router(tags=["activity"])


class KindOut(Schema):
    slug: str
    label: str
    beneficiary_may_rate: bool


class ActivityOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    provider: str
    aspect: str
    beneficiary_stage: str
    engagement_mode: str
    note: str
    rating: int | None
    actor_name: str | None


class StaffServiceIn(Schema):
    student_id: int
    aspect: Aspect
    note: str = Field(min_length=1, max_length=2000)
    occurred_on: dt.date | None = None


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)


def _out(activity: Activity) -> ActivityOut:
    return ActivityOut(
        id=activity.pk,
        kind=activity.kind,
        occurred_at=activity.occurred_at,
        provider=activity.provider,
        aspect=activity.aspect,
        beneficiary_stage=activity.beneficiary_stage,
        engagement_mode=activity.engagement_mode,
        note=activity.note,
        rating=activity.rating,
        actor_name=activity.actor.full_name if activity.actor else None,
    )


@router.get("/kinds", response=list[KindOut], summary="Registered activity kinds")
def kinds(request: HttpRequest) -> list[KindOut]:
    return [
        KindOut(slug=k.slug, label=str(k.label), beneficiary_may_rate=k.beneficiary_may_rate)
        for k in all_kinds()
    ]


@router.get(
    "/received", response=list[ActivityOut], summary="Services I have received (latest 100)"
)
def received(request: HttpRequest) -> list[ActivityOut]:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        return []
    return [_out(a) for a in activities_received(person=person)[:100]]


@router.post(
    "/staff-services", response={201: ActivityOut}, summary="Record a service to a student (staff)"
)
def record_staff_service(request: HttpRequest, payload: StaffServiceIn) -> Status[ActivityOut]:
    student = Person.objects.filter(pk=payload.student_id).first()
    if student is None:
        raise ApplicationError(_("No such student."), field="student_id")
    try:
        activity = staff_service_log(
            staff=request.user,  # type: ignore[arg-type]
            student=student,
            aspect=payload.aspect.value,
            note=payload.note,
            occurred_on=payload.occurred_on,
        )
    except ApplicationError as error:
        # Name the field as the API's caller sent it.
        if error.field == "student":
            error.field = "student_id"
        raise
    return Status(201, _out(activity))


@router.post(
    "/{int:activity_id}/rating",
    response=ActivityOut,
    summary="Rate a service I received",
    openapi_extra=errors(404),
)
def rate(request: HttpRequest, activity_id: int, payload: RatingIn) -> ActivityOut:
    activity = get_object_or_404(
        Activity.objects.select_related("actor"),
        pk=activity_id,
        beneficiary_id=request.user.person_id,  # type: ignore[union-attr]
    )
    return _out(activity_rate(activity=activity, by=request.user, rating=payload.rating))  # type: ignore[arg-type]
