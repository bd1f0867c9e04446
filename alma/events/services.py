"""Writes for programs and events: hosting, registration and the waitlist, roles, check-in.

Registration never overbooks: every change to who holds a seat locks the event's row first
(`select_for_update`; on SQLite every transaction is IMMEDIATE, which serialises writers), then
counts the seats taken and decides. Mail goes out after the transaction commits.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.activity.models import Aspect, ProcessStage, Provider
from alma.activity.services import activity_record, provider_of
from alma.events.access import event_admits, managed_scope_of
from alma.events.kinds import ATTENDED, ROLE_KINDS
from alma.events.models import (
    CHECK_IN_OPENS_BEFORE,
    CalendarFeed,
    Event,
    EventKind,
    EventMessage,
    EventRole,
    Program,
    Registration,
    RegistrationQuestion,
)
from alma.events.selectors import seats_taken_of
from alma.lib.errors import ApplicationError
from alma.people.models import Chapter, Organization, Person, Stage
from alma.people.services import person_create_contact

REMINDER_LEAD = dt.timedelta(hours=24)
ANSWER_MAX_LENGTH = 1000
MAX_GUESTS = 20

EVENT_FIELDS = (
    "program",
    "title",
    "kind",
    "description",
    "aspect",
    "starts_at",
    "ends_at",
    "registration_closes_at",
    "is_online",
    "online_url",
    "venue",
    "city",
    "host_chapter",
    "host_unit",
    "capacity",
    "guests_allowed",
    "open_to_prospective",
    "open_to_students",
    "open_to_alumni",
    "open_to_others",
    "audience_entry_year",
    "audience_graduation_year",
    "audience_city",
    "audience_chapter",
)


# --- Programs -------------------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    by: User | None,
    name: str,
    stage: str,
    aspect: str,
    description: str = "",
    cadence: str = Program.Cadence.YEARLY,
) -> Program:
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the program a name."), field="name")
    if stage not in ProcessStage.values:
        raise ApplicationError(_("Choose a lifecycle stage."), field="stage")
    if aspect not in Aspect.values:
        raise ApplicationError(_("Choose an aspect: life, study or work."), field="aspect")
    if cadence not in Program.Cadence.values:
        raise ApplicationError(_("Choose how often the program runs."), field="cadence")
    if Program.objects.filter(name__iexact=name).exists():
        raise ApplicationError(_("A program with this name exists already."), field="name")
    return Program.objects.create(
        name=name, stage=stage, aspect=aspect, description=description.strip(), cadence=cadence
    )


# --- Events ---------------------------------------------------------------------------------


def _check_host(
    *, by: User | None, host_chapter: Chapter | None, host_unit: Organization | None
) -> None:
    """Chapter officers host for their chapter, staff for their unit, the office for anyone."""
    if by is None:
        return
    scope = managed_scope_of(by)
    if scope.office:
        return
    if host_chapter is not None and host_chapter.pk in scope.chapter_ids:
        return
    if host_unit is not None and host_unit.pk in scope.unit_ids:
        return
    if host_chapter is None and host_unit is None:
        raise ApplicationError(
            _(
                "Only the alumni office hosts events for the whole university. Choose your chapter or unit."
            ),
            field="host_chapter",
        )
    raise ApplicationError(
        _("You can host events only for your own chapter or unit."), field="host_chapter"
    )


def _validate_event(event: Event, *, seats_taken: int = 0) -> None:
    if not event.title.strip():
        raise ApplicationError(_("Give the event a title."), field="title")
    if event.kind not in EventKind.values:
        raise ApplicationError(_("Choose the kind of event."), field="kind")
    if event.aspect not in Aspect.values:
        raise ApplicationError(_("Choose an aspect: life, study or work."), field="aspect")
    if event.starts_at is None or event.ends_at is None:
        raise ApplicationError(_("Give the start and the end."), field="starts_at")
    if event.ends_at < event.starts_at:
        raise ApplicationError(_("The event cannot end before it starts."), field="ends_at")
    if event.registration_closes_at and event.registration_closes_at > event.ends_at:
        raise ApplicationError(
            _("Registration must close before the event ends."), field="registration_closes_at"
        )
    if event.host_chapter_id and event.host_unit_id:
        raise ApplicationError(_("An event has one host: a chapter or a unit."), field="host_unit")
    if event.host_unit is not None and event.host_unit.kind != Organization.Kind.SCHOOL_UNIT:
        raise ApplicationError(_("Choose a unit of the university."), field="host_unit")
    if event.is_online and not event.online_url:
        raise ApplicationError(_("An online event needs its link."), field="online_url")
    if not event.is_online and not (event.venue.strip() or event.city.strip()):
        raise ApplicationError(_("Say where the event takes place."), field="venue")
    if event.capacity is not None and event.capacity < 1:
        raise ApplicationError(
            _("Capacity is at least one seat (leave it empty for no limit)."), field="capacity"
        )
    if event.capacity is not None and event.capacity < seats_taken:
        raise ApplicationError(
            _("%(n)d seats are taken already; the capacity cannot be lower.") % {"n": seats_taken},
            field="capacity",
        )
    if event.guests_allowed > MAX_GUESTS:
        raise ApplicationError(
            _("At most %(n)d guests per registration.") % {"n": MAX_GUESTS}, field="guests_allowed"
        )
    if not (
        event.open_to_prospective
        or event.open_to_students
        or event.open_to_alumni
        or event.open_to_others
    ):
        raise ApplicationError(_("Open the event to at least one group."), field="open_to_alumni")
    event.audience_city = event.audience_city.strip()


@transaction.atomic
def event_create(*, by: User | None, **fields: Any) -> Event:
    """A new event, open for registration. `fields` are among EVENT_FIELDS."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    program = fields.get("program")
    if not isinstance(program, Program):
        raise ApplicationError(_("Choose the program the event belongs to."), field="program")
    fields.setdefault("aspect", program.aspect)
    for text in ("description", "venue", "city", "online_url", "audience_city"):
        fields[text] = (fields.get(text) or "").strip()
    _check_host(by=by, host_chapter=fields.get("host_chapter"), host_unit=fields.get("host_unit"))
    event = Event(**fields, created_by=by.person if by is not None else None)
    _validate_event(event)
    event.save()
    transaction.on_commit(lambda: _schedule_reminders(event.pk, event.starts_at))
    return event


