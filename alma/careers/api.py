"""API: live postings, a posting, applying and my applications (students), a posting's
applicants and moving them (its organisation's representatives and career staff), fairs and a
fair's report (career staff), and postings recommended for me (students).

The same selectors, services and permissions as the pages: a posting that is not live exists
only for its organisation and career staff (404 for everyone else), another organisation's
applicants are 404 to a representative, another student's application is 404.

Applying through the API sends no CV: the CV is uploaded on the web page (*Apply*), which checks
its content; an application made here carries none (the student's note only).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from alma.careers import selectors, services
from alma.careers.models import (
    ApplicationStep,
    JobApplication,
    JobFair,
    Posting,
    PostingKind,
)
from alma.lib.openapi import errors
from alma.people.models import Person
from alma.people.privacy import person_shown_by_consent
from alma.people.schemas import EducationOut

router = Router(tags=["careers"])


class PostingOut(Schema):
    id: int
    kind: str
    title: str
    organization_id: int
    organization: str
    industry: str
    target_majors: list[str]
    degree_levels: list[str]
    skills: list[str]
    cities: list[str]
    remote: bool
    openings: int
    salary_min: Decimal | None
    salary_max: Decimal | None
    deadline: dt.date
    status: str

    @staticmethod
    def resolve_organization(obj: Posting) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_target_majors(obj: Posting) -> list[str]:
        return obj.major_list

    @staticmethod
    def resolve_degree_levels(obj: Posting) -> list[str]:
        return obj.degree_list

    @staticmethod
    def resolve_skills(obj: Posting) -> list[str]:
        return obj.skill_list

    @staticmethod
    def resolve_cities(obj: Posting) -> list[str]:
        return obj.city_list


class PostingDetailOut(PostingOut):
    description: str  # Markdown, as typed
    description_html: str  # cleaned HTML, as the page shows it
    my_application_id: int | None


class PostingFilters(Schema):
    q: str = Field("", max_length=200, description="Words (Chinese, pinyin, prefixes)")
    kind: str = Field("", description="internship, graduate_job, part_time or practice_base")
    city: str = Field("", max_length=80)
    major: str = Field("", max_length=120)


class StepOut(Schema):
    status: str
    at: dt.datetime


class ApplicationOut(Schema):
    id: int
    posting_id: int
    posting_title: str
    organization: str
    status: str
    note: str
    has_cv: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    steps: list[StepOut]

    @staticmethod
    def resolve_posting_title(obj: JobApplication) -> str:
        return obj.posting.title

    @staticmethod
    def resolve_organization(obj: JobApplication) -> str:
        return obj.posting.organization.name

    @staticmethod
    def resolve_has_cv(obj: JobApplication) -> bool:
        return bool(obj.cv)

    @staticmethod
    def resolve_steps(obj: JobApplication) -> list[ApplicationStep]:
        return list(obj.steps.all())


class ApplyIn(Schema):
    note: str = Field("", max_length=4000)


class ApplicantPersonOut(Schema):
    """The applicant as the organisation may see them: the name always (they applied), the
    rest only where their privacy settings let the viewer see it."""

    id: int
    full_name: str
    name_latin: str
    educations: list[EducationOut] | None = None


class ApplicantOut(Schema):
    id: int
    status: str
    note: str
    created_at: dt.datetime
    cv_url: str | None
    student: ApplicantPersonOut

    @staticmethod
    def resolve_cv_url(obj: JobApplication) -> str | None:
        return reverse("careers:cv", args=[obj.pk]) if obj.cv else None

    @staticmethod
    def resolve_student(obj: JobApplication, context: dict) -> dict:
        # The student chose to show themselves to this organisation by applying.
        viewer = context["request"].user
        view = person_shown_by_consent(viewer, obj.student, consented=True) or {}
        return {k: view[k] for k in ("id", "full_name", "name_latin", "educations") if k in view}


class MoveIn(Schema):
    application_ids: list[int] = Field(min_length=1, max_length=1000)
    status: str


class MovedOut(Schema):
    moved: int


class FairOut(Schema):
    id: int
    name: str
    date: dt.date
    venue: str
    status: str
    booth_count: int
    event_id: int | None


class FairReportOut(Schema):
    organisations: int
    postings: int
    openings: int
    applications: int
    offers: int
    hires: int
    majors_covered: int
    majors_total: int


class RecommendationOut(Schema):
    posting: PostingOut
    score: float
    reasons: list[str]


def _own_person(request: HttpRequest) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        raise Http404(_("Your account is not linked to a person record."))
    return person


def _posting(request: HttpRequest, posting_id: int) -> Posting:
    posting = selectors.posting_for(request.user, posting_id)
    if posting is None:
        raise Http404(_("No such posting."))
    return posting


def _managed_posting(request: HttpRequest, posting_id: int) -> Posting:
    """A posting of an organisation the caller represents (or any, for career staff); another
    organisation's posting does not exist for them."""
    posting = _posting(request, posting_id)
    if not selectors.may_manage_organization(request.user, posting.organization_id):
        raise Http404(_("No such posting."))
    return posting


