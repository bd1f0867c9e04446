"""Writes to people records: profile and privacy edits, consent, lifecycle transitions."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.lib.bulk import history_copy
from alma.lib.errors import ApplicationError
from alma.people.models import (
    Audience,
    Chapter,
    ChapterMembership,
    Consent,
    ConsentPurpose,
    DegreeLevel,
    Education,
    Employment,
    Person,
    PersonRelation,
    Stage,
    StageTransition,
)
from alma.people.privacy import PRIVATE_FIELDS
from alma.people.validation import validate_date_of_birth

# Fields a person may edit on their own profile (the office edits the rest in the admin).
SELF_EDITABLE_FIELDS = (
    "name_latin",
    "gender",
    "date_of_birth",
    "email",
    "phone",
    "wechat",
    "hometown_country",
    "hometown_province",
    "hometown_city",
    "current_country",
    "current_province",
    "current_city",
    "headline",
    "bio",
    "expertise",
    "interests",
)


@transaction.atomic
def person_update_profile(*, person: Person, by: User, data: dict[str, Any]) -> Person:
    unknown = set(data) - set(SELF_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be edited here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    for name, value in data.items():
        setattr(person, name, value)
    person.full_clean(exclude=["privacy"])
    try:
        validate_date_of_birth(person.date_of_birth)
    except ValidationError as error:
        raise ValidationError({"date_of_birth": error.messages}) from None
    person._change_reason = "profile edit"  # type: ignore[attr-defined]
    person.save()
    return person


@transaction.atomic
def person_set_privacy(*, person: Person, by: User, audiences: dict[str, str]) -> Person:
    for key, audience in audiences.items():
        if key not in PRIVATE_FIELDS:
            raise ApplicationError(_("Unknown privacy setting: %(k)s") % {"k": key}, field=key)
        if audience not in Audience.values:
            raise ApplicationError(_("Unknown audience: %(a)s") % {"a": audience}, field=key)
    person.privacy = {**(person.privacy or {}), **audiences}
    person._change_reason = "privacy settings"  # type: ignore[attr-defined]
    person.save(update_fields=["privacy", "updated_at"])
    return person


def consent_current(*, person: Person) -> dict[str, bool]:
    """The decision in force per purpose; purposes never asked are absent."""
    current: dict[str, bool] = {}
    for consent in Consent.objects.filter(person=person).order_by("recorded_at", "id"):
        current[consent.purpose] = consent.granted
    return current


@transaction.atomic
def consent_record(
    *, person: Person, by: User | None, decisions: dict[str, bool], source: str = "profile"
) -> list[Consent]:
    """Append a row per purpose whose decision changed; unchanged decisions add nothing."""
    for purpose in decisions:
        if purpose not in ConsentPurpose.values:
            raise ApplicationError(_("Unknown consent purpose: %(p)s") % {"p": purpose})
        if not isinstance(decisions[purpose], bool):
            raise ApplicationError(_("A consent decision is yes or no."))
    current = consent_current(person=person)
    rows = [
        Consent(person=person, purpose=purpose, granted=granted, recorded_by=by, source=source)
        for purpose, granted in decisions.items()
        if current.get(purpose) is not granted
    ]
    return Consent.objects.bulk_create(rows)


def _clean_or_refuse(obj: Person | Education, exclude: list[str]) -> None:
    """Model validation as an ApplicationError naming the first bad field: the user's to fix."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=name) from None


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
    _clean_or_refuse(education, exclude=["person"])  # say which field, never a 500
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


