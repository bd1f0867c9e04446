"""Lifecycle automation around events: send-offs for admitted students and their parents,
graduation with a destination form, new alumni handed to their city's chapter, welcome events.

Each step is idempotent: running it again adds what is missing and duplicates nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.activity.models import Aspect, ProcessStage
from alma.events.models import Event, EventKind, GraduateDestination, ParentsGroup, Program
from alma.events.selectors import new_alumni_of, new_students_of, parents_of
from alma.events.services import event_create
from alma.lib.errors import ApplicationError
from alma.people.models import Chapter, ChapterMembership, Person, Stage
from alma.people.services import (
    COHORT_CHUNK,
    CohortPlan,
    chapter_for_place,
    chapter_member_add,
    cohort_graduate,
    person_record_destination,
)

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
    students = list(new_students_of(chapter=chapter, entry_year=entry_year))
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

    for start in range(0, len(person_ids), MAIL_CHUNK):
        event_invitations_send.enqueue(event_id, person_ids[start : start + MAIL_CHUNK])


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
    for start in range(0, len(person_ids), COHORT_CHUNK):
        existing.update(
            GraduateDestination.objects.filter(
                graduation_year=graduation_year,
                person_id__in=person_ids[start : start + COHORT_CHUNK],
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
    from alma.events.tasks import destinations_ask

    for start in range(0, len(destination_ids), MAIL_CHUNK):
        destinations_ask.enqueue(destination_ids[start : start + MAIL_CHUNK])


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
    """Mail each graduate the short destination form (a signed link, no sign-in needed)."""
    from alma.comms.services import Notice, mailed, notifications_send
    from alma.events.notifications import GRADUATION
    from alma.events.selectors import cohort_messages

    destinations = list(
        GraduateDestination.objects.filter(pk__in=destination_ids, answered_at__isnull=True)
        .select_related("person")
        .exclude(person__email="")
    )
    subject = _("Congratulations, graduate! Where are you headed?")
    # The messages distinguished alumni wrote to this year's graduates travel with the mail.
    by_year: dict[int, list] = {}
    notices = []
    for destination in destinations:
        year = destination.graduation_year
        if year not in by_year:
            by_year[year] = list(cohort_messages(cohort="graduates", year=year))
        link = settings.SITE_URL + reverse(
            "events:destination", args=[destination_token(destination)]
        )
        body = render_to_string(
            "events/email/destination_ask.txt",
            {
                "destination": destination,
                "person": destination.person,
                "link": link,
                "cohort_messages": by_year[year],
            },
        )
        notices.append(
            Notice(
                recipient=destination.person,
                kind=GRADUATION.slug,
                subject=subject,
                body=body,
                link=reverse("events:destination", args=[destination_token(destination)]),
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
    for value, limit, field in (
        (city, 80, "city"),
        (country, 80, "country"),
        (employer, 200, "employer"),
        (title, 120, "title"),
    ):
        if len(value) > limit:
            raise ApplicationError(_("That is too long."), field=field)
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
    from alma.events.tasks import chapter_new_alumni_notify

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
    from alma.comms.services import Notice, mailed, notifications_send
    from alma.events.notifications import NEW_ALUMNI

    officers = list(
        Person.objects.filter(
            chapter_memberships__chapter=chapter,
            chapter_memberships__role=ChapterMembership.Role.OFFICER,
        )
    )
    if not officers:
        return 0
    link = settings.SITE_URL + reverse("events:chapter", args=[chapter.pk])
    body = render_to_string(
        "events/email/new_alumni.txt", {"chapter": chapter, "destinations": pending, "link": link}
    )
    subject = _("%(n)d new alumni joined %(chapter)s") % {
        "n": len(pending),
        "chapter": chapter.name,
    }
    return mailed(
        notifications_send(
            [
                Notice(recipient=officer, kind=NEW_ALUMNI.slug, subject=subject, body=body)
                for officer in officers
            ]
        )
    )


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