def _require_student(request: HttpRequest) -> None:
    if not selectors.is_student(request.user):
        raise HttpError(403, _("Only students do this."))


def _require_career_staff(request: HttpRequest) -> None:
    if not selectors.is_career_staff(request.user):
        raise HttpError(403, _("Only the career or alumni office can do this."))


@router.get(
    "/postings",
    response=list[PostingOut],
    summary="Live postings, best match first (filter by words, kind, city, major)",
)
@paginate(LimitOffsetPagination)
def careers_postings(request: HttpRequest, filters: Query[PostingFilters]):  # type: ignore[no-untyped-def]
    kind = filters.kind if filters.kind in PostingKind.values else ""
    postings: QuerySet[Posting] = selectors.postings_search(
        text=filters.q.strip(), kind=kind, city=filters.city.strip(), major=filters.major.strip()
    )
    return postings


@router.get(
    "/postings/{int:posting_id}",
    response=PostingDetailOut,
    summary="A posting (live ones; any of my organisation's)",
    openapi_extra=errors(404),
)
def careers_posting(request: HttpRequest, posting_id: int) -> Posting:
    posting = _posting(request, posting_id)
    person_id = getattr(request.user, "person_id", None)
    posting.my_application_id = (  # type: ignore[attr-defined]
        JobApplication.objects.filter(posting=posting, student_id=person_id)
        .values_list("pk", flat=True)
        .first()
        if person_id
        else None
    )
    posting.description_html = str(selectors.markdown_html(posting.description))  # type: ignore[attr-defined]
    return posting


@router.post(
    "/postings/{int:posting_id}/applications",
    response={201: ApplicationOut},
    summary="Apply to a live posting (students; no CV: upload one on the web page)",
    openapi_extra=errors(403, 404),
)
def careers_apply(request: HttpRequest, posting_id: int, payload: ApplyIn) -> Status:
    posting = _posting(request, posting_id)
    _require_student(request)
    application = services.application_submit(user=request.user, posting=posting, note=payload.note)
    return Status(201, application)


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary="My applications, latest news first",
    openapi_extra=errors(404),
)
@paginate(LimitOffsetPagination)
def careers_my_applications(request: HttpRequest):  # type: ignore[no-untyped-def]
    person = _own_person(request)
    return selectors.applications_of_student(person)


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    summary="An application (the student, the organisation applied to, career staff)",
    openapi_extra=errors(404),
)
def careers_application(request: HttpRequest, application_id: int) -> JobApplication:
    application = selectors.application_for(request.user, application_id)
    if application is None:
        raise Http404(_("No such application."))
    return application


@router.get(
    "/postings/{int:posting_id}/applicants",
    response=list[ApplicantOut],
    exclude_unset=True,
    summary="A posting's applicants (its organisation's representatives, career staff)",
    openapi_extra=errors(404),
)
@paginate(LimitOffsetPagination)
def careers_applicants(request: HttpRequest, posting_id: int):  # type: ignore[no-untyped-def]
    posting = _managed_posting(request, posting_id)
    return selectors.applicants_of(posting)


@router.post(
    "/postings/{int:posting_id}/applicants/moves",
    response=MovedOut,
    summary="Move applicants of the posting to a step, all or none; each student is told",
    openapi_extra=errors(404),
)
def careers_applicants_move(request: HttpRequest, posting_id: int, payload: MoveIn) -> dict:
    posting = _managed_posting(request, posting_id)
    moved = services.applications_move(
        user=request.user,
        posting=posting,
        application_ids=payload.application_ids,
        status=payload.status,
    )
    return {"moved": moved}


@router.get("/fairs", response=list[FairOut], summary="Job fairs, newest first (first 100)")
def careers_fairs(request: HttpRequest) -> list[JobFair]:
    return list(selectors.fairs_listed()[:100])


@router.get(
    "/fairs/{int:fair_id}/report",
    response=FairReportOut,
    summary="A fair's figures, as `alma careers fair-report` prints them (career staff)",
    openapi_extra=errors(403, 404),
)
def careers_fair_report(request: HttpRequest, fair_id: int) -> dict[str, int]:
    _require_career_staff(request)
    return selectors.fair_report(get_object_or_404(JobFair, pk=fair_id))


@router.get(
    "/recommendations",
    response=list[RecommendationOut],
    summary="Live postings recommended for me, with the reasons (students)",
    openapi_extra=errors(403, 404),
)
def careers_recommendations(request: HttpRequest) -> list[dict]:
    _require_student(request)
    person = _own_person(request)
    return [
        {"posting": p, "score": r.score, "reasons": r.reason_labels()}
        for p, r in selectors.recommendations_for(person, limit=10)
    ]
