"""The lifecycle: admission, enrolment, graduation, destinations and the hand-over to chapters.

People and events serve it: a person's stage and education are people's records, a send-off or
welcome is an event. Every step is idempotent: running it again adds what is missing and
duplicates nothing. Bulk steps (a cohort enrols or graduates) preview first, then re-compute
the same plan inside the transaction; rows are read and written in batches, never one by one.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.activity.models import Aspect, ProcessStage
from alma.events.models import Event, EventKind, Program
from alma.events.services import event_create
from alma.lib.bulk import history_copy
from alma.lib.errors import ApplicationError
from alma.lib.validation import full_clean_or_refuse
from alma.lifecycle.models import GraduateDestination, ParentsGroup
from alma.lifecycle.selectors import (
    chapter_for_place,
    new_alumni_of,
    new_students_of,
    parents_of,
)
from alma.people.models import (
    Chapter,
    ChapterMembership,
    DegreeLevel,
    Education,
    Person,
    Stage,
    StageTransition,
)
from alma.people.services import chapter_member_add, people_reindex, person_record_destination

# --- One person: admission, enrolment, graduation ------------------------------------------


def _open_education(person: Person) -> Education | None:
    """The person's latest education without a graduation year."""
    return person.educations.filter(graduation_year__isnull=True).order_by("-entry_year").first()


def _transition(person: Person, to_stage: Stage, by: User | None) -> None:
    StageTransition.objects.create(
        person=person, from_stage=person.stage, to_stage=to_stage, recorded_by=by
    )
    person.stage = to_stage
    person._change_reason = f"stage: {to_stage}"  # type: ignore[attr-defined]
    person.save(update_fields=["stage", "updated_at"])


@transaction.atomic
def person_admit(
    *,
    person: Person,
    by: User | None,
    school: str,
    major: str,
    degree_level: str,
    entry_year: int,
) -> Education:
    """Admission: a prospective student with the programme they were admitted to."""
    if person.stage not in (Stage.NONE, Stage.PROSPECTIVE, Stage.ALUMNUS):
        raise ApplicationError(_("%(name)s is already a student.") % {"name": person.full_name})
    if degree_level not in DegreeLevel.values:
        raise ApplicationError(_("Unknown degree level."), field="degree_level")
    education = Education(
        person=person, degree_level=degree_level, school=school, major=major, entry_year=entry_year
    )
    full_clean_or_refuse(education, exclude=["person"])  # say which field, never a 500
    education.save()
    if person.stage != Stage.PROSPECTIVE:
        _transition(person, Stage.PROSPECTIVE, by)
    return education


@transaction.atomic
def person_enrol(
    *, person: Person, by: User | None, student_number: str, expected_graduation_year: int
) -> Education:
    """Enrolment: the prospective student registers and receives a student number."""
    if person.stage != Stage.PROSPECTIVE:
        raise ApplicationError(_("Only admitted (prospective) students can enrol."))
    education = _open_education(person)
    if education is None:
        raise ApplicationError(_("%(name)s has no admission record.") % {"name": person.full_name})
    if expected_graduation_year < education.entry_year:
        raise ApplicationError(
            _("Graduation cannot come before entry."), field="expected_graduation_year"
        )
    student_number = student_number.strip()
    if not student_number:
        raise ApplicationError(_("Give the student number."), field="student_number")
    if Education.objects.filter(student_number=student_number).exclude(pk=education.pk).exists():
        raise ApplicationError(
            _("Student number %(n)s is taken.") % {"n": student_number}, field="student_number"
        )
    education.student_number = student_number
    education.expected_graduation_year = expected_graduation_year
    education.save()
    _transition(person, Stage.STUDENT, by)
    return education


@transaction.atomic
def person_graduate(
    *, person: Person, by: User | None, graduation_year: int | None = None
) -> Education:
    """Graduation confers the degree and makes the student an alumnus."""
    if person.stage != Stage.STUDENT:
        raise ApplicationError(_("Only students can graduate."))
    education = _open_education(person)
    if education is None:
        raise ApplicationError(
            _("%(name)s has no open education record.") % {"name": person.full_name}
        )
    year = timezone.localdate().year if graduation_year is None else graduation_year
    if year < education.entry_year:
        raise ApplicationError(_("Graduation cannot come before entry."), field="graduation_year")
    education.graduation_year = year
    education.save()
    _transition(person, Stage.ALUMNUS, by)
    return education


