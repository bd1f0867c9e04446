"""Writes to people records: profile and privacy edits, consent, chapters and relatives."""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.lib.errors import ApplicationError
from alma.lib.validation import full_clean_or_refuse
from alma.people import photos
from alma.people.models import (
    Audience,
    Chapter,
    ChapterMembership,
    Consent,
    ConsentPurpose,
    Employment,
    LocalName,
    Organization,
    Person,
    PersonRelation,
    StageTransition,
)
from alma.people.privacy import PRIVATE_FIELDS
from alma.people.signals import people_bulk_changed
from alma.people.validation import clean_phone, validate_date_of_birth, validate_email_free

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
    person_check_rules(person)
    person._change_reason = "profile edit"  # type: ignore[attr-defined]
    person.save()
    return person


def person_check_rules(person: Person) -> None:
    """The one set of rules for a person's fields (the model's, the date of birth's range, the
    phone's form, an email no one else has); the phone is stored in its normalised form.
    Raises ValidationError keyed by field."""
    problems: dict[str, list[str]] = {}
    try:
        person.full_clean(exclude=["privacy"])
    except ValidationError as error:
        problems.update(error.message_dict)
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("date_of_birth", lambda: validate_date_of_birth(person.date_of_birth)),
        ("phone", lambda: setattr(person, "phone", clean_phone(person.phone))),
        ("email", lambda: validate_email_free(person.email, person_id=person.pk)),
    ]
    for name, check in checks:
        if name in problems:
            continue
        try:
            check()
        except ValidationError as error:
            problems[name] = error.messages
    if problems:
        raise ValidationError(problems)


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


def people_reindex(*, person_ids: list[int]) -> None:
    """Tell the apps that copy people's records (the directory's index) that a bulk write
    changed these people: bulk writes fire no model signals. People imports no such app."""
    if person_ids:
        people_bulk_changed.send(sender=Person, person_ids=person_ids)


# --- Chapters and relatives -----------------------------------------------------------------


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
    full_clean_or_refuse(person, exclude=["privacy"])
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


SHIPPED_NAMES = Path(__file__).resolve().parent / "data"


@transaction.atomic
def local_names_load(*, rows: Iterable[tuple[str, str, str]], language: str) -> int:
    """Record what each (kind, stored value) is called in `language`; a value already named
    gets the new name. All or nothing: an unknown kind or language, or an empty value or name,
    refuses the whole set. Returns how many rows were written."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language: %(language)s.") % {"language": language})
    kinds = set(LocalName.Kind.values)
    written = 0
    for line, (kind, value, name) in enumerate(rows, start=2):
        kind, value, name = kind.strip(), value.strip(), name.strip()
        if kind not in kinds or not value or not name:
            raise ApplicationError(
                _("Line %(line)s: give a known kind, the stored value and its name.")
                % {"line": line}
            )
        LocalName.objects.update_or_create(
            kind=kind, value=value, language=language, defaults={"name": name}
        )
        written += 1
    return written


def local_names_shipped(language: str) -> list[tuple[str, str, str]]:
    """The names Alma ships for `language` (places, industries, common schools and majors)."""
    path = SHIPPED_NAMES / f"local_names_{language.replace('-', '_').lower()}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["kind"], r["value"], r["name"]) for r in csv.DictReader(handle)]


# --- the office's records (the console's pages; the admin stays for rare cases) -------------

# What the office edits on a record besides what the person edits on their profile.
OFFICE_EDITABLE_FIELDS = (
    "full_name",
    "family_name",
    "given_name",
    *SELF_EDITABLE_FIELDS,
    "stage",
    "deceased",
)


@transaction.atomic
def person_create_by_office(*, by: User, data: dict[str, Any]) -> Person:
    """A record the office adds by hand (a visitor, a new partner's contact, a late admission)."""
    person = Person(**_office_fields(data))
    person_check_rules(person)
    person._change_reason = "office: new record"  # type: ignore[attr-defined]
    person.save()
    return person


@transaction.atomic
def person_update_by_office(*, person: Person, by: User, data: dict[str, Any]) -> Person:
    """The office corrects a record; a change of stage is recorded as a transition."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = person.stage
    for name, value in _office_fields(data).items():
        setattr(person, name, value)
    person_check_rules(person)
    person._change_reason = "office edit"  # type: ignore[attr-defined]
    person.save()
    if person.stage != before:
        StageTransition.objects.create(
            person=person, from_stage=before, to_stage=person.stage, recorded_by=by
        )
    return person


def _office_fields(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(OFFICE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be edited here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    return data


@transaction.atomic
def office_record_save(*, record: Organization | Chapter, by: User) -> None:
    """A new or corrected organisation (its other names link employment records to it) or
    chapter, by the model's rules; its history names the office."""
    full_clean_or_refuse(record, exclude=[])
    record._change_reason = "office edit"  # type: ignore[union-attr]
    record.save()


# --- Profile photos (files: alma/people/photos.py) -------------------------------------------


def photo_upload(*, person: Person, by: User, upload: Any) -> photos.CropBox:
    """Check the upload by decoding it and keep it, upright and stripped, until the person
    chooses the square (`photo_crop`); returns the centred square to offer. A refusal keeps
    everything as it was (the current photo and any earlier upload waiting for its crop)."""
    image = photos.decode_upload(upload, getattr(upload, "size", None))
    photos.save_pending(person.pk, image)
    return photos.CropBox.centred(*image.size)


def photo_pending_box(*, person: Person) -> tuple[tuple[int, int], photos.CropBox] | None:
    """The waiting upload's size and its centred square, or None when nothing waits."""
    image = photos.open_pending(person.pk)
    if image is None:
        return None
    return image.size, photos.CropBox.centred(*image.size)


def photo_crop(*, person: Person, by: User, x: int, y: int, size: int) -> Person:
    """Make the chosen square of the waiting upload the person's photo (with its thumbnails);
    the previous photo's files go once the new one is recorded."""
    image = photos.open_pending(person.pk)
    if image is None:
        raise ApplicationError(_("Upload a photo first."), field="photo")
    box = photos.CropBox(x=x, y=y, size=size)
    problem = box.problem(*image.size)
    if problem:
        raise ApplicationError(problem)
    version = photos.store_cropped(person.pk, image, box)
    old = person.photo_version
    try:
        with transaction.atomic():
            person.photo_version = version
            person._change_reason = "photo"  # type: ignore[attr-defined]
            person.save(update_fields=["photo_version", "updated_at"])
    except Exception:
        photos.delete_version(person.pk, version)
        person.photo_version = old
        raise
    photos.delete_pending(person.pk)
    if old:
        photos.delete_version(person.pk, old)
    return person


def photo_remove(*, person: Person, by: User, reason: str = "") -> Person:
    """Remove the person's photo and delete its files (and any upload waiting for its crop).

    The person removes their own; the alumni office removes an unsuitable one, with a reason
    kept in the record's history beside the office's other edits."""
    own = by.person_id == person.pk
    if not own:
        if Role.ALUMNI_OFFICE not in roles_of(by):
            raise ApplicationError(_("Only the alumni office removes someone else's photo."))
        reason = reason.strip()
        if not reason:
            raise ApplicationError(_("Say why the photo is removed."), field="reason")
    old = person.photo_version
    if old:
        with transaction.atomic():
            person.photo_version = ""
            change = "photo removed" if own else f"photo removed by the office: {reason}"
            person._change_reason = change[:100]  # type: ignore[attr-defined]
            person._history_user = by  # type: ignore[attr-defined]
            person.save(update_fields=["photo_version", "updated_at"])
    photos.delete_all(person.pk)
    return person
