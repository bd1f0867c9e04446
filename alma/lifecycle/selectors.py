"""Reads for the lifecycle pages: admissions by region, new students and alumni of a chapter,
parents who share their contacts, destinations, and who falls between stages."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from alma.events.access import managed_scope_of
from alma.events.models import Event, EventKind
from alma.lifecycle.models import GraduateDestination
from alma.people.models import (
    Chapter,
    ChapterMembership,
    Consent,
    ConsentPurpose,
    Education,
    Organization,
    Person,
    PersonRelation,
    StaffPost,
    Stage,
)
from alma.people.privacy import field_visible_q, people_visible_to


def region_q(chapter: Chapter, prefix: str = "hometown") -> Q:
    """People from a chapter's region: its city when it has one, else its province or country."""
    if chapter.city:
        return Q(**{f"{prefix}_city__iexact": chapter.city})
    if chapter.province:
        return Q(**{f"{prefix}_province__iexact": chapter.province})
    if chapter.country:
        return Q(**{f"{prefix}_country__iexact": chapter.country})
    return Q(pk__in=[])


def new_students_of(*, chapter: Chapter, entry_year: int, viewer: Any) -> QuerySet[Person]:
    """Admitted students of that year from the chapter's region (grouped by hometown), found by
    what the viewer may see: their profile, hometown and education."""
    return (
        people_visible_to(viewer)
        .filter(region_q(chapter))
        .filter(field_visible_q(viewer, "hometown"), field_visible_q(viewer, "education"))
        .filter(
            stage=Stage.PROSPECTIVE,
            educations__entry_year=entry_year,
            educations__graduation_year__isnull=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def consenting(*, person_ids: list[int], purpose: str) -> set[int]:
    """Of these people, those whose latest decision for the purpose is a grant."""
    decided: dict[int, bool] = {}
    for person_id, granted in (
        Consent.objects.filter(person_id__in=person_ids, purpose=purpose)
        .order_by("person_id", "recorded_at", "id")
        .values_list("person_id", "granted")
    ):
        decided[person_id] = granted
    return {pk for pk, granted in decided.items() if granted}


def parents_of(*, student_ids: list[int]) -> tuple[dict[int, list[PersonRelation]], set[int]]:
    """Relatives by student, and which relatives agreed to share contacts with chapters."""
    relations = list(
        PersonRelation.objects.filter(person_id__in=student_ids)
        .select_related("relative")
        .order_by("person_id", "kind", "relative__full_name")
    )
    by_student: dict[int, list[PersonRelation]] = defaultdict(list)
    for relation in relations:
        by_student[relation.person_id].append(relation)
    # A parent shares their contact by joining the new parents group (asked on admission, and
    # recorded by imports) or by sharing it with their chapter.
    relative_ids = [r.relative_id for r in relations]
    shared = consenting(person_ids=relative_ids, purpose=ConsentPurpose.NEW_PARENTS) | consenting(
        person_ids=relative_ids, purpose=ConsentPurpose.CHAPTER_SHARING
    )
    return by_student, shared


def intake_year(today: dt.date | None = None) -> int:
    """The entry year admissions are for now: this September's, or next year's from September."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def destinations_of(*, graduation_year: int, status: str = "") -> QuerySet[GraduateDestination]:
    """Graduates of a year and what they answered, for the office to follow up."""
    rows = GraduateDestination.objects.filter(graduation_year=graduation_year).select_related(
        "person", "chapter"
    )
    if status == "answered":
        rows = rows.filter(answered_at__isnull=False)
    elif status == "pending":
        rows = rows.filter(answered_at__isnull=True)
    return rows.order_by("person__full_name", "id")


def new_alumni_of(*, chapter: Chapter, graduation_year: int) -> QuerySet[GraduateDestination]:
    return (
        GraduateDestination.objects.filter(chapter=chapter, graduation_year=graduation_year)
        .select_related("person")
        .order_by("-answered_at", "id")
    )


def chapters_managed_by(user: Any) -> QuerySet[Chapter]:
    scope = managed_scope_of(user)
    chapters = Chapter.objects.all()
    if not scope.office:
        chapters = chapters.filter(pk__in=scope.chapter_ids)
    return chapters.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__role=ChapterMembership.Role.MEMBER), distinct=True
        )
    ).order_by("name")


def admissions_by_hometown(*, entry_year: int, viewer: Any | None) -> list[dict[str, Any]]:
    """Admitted students of a year, counted by hometown, each with its regional chapter. Only
    what the viewer may see counts: a hidden education is not found, a hidden hometown is
    counted as unknown. `viewer=None` is the operator's command line (`alma insights`), which
    has the database itself: every record counts."""
    everyone = Q()
    hometown_seen = everyone if viewer is None else field_visible_q(viewer, "hometown")
    counts = (
        Person.objects.filter(
            everyone if viewer is None else field_visible_q(viewer, "education"),
            stage=Stage.PROSPECTIVE,
            educations__entry_year=entry_year,
            educations__graduation_year__isnull=True,
        )
        .annotate(
            seen_country=Case(
                When(hometown_seen, then=F("hometown_country")),
                default=Value(""),
                output_field=CharField(),
            ),
            seen_province=Case(
                When(hometown_seen, then=F("hometown_province")),
                default=Value(""),
                output_field=CharField(),
            ),
            seen_city=Case(
                When(hometown_seen, then=F("hometown_city")),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .values("seen_country", "seen_province", "seen_city")
        .annotate(students=Count("pk", distinct=True))
        .order_by("-students", "seen_province", "seen_city")
    )
    rows = [
        {
            "hometown_country": row["seen_country"],
            "hometown_province": row["seen_province"],
            "hometown_city": row["seen_city"],
            "students": row["students"],
        }
        for row in counts
    ]
    chapters = list(Chapter.objects.filter(kind=Chapter.Kind.REGIONAL))
    by_city = {c.city.lower(): c for c in chapters if c.city}
    by_province = {c.province.lower(): c for c in chapters if c.province and not c.city}
    return [
        {
            **row,
            "chapter": by_city.get((row["hometown_city"] or "").lower())
            or by_province.get((row["hometown_province"] or "").lower()),
        }
        for row in rows
    ]


def lifecycle_gaps(*, today: dt.date | None = None) -> dict[str, QuerySet[Person]]:
    """People who fall between stages, or alumni without a chapter: one queryset per gap."""
    year = (today or timezone.localdate()).year
    people = Person.objects.order_by("full_name", "pk")
    open_education = Education.objects.filter(person=OuterRef("pk"), graduation_year__isnull=True)
    any_education = Education.objects.filter(person=OuterRef("pk"))
    staff = StaffPost.objects.filter(person=OuterRef("pk"), active=True)
    representative = Organization.representatives.through.objects.filter(person_id=OuterRef("pk"))
    relative = PersonRelation.objects.filter(relative=OuterRef("pk"))
    return {
        # No stage, yet studied here, or no other tie to the university (post, partner, parent).
        "no_stage": people.filter(stage=Stage.NONE).filter(
            Exists(any_education) | ~(Exists(staff) | Exists(representative) | Exists(relative))
        ),
        "admitted_not_enrolled": people.filter(stage=Stage.PROSPECTIVE).exclude(
            educations__entry_year__gte=year
        ),
        "student_without_course": people.filter(stage=Stage.STUDENT).exclude(
            Exists(open_education)
        ),
        "overdue_graduation": people.filter(stage=Stage.STUDENT)
        .filter(
            educations__graduation_year__isnull=True,
            educations__expected_graduation_year__lt=year,
        )
        .distinct(),
        "alumni_without_chapter": people.filter(
            stage=Stage.ALUMNUS, chapter_memberships__isnull=True
        ),
    }


def chapter_for_place(*, city: str, country: str = "") -> Chapter | None:
    """The regional chapter of a city (case-insensitive), if the university has one."""
    city = city.strip()
    if not city:
        return None
    chapters = Chapter.objects.filter(kind=Chapter.Kind.REGIONAL, city__iexact=city)
    if country.strip():
        chapters = chapters.filter(Q(country="") | Q(country__iexact=country.strip()))
    return chapters.order_by("pk").first()


def chapters_with_send_off(*, entry_year: int) -> set[int]:
    """Chapters holding a live send-off seminar for the new students of that entry year."""
    from alma.events.models import Event, EventKind

    return set(
        Event.objects.filter(
            kind=EventKind.SEND_OFF, audience_entry_year=entry_year, host_chapter__isnull=False
        )
        .exclude(status=Event.Status.CANCELLED)
        .values_list("host_chapter_id", flat=True)
    )


def chapter_send_off_of(*, chapter: Chapter, entry_year: int) -> Event | None:
    """The chapter's live send-off seminar for this intake, if it has one already."""
    return (
        Event.objects.filter(
            host_chapter=chapter, kind=EventKind.SEND_OFF, audience_entry_year=entry_year
        )
        .exclude(status=Event.Status.CANCELLED)
        .order_by("pk")
        .first()
    )
