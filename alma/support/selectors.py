"""Reads for support: a case's page, the hometown chapter, alumni whose expertise fits.

Selectors only read; the views that show protected content log the read themselves
(`services.case_read_log`).
"""

from typing import Any

from django.db.models import Q, QuerySet

from alma.matching.affinity import build_affinity_model
from alma.matching.profiles import Profile, Weights
from alma.matching.reasons import Reason, reason_label
from alma.people.models import Chapter, Person, Stage
from alma.people.privacy import may_see
from alma.support.models import Case, HelpRequest, SupportPreference

# Expertise and free text decide; the student's hometown against where the alumnus lives helps.
HELPER_WEIGHTS = Weights(
    major=0,
    school=0,
    target_industry=0,
    same_industry=0,
    city=0.5,
    graduation_year=0,
    language=0,
    topics=1.0,
    text=1.0,
)
CASE_ID = "case"
EXPERTISE_REASONS = {"shared_topics", "text_similarity"}


def hometown_chapter(student: Person) -> Chapter | None:
    """The regional chapter of the student's hometown city, if the university has one."""
    city = (student.hometown_city or "").strip()
    if not city:
        return None
    chapters = Chapter.objects.filter(kind=Chapter.Kind.REGIONAL, city__iexact=city)
    country = (student.hometown_country or "").strip()
    if country:
        chapters = chapters.filter(Q(country="") | Q(country__iexact=country))
    return chapters.order_by("pk").first()


def _tags(text: str) -> tuple[str, ...]:
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def willing_alumni() -> QuerySet[Person]:
    """Alumni who accept requests for help (off until they opt in)."""
    return Person.objects.filter(
        stage=Stage.ALUMNUS,
        pk__in=SupportPreference.objects.filter(accepts_help_requests=True).values("person_id"),
    )


def helper_candidates(case: Case, *, viewer: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Alumni who opted in, ranked by the matching engine against the expertise the case needs,
    with its reasons; those already asked for this case are left out. Only what `viewer` (the
    case's team) may see of each person goes in, so no reason shows a field kept from them."""
    asked = HelpRequest.objects.filter(case=case, alumnus__isnull=False).values("alumnus_id")
    people = list(
        willing_alumni().exclude(pk__in=asked).exclude(pk=case.student_id).order_by("pk")[:5000]
    )
    needed = _tags(case.expertise_needed)
    if not people or not needed:
        return []
    student = case.student
    need = Profile(
        id=CASE_ID,
        topics=tuple(t.lower() for t in needed),
        text=case.expertise_needed,
        city=(student.hometown_city or None) if may_see(viewer, student, "hometown") else None,
    )
    helpers = [_helper_profile(viewer, p) for p in people]
    model = build_affinity_model(left=[need], right=helpers, weights=HELPER_WEIGHTS)
    ranked: list[dict[str, Any]] = []
    for person in people:
        explanation = model.explain(CASE_ID, person.pk)
        # Living near the student helps, but only expertise makes someone a candidate.
        if not any(r.code in EXPERTISE_REASONS for r in explanation.reasons):
            continue
        ranked.append(
            {
                "person": person,
                "score": round(explanation.score, 4),
                "reasons": [
                    {"code": r.code, "params": dict(r.params), "contribution": r.contribution}
                    for r in explanation.reasons
                ],
            }
        )
    ranked.sort(key=lambda row: (-row["score"], row["person"].pk))
    return ranked[:limit]


def _helper_profile(viewer: Any, person: Person) -> Profile:
    expertise = person.expertise if may_see(viewer, person, "expertise") else ""
    headline = person.headline if may_see(viewer, person, "about") else ""
    city = person.current_city if may_see(viewer, person, "current_location") else ""
    return Profile(
        id=person.pk,
        person=person.pk,
        topics=tuple(t.lower() for t in _tags(expertise)),
        text=", ".join(filter(None, [expertise, headline])),
        city=city or None,
    )


def reasons_display(reasons: list[dict[str, Any]]) -> list[str]:
    return [reason_label(Reason(code=r["code"], params=r.get("params", {}))) for r in reasons or []]


def case_page(case: Case) -> Case:
    return (
        Case.objects.select_related("student", "opened_by")
        .prefetch_related("team__person", "tasks__owner", "files", "consents", "grants")
        .get(pk=case.pk)
    )


def case_requests(case: Case) -> QuerySet[HelpRequest]:
    return (
        HelpRequest.objects.filter(case=case)
        .select_related("chapter", "alumnus", "consent")
        .prefetch_related("offers__helper")
    )
