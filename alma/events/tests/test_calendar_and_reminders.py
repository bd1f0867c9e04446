"""iCalendar feeds (per person, per chapter, per event) and reminder mail run by the worker."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from alma.events.models import CalendarFeed, Registration
from alma.events.services import (
    calendar_feed_for,
    event_create,
    event_register,
    event_reminders_send,
    event_reminders_sweep,
    event_update,
)
from alma.events.tests.factories import EventFactory, EventRoleFactory, ProgramFactory
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_an_event_downloads_as_ics(carol):
    event = EventFactory(
        title="Freshman first lesson", is_online=True, online_url="https://meet.example/x"
    )
    items = parse(client_for(carol).get(f"/events/{event.pk}/event.ics"))
    assert [str(i["summary"]) for i in items] == ["Freshman first lesson"]
    assert items[0].decoded("dtstart") == event.starts_at.replace(microsecond=0)
    # The online link goes only to people holding a place.
    assert "meet.example" not in str(items[0].get("location", ""))
    event_register(event=event, person=carol.person, by=None)
    items = parse(client_for(carol).get(f"/events/{event.pk}/event.ics"))
    assert str(items[0]["location"]) == "https://meet.example/x"


def test_a_persons_feed_lists_their_places_and_roles_behind_a_secret_address(carol, client):
    registered = EventFactory(title="Registered")
    EventFactory(title="Not mine")
    serving = EventFactory(title="Serving")
    event_register(event=registered, person=carol.person, by=None)
    EventRoleFactory(event=serving, person=carol.person, role="volunteer")
    feed = calendar_feed_for(person=carol.person)
    items = parse(client.get(f"/events/feeds/{feed.token}.ics"))
    assert sorted(str(i["summary"]) for i in items) == ["Registered", "Serving"]
    old = feed.token
    calendar_feed_for(person=carol.person, reset=True)
    assert client.get(f"/events/feeds/{old}.ics").status_code == 404
    assert CalendarFeed.objects.count() == 1


def test_a_chapters_feed_is_public_and_keeps_online_links_private(client):
    chapter = f.ChapterFactory(name="Shanghai Chapter")
    EventFactory(title="Spring gathering", host_chapter=chapter)
    EventFactory(
        title="Online talk",
        host_chapter=chapter,
        is_online=True,
        online_url="https://meet.example/y",
    )
    EventFactory(title="Someone else's")
    response = client.get(f"/events/chapters/{chapter.pk}/calendar.ics")
    items = parse(response)
    assert sorted(str(i["summary"]) for i in items) == ["Online talk", "Spring gathering"]
    assert b"meet.example" not in response.content
    assert Calendar.from_ical(response.content)["x-wr-calname"] == "Shanghai Chapter"


def test_a_chapters_public_feed_leaves_out_events_hidden_from_anyone(client):
    chapter = f.ChapterFactory(name="Shanghai Chapter")
    EventFactory(title="Open to all", host_chapter=chapter)
    EventFactory(title="Members only", host_chapter=chapter, audience_chapter=chapter)
    EventFactory(title="Class of 2010", host_chapter=chapter, audience_graduation_year=2010)
    EventFactory(title="Freshmen", host_chapter=chapter, audience_entry_year=2026)
    EventFactory(title="Locals", host_chapter=chapter, audience_city="Shanghai")
    EventFactory(title="Alumni only", host_chapter=chapter, open_to_students=False)
    EventFactory(title="No partners", host_chapter=chapter, open_to_others=False)
    items = parse(client.get(f"/events/chapters/{chapter.pk}/calendar.ics"))
    assert [str(i["summary"]) for i in items] == ["Open to all"]


def _soon(hours: float):
    start = timezone.now() + dt.timedelta(hours=hours)
    return EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))


def test_reminders_go_once_to_confirmed_people_when_due():
    due = _soon(10)
    later = _soon(72)
    confirmed = event_register(event=due, person=f.StudentFactory(), by=None)
    Registration.objects.create(event=due, person=f.StudentFactory(), status="waitlisted")
    event_register(event=later, person=f.StudentFactory(), by=None)
    mail.outbox.clear()
    assert event_reminders_sweep() == 1
    assert [m.to for m in mail.outbox] == [[confirmed.person.email]]
    assert mail.outbox[0].subject == f"Reminder: {due.title}"
    assert "/events/check-in/" in mail.outbox[0].body
    assert event_reminders_sweep() == 0  # nobody is reminded twice
    assert event_reminders_send(event_id=later.pk) == 0  # not due yet


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_deferred_reminder(alice):
    start = timezone.now() + dt.timedelta(days=3)
    with override_settings(TASKS=DATABASE_TASKS):
        event = event_create(
            by=alice,
            program=ProgramFactory(),
            title="Homecoming",
            kind="homecoming",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            venue="Old gate",
        )
        job = DBTaskResult.objects.get(task_path="alma.events.tasks.event_reminders_send_task")
        assert job.run_after == start - dt.timedelta(hours=24)
        # The event moves to tomorrow: a new job is queued, the old one will find nothing due.
        event_update(
            event=event,
            by=alice,
            starts_at=timezone.now() + dt.timedelta(hours=20),
            ends_at=timezone.now() + dt.timedelta(hours=22),
        )
        event_register(event=event, person=f.StudentFactory(email="s@example.edu"), by=None)
        mail.outbox.clear()
        # Make every queued job due now and let the worker run them all.
        DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(minutes=1))
        call_command("worker", "--batch")
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder:")]
    assert [m.to for m in reminders] == [["s@example.edu"]]


def test_the_reminders_command_sends_what_is_due(capsys):
    event_register(event=_soon(5), person=f.StudentFactory(), by=None)
    mail.outbox.clear()
    call_command("event_reminders")
    assert "1 reminders sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1