@transaction.atomic
def event_update(*, event: Event, by: User | None, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise ApplicationError(_("This event was cancelled; it can no longer be changed."))
    if "host_chapter" in fields or "host_unit" in fields:
        _check_host(
            by=by,
            host_chapter=fields.get("host_chapter", locked.host_chapter),
            host_unit=fields.get("host_unit", locked.host_unit),
        )
    old_start = locked.starts_at
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(locked, name, value)
    _validate_event(locked, seats_taken=seats_taken_of(locked))
    locked.save()
    promoted = _promote_waitlist(locked)
    _notify_on_commit(promoted, "promoted")
    if locked.starts_at != old_start:
        # Everyone is reminded again for the new time.
        Registration.objects.filter(event=locked).update(reminded_at=None)
        Event.objects.filter(pk=locked.pk).update(reminders_sent_at=None)
        transaction.on_commit(lambda: _schedule_reminders(locked.pk, locked.starts_at))
    return locked


@transaction.atomic
def event_cancel(*, event: Event, by: User | None) -> Event:
    """Call the event off; everyone holding a place is told."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        return locked
    if locked.ends_at < timezone.now():
        raise ApplicationError(_("The event is over; it cannot be cancelled."))
    locked.status = Event.Status.CANCELLED
    locked.save(update_fields=["status"])
    ids = list(
        Registration.objects.filter(
            event=locked,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        ).values_list("pk", flat=True)
    )
    from alma.events.tasks import registrations_notify

    if ids:
        transaction.on_commit(lambda: registrations_notify.enqueue(ids, "event_cancelled"))
    return locked


@transaction.atomic
def event_question_add(
    *,
    event: Event,
    by: User | None,
    prompt: str,
    kind: str,
    choices: str = "",
    required: bool = False,
) -> RegistrationQuestion:
    prompt = prompt.strip()
    if not prompt:
        raise ApplicationError(_("Write the question."), field="prompt")
    if kind not in RegistrationQuestion.Kind.values:
        raise ApplicationError(_("Choose the kind of answer."), field="kind")
    question = RegistrationQuestion(
        event=event, prompt=prompt, kind=kind, choices=choices.strip(), required=required
    )
    if kind == RegistrationQuestion.Kind.CHOICE and len(question.choice_list) < 2:
        raise ApplicationError(_("Give at least two choices, one per line."), field="choices")
    question.position = event.questions.count() + 1
    question.save()
    return question


@transaction.atomic
def event_question_remove(*, question: RegistrationQuestion, by: User | None) -> None:
    question.delete()


@transaction.atomic
def event_role_assign(
    *, event: Event, by: User | None, person: Person, role: str, note: str = ""
) -> EventRole:
    if role not in EventRole.Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    if role == EventRole.Role.JUDGE and event.kind != EventKind.COMPETITION:
        raise ApplicationError(_("Judges serve at competitions."), field="role")
    if event.is_cancelled:
        raise ApplicationError(_("This event was cancelled."))
    try:
        with transaction.atomic():
            return EventRole.objects.create(
                event=event, person=person, role=role, note=note.strip()
            )
    except IntegrityError:
        raise ApplicationError(
            _("%(name)s already has this role.") % {"name": person.full_name}, field="person"
        ) from None


@transaction.atomic
def event_role_remove(*, role: EventRole, by: User | None) -> None:
    if role.served_at is not None:
        raise ApplicationError(_("This role was served; it stays on the record."))
    role.delete()


@transaction.atomic
def event_role_served(*, role: EventRole, by: User | None, at: dt.datetime | None = None) -> bool:
    """Record that the person served in the role (writes the ledger once). Repeats are harmless."""
    at = at or timezone.now()
    locked = EventRole.objects.select_for_update().select_related("event", "person").get(pk=role.pk)
    if locked.served_at is not None:
        return False
    if locked.event.is_cancelled:
        raise ApplicationError(_("This event was cancelled."))
    if at < locked.event.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ApplicationError(_("The event has not started yet."))
    locked.served_at = at
    locked.save(update_fields=["served_at"])
    _record_service(role=locked, by=by, at=at)
    role.served_at = at
    return True


@transaction.atomic
def event_message_add(
    *,
    event: Event,
    by: User | None,
    author_name: str,
    text: str = "",
    link: str = "",
    author: Person | None = None,
) -> EventMessage:
    """A message to the graduates from a distinguished alumnus, attached to the ceremony."""
    if event.kind != EventKind.CEREMONY:
        raise ApplicationError(_("Messages to graduates attach to a ceremony."))
    author_name = (author_name or (author.full_name if author else "")).strip()
    if not author_name:
        raise ApplicationError(_("Say who the message is from."), field="author_name")
    text, link = text.strip(), link.strip()
    if not text and not link:
        raise ApplicationError(_("Write the message or give a link to it."), field="text")
    if len(text) > 5000:
        raise ApplicationError(
            _("The message is too long (at most 5000 characters)."), field="text"
        )
    return EventMessage.objects.create(
        event=event, author=author, author_name=author_name, text=text, link=link
    )


# --- Registration and the waitlist --------------------------------------------------------------


def _clean_answers(event: Event, answers: dict[str, Any] | None) -> dict[str, str]:
    answers = {str(k): v for k, v in (answers or {}).items()}
    questions = list(event.questions.all())
    known = {str(q.pk) for q in questions}
    if set(answers) - known:
        raise ApplicationError(_("An answer was given to a question this event does not ask."))
    cleaned: dict[str, str] = {}
    for question in questions:
        value = answers.get(str(question.pk))
        value = "" if value is None else str(value).strip()
        field = f"q_{question.pk}"
        if question.required and not value:
            raise ApplicationError(_("Please answer: %(q)s") % {"q": question.prompt}, field=field)
        if len(value) > ANSWER_MAX_LENGTH:
            raise ApplicationError(_("That answer is too long."), field=field)
        if (
            value
            and question.kind == RegistrationQuestion.Kind.CHOICE
            and value not in question.choice_list
        ):
            raise ApplicationError(
                _("Choose one of the offered answers to: %(q)s") % {"q": question.prompt},
                field=field,
            )
        if (
            value
            and question.kind == RegistrationQuestion.Kind.YES_NO
            and value not in ("yes", "no")
        ):
            raise ApplicationError(
                _("Answer yes or no to: %(q)s") % {"q": question.prompt}, field=field
            )
        if value:
            cleaned[str(question.pk)] = value
    return cleaned


@transaction.atomic
def event_register(
    *,
    event: Event,
    person: Person,
    by: User | None,
    guests: int = 0,
    guest_names: str = "",
    answers: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Take a seat if one is free, else a place on the waitlist. Registering twice is harmless."""
    now = now or timezone.now()
    # The lock: concurrent sign-ups for this event queue here, so seats are counted one at a time.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if by is not None and by.person_id != person.pk and not managed_scope_of(by).manages(locked):
        raise ApplicationError(_("You can register only yourself."))
    existing = Registration.objects.filter(event=locked, person=person).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        return existing
    if locked.is_cancelled:
        raise ApplicationError(_("This event was cancelled."))
    if now >= locked.closes_at:
        raise ApplicationError(_("Registration for this event has closed."))
    if not event_admits(locked, person):
        raise ApplicationError(_("This event is for another audience."))
    if not isinstance(guests, int) or isinstance(guests, bool) or guests < 0:
        raise ApplicationError(_("The number of guests is a whole number."), field="guests")
    if guests > locked.guests_allowed:
        raise ApplicationError(
            _("You may bring at most %(n)d guests.") % {"n": locked.guests_allowed}
            if locked.guests_allowed
            else _("This event does not take guests."),
            field="guests",
        )
    cleaned = _clean_answers(locked, answers)
    seats = 1 + guests
    fits = locked.capacity is None or seats_taken_of(locked) + seats <= locked.capacity
    status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITLISTED
    registration = existing or Registration(event=locked, person=person)
    registration.status = status
    registration.guests = guests
    registration.guest_names = guest_names.strip()[:300]
    registration.answers = cleaned
    registration.registered_at = now
    registration.queued_at = now
    registration.cancelled_at = None
    registration.save()
    _notify_on_commit([registration], str(status))
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User | None, now: dt.datetime | None = None
) -> Registration:
    """Give the place up; the waitlist moves up at once."""
    now = now or timezone.now()
    locked_event = Event.objects.select_for_update().get(pk=registration.event_id)
    locked = Registration.objects.get(pk=registration.pk)
    if (
        by is not None
        and by.person_id != locked.person_id
        and not managed_scope_of(by).manages(locked_event)
    ):
        raise ApplicationError(_("You can cancel only your own registration."))
    if locked.status == Registration.Status.CANCELLED:
        return locked
    if locked.checked_in_at is not None:
        raise ApplicationError(_("You were checked in already; the registration stays."))
    if now >= locked_event.ends_at:
        raise ApplicationError(_("The event is over."))
    locked.status = Registration.Status.CANCELLED
    locked.cancelled_at = now
    locked.save(update_fields=["status", "cancelled_at"])
    promoted = _promote_waitlist(locked_event)
    _notify_on_commit(promoted, "promoted")
    registration.status, registration.cancelled_at = locked.status, locked.cancelled_at
    return locked