def _chunks(items: list[Any], size: int = COHORT_CHUNK) -> Iterator[list[Any]]:
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
    for chunk in _chunks(references):
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
    for chunk in _chunks(people):
        Person.objects.filter(pk__in=[p.pk for p in chunk]).update(
            stage=plan.to_stage, updated_at=now
        )
    if education_fields == ["graduation_year"]:
        year = plan.educations[0].graduation_year if plan.educations else None
        for chunk in _chunks(plan.educations):
            Education.objects.filter(pk__in=[e.pk for e in chunk]).update(graduation_year=year)
    else:
        Education.objects.bulk_update(plan.educations, education_fields, batch_size=COHORT_CHUNK)
    # The audit trail: a history row per changed record (who, when, why) and the transitions.
    for model, rows in ((Person, people), (Education, plan.educations)):
        history_copy(model, [row.pk for row in rows], kind="~", by=by, reason=reason, when=now)
    StageTransition.objects.bulk_create(transitions, batch_size=COHORT_CHUNK)
    people_reindex(person_ids=[p.pk for p in people])


def people_reindex(*, person_ids: list[int]) -> None:
    """Bulk writes bypass the directory's signals: they re-index the people they wrote here
    (the directory is an optional app; it writes large numbers the bulk way itself)."""
    from django.apps import apps

    if not apps.is_installed("alma.directory") or not person_ids:
        return
    from alma.directory.indexing import directory_index_people

    directory_index_people(person_ids=person_ids)


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


# --- Chapters and relatives -----------------------------------------------------------------


def chapter_for_place(*, city: str, country: str = "") -> Chapter | None:
    """The regional chapter of a city (case-insensitive), if the university has one."""
    city = city.strip()
    if not city:
        return None
    chapters = Chapter.objects.filter(kind=Chapter.Kind.REGIONAL, city__iexact=city)
    if country.strip():
        chapters = chapters.filter(Q(country="") | Q(country__iexact=country.strip()))
    return chapters.order_by("pk").first()


@transaction.atomic
def chapter_member_add(
    *, chapter: Chapter, person: Person, by: User | None
) -> tuple[ChapterMembership, bool]:
    """Make the person a member of the chapter; an existing membership (any role) is kept."""
    membership, created = ChapterMembership.objects.get_or_create(
        chapter=chapter, person=person, defaults={"role": ChapterMembership.Role.MEMBER}
    )
    return membership, created


@transaction.atomic
def person_relation_add(
    *, person: Person, relative: Person, kind: str, by: User | None
) -> PersonRelation:
    """Record that `relative` is a parent or guardian of `person`."""
    if kind not in PersonRelation.Kind.values:
        raise ApplicationError(_("A relative is a parent or a guardian."), field="kind")
    if person.pk == relative.pk:
        raise ApplicationError(_("A person cannot be their own relative."), field="relative")
    relation, _created = PersonRelation.objects.update_or_create(
        person=person, relative=relative, defaults={"kind": kind}
    )
    return relation


@transaction.atomic
def person_create_contact(
    *, full_name: str, email: str = "", phone: str = "", by: User | None, source: str
) -> Person:
    """A bare record for someone new to the university (a walk-in guest, a parent)."""
    full_name = full_name.strip()
    if not full_name:
        raise ApplicationError(_("Give the person's name."), field="full_name")
    person = Person(full_name=full_name, email=email.strip().lower(), phone=phone.strip())
    _clean_or_refuse(person, exclude=["privacy"])
    person._change_reason = source  # type: ignore[attr-defined]
    person.save()
    return person


@transaction.atomic
def person_record_destination(
    *, person: Person, by: User | None, city: str, country: str, employer: str, title: str
) -> Person:
    """Where a new graduate goes: their current city and, if given, their current employer."""
    person.current_city = city.strip()
    person.current_country = country.strip()
    person._change_reason = "graduate destination"  # type: ignore[attr-defined]
    person.save(update_fields=["current_city", "current_country", "updated_at"])
    employer = employer.strip()
    if employer:
        current = person.employments.filter(is_current=True)
        if not current.filter(organization_name__iexact=employer).exists():
            for job in current:
                job.is_current = False
                job.end_year = job.end_year or timezone.localdate().year
                job.save(update_fields=["is_current", "end_year"])
            Employment.objects.create(
                person=person,
                organization_name=employer,
                title=title.strip(),
                start_year=timezone.localdate().year,
                is_current=True,
            )
    return person
