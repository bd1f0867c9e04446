"""Writes to people records: profile and privacy edits, consent, lifecycle transitions."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.lib.errors import ApplicationError
from alma.people.models import (
    Audience,
    Consent,
    ConsentPurpose,
    DegreeLevel,
    Education,
    Person,
    Stage,
    StageTransition,
)
from alma.people.privacy import PRIVATE_FIELDS

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
    current = consent_current(person=person)
    rows = [
        Consent(person=person, purpose=purpose, granted=granted, recorded_by=by, source=source)
        for purpose, granted in decisions.items()
        if current.get(purpose) is not granted
    ]
    return Consent.objects.bulk_create(rows)


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
    education.full_clean(exclude=["person"])
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
    education = (
        person.educations.filter(graduation_year__isnull=True).order_by("-entry_year").first()
    )
    if education is None:
        raise ApplicationError(_("%(name)s has no admission record.") % {"name": person.full_name})
    if expected_graduation_year < education.entry_year:
        raise ApplicationError(
            _("Graduation cannot come before entry."), field="expected_graduation_year"
        )
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
    education = (
        person.educations.filter(graduation_year__isnull=True).order_by("-entry_year").first()
    )
    if education is None:
        raise ApplicationError(
            _("%(name)s has no open education record.") % {"name": person.full_name}
        )
    year = graduation_year or timezone.localdate().year
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