def _promote_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served; the caller holds the lock.

    Someone whose party does not fit yet keeps their place while a smaller party behind them
    takes the seat that is free.
    """
    if event.is_cancelled:
        return []
    waiting = list(
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).order_by(
            "queued_at", "id"
        )
    )
    if not waiting:
        return []
    free = None if event.capacity is None else event.capacity - seats_taken_of(event)
    promoted = []
    for registration in waiting:
        if free is not None and registration.seats > free:
            continue
        registration.status = Registration.Status.CONFIRMED
        promoted.append(registration)
        if free is not None:
            free -= registration.seats
            if free <= 0:
                break
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=Registration.Status.CONFIRMED
    )
    return promoted


def _notify_on_commit(registrations: list[Registration], reason: str) -> None:
    ids = [r.pk for r in registrations]
    if not ids:
        return
    from alma.events.tasks import registrations_notify

    transaction.on_commit(lambda: registrations_notify.enqueue(ids, reason))


# --- Check-in and the ledger ---------------------------------------------------------------


def host_provider_of(event: Event) -> str:
    """Who provides an event to the students attending: a chapter's alumni, or the school."""
    if event.host_chapter_id:
        return Provider.ALUMNUS
    if event.created_by is not None:
        try:
            return provider_of(event.created_by)
        except ApplicationError:
            pass
    return Provider.ALUMNI_OFFICE


