"""Writes to the ledger. `activity_record` and `activity_record_bulk`, one path with one set of
rules, are the only functions that create an Activity."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.kinds import STAFF_SERVICE, ActivityKind, get_kind
from alma.activity.models import Activity, Aspect, ProcessStage, Provider
from alma.lib.errors import ApplicationError
from alma.people.models import Person, Post, Stage

NOTE_MAX_LENGTH = 2000
# When someone holds several posts, the ledger credits the one closest to students' daily life.
POST_PRIORITY = [Post.TEACHING, Post.ADMINISTRATIVE, Post.LOGISTICS, Post.ALUMNI_OFFICE]


# The academic year starts in September: a student expected to graduate in June 2027 is
# "leaving" (job hunting, theses, send-offs) from 1 September 2026.
ACADEMIC_YEAR_START_MONTH = 9


def stage_at(*, stage: str, expected_graduation: int | None, at: dt.date) -> str:
    """The five-service process stage for a lifecycle stage on a date (pure: no queries)."""
    if stage == Stage.PROSPECTIVE:
        return ProcessStage.PRE_ENTRY
    if stage == Stage.ALUMNUS:
        return ProcessStage.ALUMNUS
    if stage == Stage.STUDENT:
        if expected_graduation is not None and at >= dt.date(
            expected_graduation - 1, ACADEMIC_YEAR_START_MONTH, 1
        ):
            return ProcessStage.LEAVING
        return ProcessStage.IN_SCHOOL
    return ""


def process_stage_of(person: Person, *, at: dt.date) -> str:
    """The five-service process stage of a person on a date, from their stage and education."""
    expected = [
        e.expected_graduation_year
        for e in person.educations.all()
        if e.graduation_year is None and e.expected_graduation_year
    ]
    return stage_at(
        stage=person.stage, expected_graduation=min(expected) if expected else None, at=at
    )


def _provider_from(posts: set[str], stage: str, represents: Callable[[], bool]) -> str | None:
    """The provider a person serves as: their foremost post, else alumnus, else partner."""
    for post in POST_PRIORITY:
        if post in posts:
            return str(post)
    if Post.CAREER_OFFICE in posts:
        # The career office is an administrative office of the school.
        return Provider.ADMINISTRATIVE
    if stage == Stage.ALUMNUS:
        return Provider.ALUMNUS
    if represents():
        return Provider.PARTNER
    return None


def _is_rating(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def provider_of(person: Person) -> str:
    posts = set(person.staff_posts.filter(active=True).values_list("post", flat=True))
    provider = _provider_from(posts, person.stage, person.represented_organizations.exists)
    if provider is None:
        raise ApplicationError(_("This person holds no post from which to serve students."))
    return provider


def activity_notify_beneficiary(*, activity_id: int) -> bool:
    """Tell the person served (inbox and mail), asking how helpful it was. Returns whether a
    mail was sent."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse

    from alma.activity.notifications import SERVICE_RECORDED
    from alma.comms.selectors import recipient_language
    from alma.comms.services import mailed, notification_send

    activity = (
        Activity.objects.select_related("actor", "beneficiary").filter(pk=activity_id).first()
    )
    if activity is None or activity.beneficiary is None:
        return False
    link = reverse("activity:received")
    with translation.override(recipient_language(activity.beneficiary)):
        body = render_to_string(
            "activity/email/service_recorded.txt",
            {"activity": activity, "link": settings.SITE_URL + link},
        )
        subject = _("A service was recorded for you — was it helpful?")
    notification = notification_send(
        recipient=activity.beneficiary,
        kind=SERVICE_RECORDED.slug,
        subject=subject,
        body=body,
        link=link,
    )
    return bool(mailed([notification]))