def default_expected_graduation(degree_level: str, entry_year: int) -> int:
    years = {
        "associate": 3,
        "bachelor": 4,
        "master": 3,
        "doctorate": 4,
        "exchange": 1,
        "continuing": 2,
    }
    return entry_year + years.get(degree_level, 4)


# --- Lifecycle in bulk: a whole cohort enrols or graduates in one operation --------------------
#
# Each runs in two steps: a preview that says who changes and who is left as is (and why), then
# the change itself, which re-computes the same plan inside the transaction. A second run
# changes nothing (people already moved are reported as unchanged). Queries are bounded: rows
# are read and written in chunks, never one by one, so a cohort of 5,000 costs a few dozen.

COHORT_CHUNK = 500
COHORT_MAX = 20_000


@dataclass(frozen=True)
class CohortChange:
    person_id: int
    full_name: str
    student_number: str
    school: str
    major: str
    from_stage: str
    to_stage: str

    @property
    def change_label(self) -> str:
        return f"{Stage(self.from_stage).label} → {Stage(self.to_stage).label}"


@dataclass
class CohortPlan:
    """Who a bulk transition would move, who it leaves as is, and which references are unknown."""

    to_stage: str
    changes: list[CohortChange] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (who, why)
    unknown: list[str] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list, repr=False)