def attendance_activity(
    *,
    registration: Registration,
    by: User | None,
    at: dt.datetime,
    host_provider: str | None = None,
) -> dict[str, Any] | None:
    """What attending writes to the ledger (as `activity_record`'s arguments), or None.

    Students are served, with the aspect of the event's program (the stage is theirs at the
    time); alumni engage (CASE experiential). Other guests (parents) leave no activity.
    """
    event, person = registration.event, registration.person
    row: dict[str, Any] = {
        "kind": ATTENDED.slug,
        "aspect": event.aspect,
        "note": event.title,
        "occurred_at": at,
        "source": registration,
        "recorded_by": by,
    }
    if person.stage in (Stage.PROSPECTIVE, Stage.STUDENT):
        provider = host_provider or host_provider_of(event)
        return {**row, "actor": None, "provider": provider, "beneficiary": person}
    if person.stage == Stage.ALUMNUS:
        return {**row, "actor": person, "beneficiary": None}
    return None


def service_activity(*, role: EventRole, by: User | None, at: dt.datetime) -> dict[str, Any] | None:
    """What serving at an event writes: speakers, judges, hosts, volunteers and mentors on duty
    serve the event's students (CASE volunteer for alumni). A student serving is a student
    learning, so they attended; a parent volunteering is thanked, not a provider."""
    person, event = role.person, role.event
    row: dict[str, Any] = {
        "aspect": event.aspect,
        "occurred_at": at,
        "source": role,
        "recorded_by": by,
    }
    if person.stage in (Stage.PROSPECTIVE, Stage.STUDENT):
        return {
            **row,
            "kind": ATTENDED.slug,
            "note": f"{event.title} ({role.get_role_display()})",
            "actor": None,
            "provider": host_provider_of(event),
            "beneficiary": person,
        }
    try:
        provider = provider_of(person)
    except ApplicationError:
        return None
    return {
        **row,
        "kind": ROLE_KINDS[role.role].slug,
        "note": event.title,
        "actor": person,
        "provider": provider,
        "beneficiary": None,
    }