def staff_service_log(
    *, staff: User, student: Person, aspect: str, note: str, occurred_on: dt.date | None = None
) -> Activity:
    """A staff member of any post records a service given to a student."""
    held = roles_of(staff)
    if not held & {Role.STAFF, Role.ALUMNI_OFFICE} or staff.person is None:
        raise ApplicationError(_("Only staff can record services to students."))
    if student.stage not in (Stage.PROSPECTIVE, Stage.STUDENT):
        raise ApplicationError(_("Services are recorded for students."), field="student")
    if student.pk == staff.person_id:
        raise ApplicationError(_("You cannot record a service to yourself."), field="student")
    note = note.strip()
    if not note:
        raise ApplicationError(_("Say in a few words what the service was."), field="note")
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise ApplicationError(_("The date cannot be in the future."), field="occurred_on")
    if occurred_on < today - dt.timedelta(days=366):
        raise ApplicationError(
            _("Services older than a year cannot be logged."), field="occurred_on"
        )
    occurred_at = (
        timezone.now()
        if occurred_on == today
        else timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12, 0)))
    )
    activity = activity_record(
        kind=STAFF_SERVICE.slug,
        actor=staff.person,
        beneficiary=student,
        aspect=aspect,
        note=note,
        occurred_at=occurred_at,
        recorded_by=staff,
    )
    from alma.activity.tasks import service_recorded_notify

    transaction.on_commit(lambda: service_recorded_notify.enqueue(activity.pk))
    return activity


@transaction.atomic
def activity_rate(*, activity: Activity, by: User, rating: int) -> Activity:
    """The person served says how helpful it was (1 to 5); they may change their mind."""
    if by.person_id is None or activity.beneficiary_id != by.person_id:
        raise ApplicationError(_("Only the person served can rate this."))
    if not get_kind(activity.kind).beneficiary_may_rate:
        raise ApplicationError(_("This kind of activity is not rated."))
    if not _is_rating(rating):
        raise ApplicationError(_("A rating is a whole number from 1 to 5."), field="rating")
    Activity.objects.filter(pk=activity.pk).update(rating=rating, rated_at=timezone.now())
    activity.refresh_from_db()
    return activity


# --- The one writer of the ledger -----------------------------------------------------------
#
# `activity_record` (one activity) and `activity_record_bulk` (many) share one path: each row
# is checked by `_row_checked`, the facts about its people are read for all rows at once by
# `_people_facts`, and `_activity_from` makes the row. Only the insert differs.

ACTIVITY_ROW_KEYS = frozenset(
    {
        "kind",
        "actor",
        "actor_id",
        "beneficiary",
        "beneficiary_id",
        "aspect",
        "provider",
        "note",
        "occurred_at",
        "source",
        "recorded_by",
        "recorded_by_id",
        "rating",
        "rated_at",
        "beneficiary_stage",
    }
)
_LOOKUP_CHUNK = 500  # ids per IN (...) query, well under every database's parameter limit


@dataclass(frozen=True)
class _CheckedRow:
    row: dict[str, Any]
    kind: ActivityKind
    aspect: str
    actor_id: int | None
    beneficiary_id: int | None


@dataclass
class _PeopleFacts:
    """What the ledger needs to know about the rows' people: what `process_stage_of` and
    `provider_of` read for one person, read for all of them in a few queries."""

    stages: dict[int, str]
    expected_graduation: dict[int, int]
    posts: dict[int, set[str]]
    representatives: set[int]


def _person_id(row: dict[str, Any], key: str) -> int | None:
    person = row.get(key)
    if person is not None:
        return int(person.pk)
    value = row.get(f"{key}_id")
    return None if value is None else int(value)


def _id_batches(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + _LOOKUP_CHUNK] for i in range(0, len(ordered), _LOOKUP_CHUNK)]