def _batches(items: list[Any], size: int = COHORT_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _clean_references(references: list[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for reference in references or []:
        reference = reference.strip()
        if reference:
            seen.setdefault(reference, None)
    if len(seen) > COHORT_MAX:
        raise ApplicationError(
            _("At most %(n)d people in one operation.") % {"n": COHORT_MAX}, field="references"
        )
    return list(seen)


def _cohort_educations(
    *, references: list[str], by_email: bool, filters: dict[str, Any]
) -> tuple[list[Education], list[str]]:
    """Education rows (with their person) for the references or the filter; unknown refs."""
    base = Education.objects.select_related("person").order_by("person__full_name", "pk")
    if not references:
        return list(base.filter(**filters)), []
    found: list[Education] = []
    matched: set[str] = set()
    for chunk in _batches(references):
        if by_email:
            lowered = [r.lower() for r in chunk]
            rows = list(base.filter(person__email__in=lowered, **filters))
            matched.update(e.person.email.lower() for e in rows)
        else:
            rows = list(base.filter(student_number__in=chunk))
            matched.update(e.student_number or "" for e in rows)
        found.extend(rows)
    unknown = [r for r in references if (r.lower() if by_email else r) not in matched]
    return found, unknown


def _describe(education: Education) -> str:
    number = education.student_number or education.person.email
    return f"{education.person.full_name} ({number})" if number else education.person.full_name


def cohort_graduation_plan(
    *,
    graduation_year: int,
    student_numbers: list[str] | None = None,
    expected_graduation_year: int | None = None,
    school: str = "",
    degree_level: str = "",
) -> CohortPlan:
    """Who graduating this cohort would make alumni: from student numbers or a filter."""
    this_year = timezone.localdate().year
    if not 1900 <= graduation_year <= this_year + 1:
        raise ApplicationError(_("Give a plausible graduation year."), field="graduation_year")
    references = _clean_references(student_numbers)
    filters: dict[str, Any] = {}
    if not references:
        if expected_graduation_year is None:
            raise ApplicationError(
                _("Give student numbers, or the expected graduation year of the cohort."),
                field="references",
            )
        filters["expected_graduation_year"] = expected_graduation_year
        filters["person__stage__in"] = [Stage.STUDENT, Stage.ALUMNUS]
        if school:
            filters["school"] = school
        if degree_level:
            if degree_level not in DegreeLevel.values:
                raise ApplicationError(_("Unknown degree level."), field="degree_level")
            filters["degree_level"] = degree_level
    educations, unknown = _cohort_educations(references=references, by_email=False, filters=filters)
    plan = CohortPlan(to_stage=Stage.ALUMNUS, unknown=unknown)
    moving: set[int] = set()
    for education in educations:
        person = education.person
        if education.graduation_year is not None:
            plan.unchanged.append((_describe(education), str(_("already graduated"))))
        elif person.stage != Stage.STUDENT:
            plan.unchanged.append(
                (
                    _describe(education),
                    str(_("not enrolled (%(stage)s)")) % {"stage": person.get_stage_display()},
                )
            )
        elif person.pk in moving:
            plan.unchanged.append((_describe(education), str(_("listed twice"))))
        elif graduation_year < education.entry_year:
            plan.unchanged.append((_describe(education), str(_("entered after that year"))))
        else:
            moving.add(person.pk)
            plan.educations.append(education)
            plan.changes.append(
                CohortChange(
                    person_id=person.pk,
                    full_name=person.full_name,
                    student_number=education.student_number or "",
                    school=education.school,
                    major=education.major,
                    from_stage=person.stage,
                    to_stage=Stage.ALUMNUS,
                )
            )
    return plan


def _apply_stage(
    *, plan: CohortPlan, by: User | None, reason: str, education_fields: list[str]
) -> None:
    """Write a plan: people and educations in chunks, with history rows and transitions."""
    now = timezone.now()
    people = [e.person for e in plan.educations]
    for person in people:
        person.stage = plan.to_stage
        person.updated_at = now
    transitions = [
        StageTransition(
            person_id=change.person_id,
            from_stage=change.from_stage,
            to_stage=plan.to_stage,
            occurred_at=now,
            recorded_by=by,
        )
        for change in plan.changes
    ]
    for chunk in _batches(people):
        Person.objects.filter(pk__in=[p.pk for p in chunk]).update(
            stage=plan.to_stage, updated_at=now
        )
    if education_fields == ["graduation_year"]:
        year = plan.educations[0].graduation_year if plan.educations else None
        for chunk in _batches(plan.educations):
            Education.objects.filter(pk__in=[e.pk for e in chunk]).update(graduation_year=year)
    else:
        Education.objects.bulk_update(plan.educations, education_fields, batch_size=COHORT_CHUNK)
    # The audit trail: a history row per changed record (who, when, why) and the transitions.
    for model, rows in ((Person, people), (Education, plan.educations)):
        history_copy(model, [row.pk for row in rows], kind="~", by=by, reason=reason, when=now)
    StageTransition.objects.bulk_create(transitions, batch_size=COHORT_CHUNK)
    people_reindex(person_ids=[p.pk for p in people])


@transaction.atomic
def cohort_graduate(
    *,
    by: User | None,
    graduation_year: int,
    student_numbers: list[str] | None = None,
    expected_graduation_year: int | None = None,
    school: str = "",
    degree_level: str = "",
) -> CohortPlan:
    """Graduate a cohort: students become alumni and their degree is conferred.

    All or nothing: unknown student numbers refuse the whole batch. People already graduated
    are left as they are, so running it twice is harmless.
    """
    plan = cohort_graduation_plan(
        graduation_year=graduation_year,
        student_numbers=student_numbers,
        expected_graduation_year=expected_graduation_year,
        school=school,
        degree_level=degree_level,
    )
    if plan.unknown:
        raise ApplicationError(
            _("Unknown student numbers: %(n)s. Nobody was graduated.")
            % {"n": ", ".join(plan.unknown[:20]) + ("…" if len(plan.unknown) > 20 else "")},
            field="references",
        )
    for education in plan.educations:
        education.graduation_year = graduation_year
    _apply_stage(plan=plan, by=by, reason="graduation", education_fields=["graduation_year"])
    return plan


def cohort_enrolment_plan(
    *,
    entry_year: int,
    emails: list[str] | None = None,
    school: str = "",
    number_prefix: str = "",
) -> CohortPlan:
    """Who enrolling would make students, and the student numbers they would receive.

    Admitted students are chosen by email, or by entry year (and school). Those without a
    student number get the next free `<prefix><entry year><sequence>`.
    """
    this_year = timezone.localdate().year
    if not 1900 <= entry_year <= this_year + 2:
        raise ApplicationError(_("Give a plausible entry year."), field="entry_year")
    if len(number_prefix) > 10 or not all(c.isalnum() for c in number_prefix):
        raise ApplicationError(
            _("The number prefix is at most ten letters or digits."), field="number_prefix"
        )
    references = _clean_references(emails)
    filters: dict[str, Any] = {"entry_year": entry_year, "graduation_year__isnull": True}
    if school:
        filters["school"] = school
    educations, unknown = _cohort_educations(references=references, by_email=True, filters=filters)
    plan = CohortPlan(to_stage=Stage.STUDENT, unknown=unknown)
    base = f"{number_prefix}{entry_year}"
    taken = Education.objects.filter(student_number__startswith=base).values_list(
        "student_number", flat=True
    )
    sequence = max(
        (int(n[len(base) :]) for n in taken if n and n[len(base) :].isdigit()), default=0
    )
    moving: set[int] = set()
    for education in educations:
        person = education.person
        if person.stage == Stage.STUDENT and education.student_number:
            plan.unchanged.append((_describe(education), str(_("already enrolled"))))
            continue
        if person.stage != Stage.PROSPECTIVE:
            plan.unchanged.append(
                (
                    _describe(education),
                    str(_("not admitted (%(stage)s)")) % {"stage": person.get_stage_display()},
                )
            )
            continue
        if person.pk in moving:
            plan.unchanged.append((_describe(education), str(_("listed twice"))))
            continue
        moving.add(person.pk)
        if not education.student_number:
            sequence += 1
            education.student_number = f"{base}{sequence:05d}"
        if not education.expected_graduation_year:
            education.expected_graduation_year = default_expected_graduation(
                education.degree_level, education.entry_year
            )
        plan.educations.append(education)
        plan.changes.append(
            CohortChange(
                person_id=person.pk,
                full_name=person.full_name,
                student_number=education.student_number,
                school=education.school,
                major=education.major,
                from_stage=person.stage,
                to_stage=Stage.STUDENT,
            )
        )
    return plan


@transaction.atomic
def cohort_enrol(
    *,
    by: User | None,
    entry_year: int,
    emails: list[str] | None = None,
    school: str = "",
    number_prefix: str = "",
) -> CohortPlan:
    """Enrol admitted students in bulk: they become students with a student number."""
    plan = cohort_enrolment_plan(
        entry_year=entry_year, emails=emails, school=school, number_prefix=number_prefix
    )
    if plan.unknown:
        raise ApplicationError(
            _("No admitted student of %(year)d has these emails: %(e)s. Nobody was enrolled.")
            % {"year": entry_year, "e": ", ".join(plan.unknown[:20])},
            field="references",
        )
    _apply_stage(
        plan=plan,
        by=by,
        reason="enrolment",
        education_fields=["student_number", "expected_graduation_year"],
    )
    return plan


# --- Chapters: send-off and welcome ----------------------------------------------------------

# The salt of the links already mailed to graduates: changing it would break them.
DESTINATION_SALT = "alma.events.destination"
DESTINATION_MAX_AGE = 400 * 24 * 3600  # a graduate may answer within about a year
OFFICER_DIGEST_DELAY = dt.timedelta(hours=1)
MAIL_CHUNK = 200

SEND_OFF_PROGRAM = "Send-off seminars"
WELCOME_PROGRAM = "Welcome to the city"


def _program(name: str, stage: str, aspect: str, description: str) -> Program:
    program, _created = Program.objects.get_or_create(
        name=name, defaults={"stage": stage, "aspect": aspect, "description": description}
    )
    return program


def _check_regional(chapter: Chapter) -> None:
    if chapter.kind != Chapter.Kind.REGIONAL or not (
        chapter.city or chapter.province or chapter.country
    ):
        raise ApplicationError(_("Only a regional chapter has students and alumni by place."))


def _check_start(starts_at: dt.datetime | None) -> dt.datetime:
    if starts_at is None:
        raise ApplicationError(_("Give the date and time."), field="starts_at")
    if starts_at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."), field="starts_at")
    return starts_at


def _chapter_event(chapter: Chapter, kind: str, **audience: int) -> Event | None:
    """The chapter's live (not cancelled) event of this kind for this audience, if any."""
    return (
        Event.objects.filter(host_chapter=chapter, kind=kind, **audience)
        .exclude(status=Event.Status.CANCELLED)
        .first()
    )


@dataclass
class SendOffResult:
    event: Event
    event_created: bool
    group: ParentsGroup
    students: int
    parents_added: int
    parents_not_sharing: int


@transaction.atomic
def chapter_send_off_create(
    *,
    chapter: Chapter,
    by: User | None,
    entry_year: int,
    starts_at: dt.datetime | None,
    venue: str,
) -> SendOffResult:
    """One action: a send-off seminar for the region's new students of the year, invitations
    to them, and the chapter's new parents group (parents who share their contact)."""
    _check_regional(chapter)
    this_year = timezone.localdate().year
    if not this_year - 1 <= entry_year <= this_year + 1:
        raise ApplicationError(_("Choose this year's or next year's intake."), field="entry_year")
    # The students the officer sees on the chapter page: no one found by a hidden hometown.
    students = list(new_students_of(chapter=chapter, entry_year=entry_year, viewer=by))
    if not students:
        raise ApplicationError(
            _("No admitted students of %(year)d come from this chapter's region yet.")
            % {"year": entry_year}
        )
    event = _chapter_event(chapter, EventKind.SEND_OFF, audience_entry_year=entry_year)
    created = event is None
    if event is None:
        start = _check_start(starts_at)
        if not venue.strip():
            raise ApplicationError(_("Say where the seminar takes place."), field="venue")
        program = _program(
            SEND_OFF_PROGRAM,
            ProcessStage.PRE_ENTRY,
            Aspect.LIFE,
            "Regional chapters meet their new students and parents before entry.",
        )
        event = event_create(
            by=by,
            program=program,
            title=_("Send-off seminar: %(chapter)s welcomes the class of %(year)d")
            % {"chapter": chapter.name, "year": entry_year},
            kind=EventKind.SEND_OFF,
            aspect=Aspect.LIFE,
            description=_(
                "Alumni of %(chapter)s meet the new students from the region and their parents "
                "before they leave for the university: campus life, study and the road ahead."
            )
            % {"chapter": chapter.name},
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            venue=venue,
            city=chapter.city,
            host_chapter=chapter,
            guests_allowed=2,
            open_to_prospective=True,
            open_to_students=True,
            open_to_alumni=False,
            open_to_others=False,
            audience_entry_year=entry_year,
            audience_city=chapter.city,
        )
        ids = [s.pk for s in students]
        transaction.on_commit(lambda: _invite(event.pk, ids))
    group, _made = ParentsGroup.objects.get_or_create(
        chapter=chapter,
        entry_year=entry_year,
        defaults={
            "name": _("New parents of %(year)d — %(chapter)s")
            % {"year": entry_year, "chapter": chapter.name},
            "created_by": by,
        },
    )
    relations, sharing = parents_of(student_ids=[s.pk for s in students])
    parent_ids = {r.relative_id for rows in relations.values() for r in rows}
    already = set(group.members.values_list("pk", flat=True))
    to_add = (parent_ids & sharing) - already
    group.members.add(*to_add)
    return SendOffResult(
        event=event,
        event_created=created,
        group=group,
        students=len(students),
        parents_added=len(to_add),
        parents_not_sharing=len(parent_ids - sharing),
    )


def _invite(event_id: int, person_ids: list[int]) -> None:
    from alma.events.tasks import event_invitations_send

    for batch in _batches(person_ids, MAIL_CHUNK):
        event_invitations_send.enqueue(event_id, batch)


@dataclass
class WelcomeResult:
    event: Event
    event_created: bool
    invited: int


@transaction.atomic
def chapter_welcome_create(
    *,
    chapter: Chapter,
    by: User | None,
    graduation_year: int,
    starts_at: dt.datetime | None,
    venue: str,
) -> WelcomeResult:
    """A welcome gathering for the chapter's new alumni of the year, with invitations."""
    _check_regional(chapter)
    newcomers = [
        d.person_id for d in new_alumni_of(chapter=chapter, graduation_year=graduation_year)
    ]
    if not newcomers:
        raise ApplicationError(
            _("No new alumni of %(year)d have joined this chapter yet.") % {"year": graduation_year}
        )
    event = _chapter_event(chapter, EventKind.WELCOME, audience_graduation_year=graduation_year)
    if event is not None:
        return WelcomeResult(event=event, event_created=False, invited=0)
    start = _check_start(starts_at)
    if not venue.strip():
        raise ApplicationError(_("Say where the gathering takes place."), field="venue")
    program = _program(
        WELCOME_PROGRAM,
        ProcessStage.ALUMNUS,
        Aspect.LIFE,
        "Regional chapters welcome the year's new graduates who settle in their city.",
    )
    event = event_create(
        by=by,
        program=program,
        title=_("%(chapter)s welcomes the graduates of %(year)d")
        % {"chapter": chapter.name, "year": graduation_year},
        kind=EventKind.WELCOME,
        aspect=Aspect.LIFE,
        description=_("Meet the alumni of your new city: work, life and friends."),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue=venue,
        city=chapter.city,
        host_chapter=chapter,
        guests_allowed=1,
        open_to_prospective=False,
        open_to_students=False,
        open_to_alumni=True,
        open_to_others=False,
        audience_graduation_year=graduation_year,
        audience_chapter=chapter,
    )
    transaction.on_commit(lambda: _invite(event.pk, newcomers))
    return WelcomeResult(event=event, event_created=True, invited=len(newcomers))


# --- Graduation and destinations ------------------------------------------------------------


@transaction.atomic
def graduation_run(
    *,
    by: User | None,
    graduation_year: int,
    student_numbers: list[str] | None = None,
    expected_graduation_year: int | None = None,
    school: str = "",
    degree_level: str = "",
) -> CohortPlan:
    """Graduate a cohort and ask each new graduate where they go next (mail after commit)."""
    plan = cohort_graduate(
        by=by,
        graduation_year=graduation_year,
        student_numbers=student_numbers,
        expected_graduation_year=expected_graduation_year,
        school=school,
        degree_level=degree_level,
    )
    person_ids = [c.person_id for c in plan.changes]
    existing: set[int] = set()
    for batch in _batches(person_ids):
        existing.update(
            GraduateDestination.objects.filter(
                graduation_year=graduation_year, person_id__in=batch
            ).values_list("person_id", flat=True)
        )
    rows = GraduateDestination.objects.bulk_create(
        [
            GraduateDestination(person_id=pk, graduation_year=graduation_year)
            for pk in person_ids
            if pk not in existing
        ],
        batch_size=COHORT_CHUNK,
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _ask_destinations(ids))
    return plan


def _ask_destinations(destination_ids: list[int]) -> None:
    from alma.lifecycle.tasks import destinations_ask

    for batch in _batches(destination_ids, MAIL_CHUNK):
        destinations_ask.enqueue(batch)


def destination_token(destination: GraduateDestination) -> str:
    return signing.dumps(destination.pk, salt=DESTINATION_SALT)


def destination_from_token(token: str) -> GraduateDestination | None:
    try:
        pk = signing.loads(token, salt=DESTINATION_SALT, max_age=DESTINATION_MAX_AGE)
    except signing.BadSignature:  # also covers an expired link
        return None
    if not isinstance(pk, int):
        return None
    return GraduateDestination.objects.select_related("person", "chapter").filter(pk=pk).first()


def graduate_destinations_send(*, destination_ids: list[int]) -> int:
    """Tell each graduate (inbox and mail) of the short destination form (a signed link, no
    sign-in needed), with the messages alumni wrote to their year's graduates."""
    from alma.comms.selectors import recipient_language
    from alma.comms.services import Notice, mailed, notifications_send
    from alma.events.selectors import cohort_messages
    from alma.lifecycle.notifications import GRADUATION

    destinations = list(
        GraduateDestination.objects.filter(pk__in=destination_ids, answered_at__isnull=True)
        .select_related("person")
        .exclude(person__email="")
    )
    by_year: dict[int, list[Any]] = {}
    notices = []
    for destination in destinations:
        year = destination.graduation_year
        if year not in by_year:
            by_year[year] = list(cohort_messages(cohort="graduates", year=year))
        path = reverse("lifecycle:destination", args=[destination_token(destination)])
        with translation.override(recipient_language(destination.person)):
            subject = _("Congratulations, graduate! Where are you headed?")
            body = render_to_string(
                "lifecycle/email/destination_ask.txt",
                {
                    "destination": destination,
                    "person": destination.person,
                    "link": settings.SITE_URL + path,
                    "cohort_messages": by_year[year],
                },
            )
        notices.append(
            Notice(
                recipient=destination.person,
                kind=GRADUATION.slug,
                subject=subject,
                body=body,
                link=path,
            )
        )
    sent = mailed(notifications_send(notices))
    GraduateDestination.objects.filter(pk__in=[d.pk for d in destinations]).update(
        asked_at=timezone.now()
    )
    return sent


@transaction.atomic
def graduate_destination_answer(
    *,
    destination: GraduateDestination,
    city: str,
    country: str = "",
    employer: str = "",
    title: str = "",
) -> GraduateDestination:
    """The graduate says where they go: recorded, and they join the chapter of that city."""
    city, country, employer, title = city.strip(), country.strip(), employer.strip(), title.strip()
    if not city:
        raise ApplicationError(_("Tell us the city you are going to."), field="city")
    for value, limit, name in (
        (city, 80, "city"),
        (country, 80, "country"),
        (employer, 200, "employer"),
        (title, 120, "title"),
    ):
        if len(value) > limit:
            raise ApplicationError(_("That is too long."), field=name)
    locked = (
        GraduateDestination.objects.select_for_update()
        .select_related("person")
        .get(pk=destination.pk)
    )
    person = locked.person
    if person.stage != Stage.ALUMNUS:
        raise ApplicationError(_("This form is for graduates."))
    chapter = chapter_for_place(city=city, country=country)
    if chapter != locked.chapter:
        locked.officers_notified_at = None
    locked.city, locked.country, locked.employer, locked.title = city, country, employer, title
    locked.answered_at = timezone.now()
    locked.chapter = chapter
    locked.save()
    person_record_destination(
        person=person, by=None, city=city, country=country, employer=employer, title=title
    )
    if chapter is not None:
        chapter_member_add(chapter=chapter, person=person, by=None)
        chapter_id = chapter.pk
        transaction.on_commit(lambda: _tell_officers_later(chapter_id))
    return locked


def _tell_officers_later(chapter_id: int) -> None:
    """Officers get a digest: where the queue can defer, answers of the next hour go together."""
    from alma.lifecycle.tasks import chapter_new_alumni_notify

    if chapter_new_alumni_notify.get_backend().supports_defer:
        chapter_new_alumni_notify.using(run_after=timezone.now() + OFFICER_DIGEST_DELAY).enqueue(
            chapter_id
        )
    else:
        chapter_new_alumni_notify.enqueue(chapter_id)


def chapter_new_alumni_tell_officers(*, chapter_id: int) -> int:
    """Mail the chapter's officers the new alumni not yet reported. Returns mails sent."""
    chapter = Chapter.objects.filter(pk=chapter_id).first()
    if chapter is None:
        return 0
    with transaction.atomic():
        pending = list(
            GraduateDestination.objects.select_for_update()
            .filter(chapter=chapter, answered_at__isnull=False, officers_notified_at__isnull=True)
            .select_related("person")
            .order_by("answered_at", "id")
        )
        if not pending:
            return 0
        GraduateDestination.objects.filter(pk__in=[d.pk for d in pending]).update(
            officers_notified_at=timezone.now()
        )
    from alma.comms.selectors import recipient_language
    from alma.comms.services import Notice, mailed, notifications_send
    from alma.lifecycle.notifications import NEW_ALUMNI

    officers = list(
        Person.objects.filter(
            chapter_memberships__chapter=chapter,
            chapter_memberships__role=ChapterMembership.Role.OFFICER,
        )
    )
    if not officers:
        return 0
    link = settings.SITE_URL + reverse("lifecycle:chapter", args=[chapter.pk])
    notices = []
    for officer in officers:
        with translation.override(recipient_language(officer)):
            body = render_to_string(
                "lifecycle/email/new_alumni.txt",
                {"chapter": chapter, "destinations": pending, "link": link},
            )
            subject = _("%(n)d new alumni joined %(chapter)s") % {
                "n": len(pending),
                "chapter": chapter.name,
            }
        notices.append(
            Notice(
                recipient=officer,
                kind=NEW_ALUMNI.slug,
                subject=subject,
                body=body,
                link=reverse("lifecycle:chapter", args=[chapter.pk]),
            )
        )
    return mailed(notifications_send(notices))


@transaction.atomic
def chapters_assign_by_city(*, by: User | None) -> int:
    """Alumni with no chapter join the regional chapter of the city they live in, if any."""
    chapters = {
        c.city.lower(): c
        for c in Chapter.objects.filter(kind=Chapter.Kind.REGIONAL).exclude(city="")
    }
    if not chapters:
        return 0
    candidates = (
        Person.objects.filter(stage=Stage.ALUMNUS, chapter_memberships__isnull=True)
        .exclude(current_city="")
        .values_list("pk", "current_city")
    )
    rows = [
        ChapterMembership(chapter=chapters[city.lower()], person_id=pk)
        for pk, city in candidates.iterator(chunk_size=2000)
        if city.lower() in chapters
    ]
    ChapterMembership.objects.bulk_create(rows, batch_size=COHORT_CHUNK, ignore_conflicts=True)
    return len(rows)