def _record_attendance(*, registration: Registration, by: User | None, at: dt.datetime) -> None:
    row = attendance_activity(registration=registration, by=by, at=at)
    if row is not None:
        activity_record(**row)


def _record_service(*, role: EventRole, by: User | None, at: dt.datetime) -> None:
    row = service_activity(role=role, by=by, at=at)
    if row is not None:
        activity_record(**row)


@transaction.atomic
def registration_check_in(
    *, registration: Registration, by: User | None, at: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """Check the person in. Returns (registration, whether this call checked them in):
    scanning the same code twice changes nothing."""
    at = at or timezone.now()
    locked_event = Event.objects.select_for_update().get(pk=registration.event_id)
    locked = Registration.objects.select_related("person").get(pk=registration.pk)
    if locked.checked_in_at is not None:
        return locked, False
    if locked_event.is_cancelled:
        raise ApplicationError(_("This event was cancelled."))
    if locked.status == Registration.Status.CANCELLED:
        raise ApplicationError(
            _("%(name)s cancelled this registration. Add them as a walk-in if they are here.")
            % {"name": locked.person.full_name}
        )
    if at < locked_event.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ApplicationError(_("Check-in opens on the day before the event."))
    # Someone on the waitlist who is at the door gets in: staff decided so by checking them in.
    locked.status = Registration.Status.CONFIRMED
    locked.checked_in_at = at
    locked.checked_in_by = by
    locked.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    locked.event = locked_event
    _record_attendance(registration=locked, by=by, at=at)
    return locked, True


@transaction.atomic
def event_walk_in(
    *,
    event: Event,
    by: User | None,
    person: Person | None = None,
    full_name: str = "",
    email: str = "",
    at: dt.datetime | None = None,
) -> Registration:
    """Someone came without registering: add them and check them in (capacity aside; they
    are in the room already). A new face gets a record of their own."""
    at = at or timezone.now()
    locked_event = Event.objects.select_for_update().get(pk=event.pk)
    if locked_event.is_cancelled:
        raise ApplicationError(_("This event was cancelled."))
    if at < locked_event.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ApplicationError(_("Check-in opens on the day before the event."))
    if person is None:
        email = email.strip().lower()
        if email:
            person = Person.objects.filter(email__iexact=email).order_by("pk").first()
        if person is None:
            person = person_create_contact(
                full_name=full_name, email=email, by=by, source="walk-in"
            )
    registration = Registration.objects.filter(event=locked_event, person=person).first()
    if registration is None:
        registration = Registration.objects.create(
            event=locked_event,
            person=person,
            status=Registration.Status.CONFIRMED,
            is_walk_in=True,
            registered_at=at,
            queued_at=at,
        )
    elif registration.status == Registration.Status.CANCELLED:
        registration.status = Registration.Status.CONFIRMED
        registration.is_walk_in = True
        registration.cancelled_at = None
        registration.save(update_fields=["status", "is_walk_in", "cancelled_at"])
    registration, _first = registration_check_in(registration=registration, by=by, at=at)
    return registration


# --- Reminders ------------------------------------------------------------------------------


def _schedule_reminders(event_id: int, starts_at: dt.datetime) -> None:
    """Queue the reminder job for the day before (where the queue can defer jobs).

    Without a deferring queue, `alma event_reminders` (run from cron) sends what is due.
    """
    from alma.events.tasks import event_reminders_send_task

    send_at = starts_at - REMINDER_LEAD
    if send_at <= timezone.now():
        return
    if event_reminders_send_task.get_backend().supports_defer:
        event_reminders_send_task.using(run_after=send_at).enqueue(event_id)


def event_reminders_send(*, event_id: int, now: dt.datetime | None = None) -> int:
    """Remind everyone confirmed who has not been reminded. Returns the number of mails.

    Each registration is claimed with a conditional update before its mail goes, so two
    workers never remind the same person twice. A job left over from an earlier start time
    (the event moved later) finds nothing due and sends nothing.
    """
    from alma.events.notifications import send_reminder

    now = now or timezone.now()
    event = Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED).first()
    if (
        event is None
        or event.starts_at <= now
        or event.starts_at - REMINDER_LEAD > now + dt.timedelta(minutes=10)
    ):
        return 0
    sent = 0
    registrations = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, reminded_at__isnull=True
    ).select_related("person", "event")
    for registration in registrations:
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed and send_reminder(registration):
            sent += 1
    Event.objects.filter(pk=event.pk).update(reminders_sent_at=now)
    return sent