def _row_checked(row: dict[str, Any], *, prefix: str) -> _CheckedRow:
    """The rules every ledger row obeys, checked before anything is read or written."""

    def refuse(message: str, field: str | None = None) -> ApplicationError:
        return ApplicationError(prefix + message, field=field)

    unknown = set(row) - ACTIVITY_ROW_KEYS
    if unknown:
        raise refuse(_("unknown fields %(f)s.") % {"f": sorted(unknown)})
    try:
        kind = get_kind(row.get("kind", ""))
    except LookupError:
        raise refuse(_("Unknown activity kind."), "kind") from None
    aspect = row.get("aspect") or (kind.default_aspect and str(kind.default_aspect))
    if aspect not in Aspect.values:
        raise refuse(_("Choose an aspect: life, study or work."), "aspect")
    if len(row.get("note", "")) > NOTE_MAX_LENGTH:
        raise refuse(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH}, "note"
        )
    provider = row.get("provider")
    if provider is not None and provider not in Provider.values:
        raise refuse(_("Unknown provider."), "provider")
    rating = row.get("rating")
    if rating is not None:
        if not kind.beneficiary_may_rate:
            raise refuse(_("This kind of activity is not rated."), "rating")
        if not _is_rating(rating):
            raise refuse(_("A rating is a whole number from 1 to 5."), "rating")
    for key in ("actor", "beneficiary", "recorded_by"):
        if row.get(key) is not None and row.get(f"{key}_id") is not None:
            raise refuse(_("Give %(k)s or %(k)s_id, not both.") % {"k": key})
    stated_stage = row.get("beneficiary_stage")
    if stated_stage is not None and (
        stated_stage not in ProcessStage.values or _person_id(row, "beneficiary") is None
    ):
        raise refuse(_("Unknown stage of the person served."), "beneficiary_stage")
    actor_id = _person_id(row, "actor")
    if provider is None and actor_id is None:
        raise refuse(_("An activity needs an actor or a provider."))
    return _CheckedRow(
        row=row,
        kind=kind,
        aspect=str(aspect),
        actor_id=actor_id,
        beneficiary_id=_person_id(row, "beneficiary"),
    )


def _people_facts(checked: list[_CheckedRow]) -> _PeopleFacts:
    from alma.people.models import Education, Organization, StaffPost

    people = {i for c in checked for i in (c.actor_id, c.beneficiary_id) if i is not None}
    need_provider = {
        c.actor_id for c in checked if c.row.get("provider") is None and c.actor_id is not None
    }
    stages: dict[int, str] = {}
    for ids in _id_batches(people):
        stages.update(Person.objects.filter(pk__in=ids).values_list("id", "stage"))
    missing = people - set(stages)
    if missing:
        raise ApplicationError(_("No such person: %(ids)s.") % {"ids": sorted(missing)[:10]})
    students = {pk for pk, stage in stages.items() if stage == Stage.STUDENT}
    expected: dict[int, int] = {}
    for ids in _id_batches(students):
        for person_id, year in Education.objects.filter(
            person_id__in=ids, graduation_year__isnull=True, expected_graduation_year__isnull=False
        ).values_list("person_id", "expected_graduation_year"):
            if year is not None:
                expected[person_id] = min(year, expected.get(person_id, year))
    posts: dict[int, set[str]] = {}
    representatives: set[int] = set()
    for ids in _id_batches(need_provider):
        for person_id, post in StaffPost.objects.filter(person_id__in=ids, active=True).values_list(
            "person_id", "post"
        ):
            posts.setdefault(person_id, set()).add(post)
        representatives.update(
            Organization.representatives.through.objects.filter(person_id__in=ids).values_list(
                "person_id", flat=True
            )
        )
    return _PeopleFacts(
        stages=stages, expected_graduation=expected, posts=posts, representatives=representatives
    )