def event_reminders_sweep(*, now: dt.datetime | None = None) -> int:
    """Send every reminder now due (for `alma event_reminders`, run from cron)."""
    now = now or timezone.now()
    due = Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD
    ).values_list("pk", flat=True)
    return sum(event_reminders_send(event_id=pk, now=now) for pk in list(due))


# --- Calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_for(*, person: Person, reset: bool = False) -> CalendarFeed:
    """The person's secret feed address; `reset` issues a new one (the old stops working)."""
    feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
    if feed is None:
        return CalendarFeed.objects.create(person=person, token=CalendarFeed.new_token())
    if reset:
        feed.token = CalendarFeed.new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


# --- Alumni messages to a cohort ----------------------------------------------------------


@transaction.atomic
def event_message_invite(*, by: User, author: Person, cohort: str, year: int) -> EventMessage:
    """Invite a distinguished alumnus to write to a cohort; they are told with a signed link
    (no sign-in needed) through the notifications."""
    from alma.comms import tokens
    from alma.comms.kinds import MESSAGE_INVITATION
    from alma.comms.services import notify_later

    if cohort not in EventMessage.Cohort.values:
        raise ApplicationError(_("Choose freshmen or graduates."), field="cohort")
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ApplicationError(_("Choose last year, this year or next year."), field="year")
    if author.stage != Stage.ALUMNUS:
        raise ApplicationError(_("Invite an alumnus to write."), field="author")
    if (
        EventMessage.objects.filter(author=author, cohort=cohort, cohort_year=year)
        .exclude(status=EventMessage.Status.DECLINED)
        .exists()
    ):
        raise ApplicationError(_("This alumnus is already writing to this cohort."), field="author")
    message = EventMessage.objects.create(
        cohort=cohort,
        cohort_year=year,
        author=author,
        author_name=author.full_name,
        status=EventMessage.Status.INVITED,
        invited_by=by,
        invited_at=timezone.now(),
    )
    token = tokens.make({"m": message.pk}, tokens.MESSAGE_SALT)
    link = reverse("comms:message-write", args=[token])
    label = EventMessage.Cohort(cohort).label
    notify_later(
        recipient_ids=[author.pk],
        kind=MESSAGE_INVITATION.slug,
        subject=_("Would you write a few words to our %(cohort)s of %(year)d?")
        % {"cohort": label, "year": year},
        body=_(
            "The alumni office invites you to write a message to the %(cohort)s of %(year)d. "
            "It will be shown on their page, read out at the ceremony and sent with their "
            "mail. Write it here (no sign-in needed):"
        )
        % {"cohort": label, "year": year},
        link=link,
    )
    return message


def event_message_from_token(token: str) -> EventMessage | None:
    from alma.comms import tokens

    value = tokens.read(token, tokens.MESSAGE_SALT)
    if not isinstance(value, dict):
        return None
    return EventMessage.objects.select_related("author").filter(pk=int(value.get("m") or 0)).first()


@transaction.atomic
def event_message_submit(*, message: EventMessage, text: str, link: str = "") -> EventMessage:
    """The invited alumnus writes (or rewrites, until it is reviewed): in the ledger as a CASE
    volunteer activity, once."""
    from alma.comms.kinds import COHORT_MESSAGE

    locked = (
        EventMessage.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=message.pk)
    )
    if locked.status not in (EventMessage.Status.INVITED, EventMessage.Status.SUBMITTED):
        raise ApplicationError(_("This message was reviewed already and can no longer change."))
    text, link = text.strip(), link.strip()
    if not text:
        raise ApplicationError(_("Write the message."), field="text")
    if len(text) > 5000:
        raise ApplicationError(
            _("The message is too long (at most 5000 characters)."), field="text"
        )
    first = locked.status == EventMessage.Status.INVITED
    locked.text, locked.link = text, link
    locked.status = EventMessage.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    if first and locked.author is not None:
        activity_record(
            kind=COHORT_MESSAGE.slug,
            actor=locked.author,
            beneficiary=None,
            note=f"{locked.get_cohort_display()} {locked.cohort_year}",
            source=locked,
        )
    return locked


@transaction.atomic
def event_message_review(*, message: EventMessage, by: User | None, approve: bool) -> EventMessage:
    locked = EventMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != EventMessage.Status.SUBMITTED:
        raise ApplicationError(_("Only a written message waiting for review can be reviewed."))
    locked.status = EventMessage.Status.APPROVED if approve else EventMessage.Status.DECLINED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.save()
    return locked