def _activity_from(checked: _CheckedRow, facts: _PeopleFacts, *, prefix: str) -> Activity:
    from django.contrib.contenttypes.models import ContentType

    row, kind, actor_id, beneficiary_id = (
        checked.row,
        checked.kind,
        checked.actor_id,
        checked.beneficiary_id,
    )
    when = row.get("occurred_at") or timezone.now()
    provider = row.get("provider")
    if provider is None:
        assert actor_id is not None  # _row_checked refuses a row with neither
        provider = _provider_from(
            facts.posts.get(actor_id, set()),
            facts.stages[actor_id],
            lambda: actor_id in facts.representatives,
        )
        if provider is None:
            raise ApplicationError(
                prefix + _("This person holds no post from which to serve students.")
            )
    stage = row.get("beneficiary_stage") or ""
    if beneficiary_id is not None and not stage:
        stage = stage_at(
            stage=facts.stages[beneficiary_id],
            expected_graduation=facts.expected_graduation.get(beneficiary_id),
            at=timezone.localdate(when),
        )
    mode = ""
    if actor_id is not None and facts.stages[actor_id] == Stage.ALUMNUS and kind.alumni_mode:
        mode = str(kind.alumni_mode)
    source = row.get("source")
    recorded_by = row.get("recorded_by")
    rating = row.get("rating")
    return Activity(
        kind=kind.slug,
        occurred_at=when,
        actor_id=actor_id,
        provider=provider,
        beneficiary_id=beneficiary_id,
        beneficiary_stage=stage,
        aspect=checked.aspect,
        engagement_mode=mode,
        note=row.get("note", ""),
        rating=rating,
        rated_at=(row.get("rated_at") or when) if rating is not None else None,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
        recorded_by_id=recorded_by.pk if recorded_by is not None else row.get("recorded_by_id"),
    )


def _activities_from(rows: list[dict[str, Any]], *, numbered: bool) -> list[Activity]:
    """Check every row, then make the activities; the first bad row raises ApplicationError
    (named by its number when `numbered`)."""

    def prefix(number: int) -> str:
        return _("Row %(n)d: ") % {"n": number} if numbered else ""

    checked = [_row_checked(row, prefix=prefix(n)) for n, row in enumerate(rows, start=1)]
    facts = _people_facts(checked)
    return [_activity_from(c, facts, prefix=prefix(n)) for n, c in enumerate(checked, start=1)]


@transaction.atomic
def activity_record(
    *,
    kind: str,
    actor: Person | None,
    beneficiary: Person | None,
    aspect: str | None = None,
    provider: str | None = None,
    note: str = "",
    occurred_at: dt.datetime | None = None,
    source: models.Model | None = None,
    recorded_by: User | None = None,
) -> Activity:
    """Record one activity. The provider defaults to the actor's foremost post; the
    beneficiary's process stage and the alumni engagement mode are derived, never given."""
    row: dict[str, Any] = {
        "kind": kind,
        "actor": actor,
        "beneficiary": beneficiary,
        "aspect": aspect,
        "provider": provider,
        "note": note,
        "occurred_at": occurred_at,
        "source": source,
        "recorded_by": recorded_by,
    }
    [activity] = _activities_from([row], numbered=False)
    activity.save(force_insert=True)
    return activity


@transaction.atomic
def activity_record_bulk(*, rows: list[dict[str, Any]], batch_size: int = 1000) -> int:
    """Record many activities at once (imports, seeding) by the rules of `activity_record`.

    A row holds `activity_record`'s keyword arguments; `actor_id`, `beneficiary_id` and
    `recorded_by_id` may stand in for the objects, and a `rating` (1 to 5, for kinds the
    beneficiary may rate, with an optional `rated_at`) may come with it. A record of the past
    (an older system's log, the demo's history) may state the `beneficiary_stage` it had then;
    otherwise the stage is read off the person as now. The people's facts
    are read for all rows in a few queries, never one per row. All rows are recorded or none:
    the first bad row raises an ApplicationError that names it. Returns the number recorded.
    """
    activities = _activities_from(rows, numbered=True)
    Activity.objects.bulk_create(activities, batch_size=batch_size)
    return len(activities)
