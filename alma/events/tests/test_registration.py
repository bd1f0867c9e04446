"""Registration: seats, the waitlist and its automatic promotion, questions, guests, mail."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alma.events.models import Event, Registration, RegistrationQuestion
from alma.events.services import (
    event_cancel,
    event_register,
    event_update,
    registration_cancel,
)
from alma.events.tests.factories import EventFactory
from alma.lib.errors import ApplicationError
from alma.people.models import Stage
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def students():
    return [f.StudentFactory(full_name=f"Student {i}") for i in range(6)]


def statuses(event: Event) -> dict[str, str]:
    return {
        r.person.full_name: r.status
        for r in Registration.objects.filter(event=event).select_related("person")
    }


def test_seats_fill_then_the_waitlist_takes_over(students, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        for student in students[:4]:
            event_register(event=event, person=student, by=None)
    assert statuses(event) == {
        "Student 0": "confirmed",
        "Student 1": "confirmed",
        "Student 2": "waitlisted",
        "Student 3": "waitlisted",
    }
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"You are registered: {event.title}") == 2
    assert subjects.count(f"You are on the waitlist: {event.title}") == 2
    confirmation = mail.outbox[0]
    # The check-in QR travels inline in the HTML part and as a PNG.
    assert "/events/check-in/" in confirmation.body
    assert confirmation.alternatives and "cid:checkin-qr" in confirmation.alternatives[0][0]
    assert any(a.get_content_type() == "image/png" for a in confirmation.attachments)


def test_a_cancellation_promotes_the_first_in_line_and_tells_them(
    students, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    first = event_register(event=event, person=students[0], by=None)
    event_register(event=event, person=students[1], by=None)
    event_register(event=event, person=students[2], by=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, by=None)
    assert statuses(event) == {
        "Student 0": "cancelled",
        "Student 1": "confirmed",
        "Student 2": "waitlisted",
    }
    assert [m.subject for m in mail.outbox] == [f"A place is yours: {event.title}"]
    assert mail.outbox[0].to == [students[1].email]


def test_a_party_that_does_not_fit_keeps_its_place_while_a_smaller_one_moves_up(students):
    event = EventFactory(capacity=3, guests_allowed=2)
    holder = event_register(event=event, person=students[0], by=None)  # 1 seat
    event_register(event=event, person=students[1], by=None, guests=1)  # 2 seats: full
    big = event_register(event=event, person=students[2], by=None, guests=2)  # 3 seats
    small = event_register(event=event, person=students[3], by=None)  # 1 seat
    assert (big.status, small.status) == ("waitlisted", "waitlisted")
    registration_cancel(registration=holder, by=None)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waitlisted", "confirmed")


def test_raising_the_capacity_promotes_the_waitlist(students, alice):
    event = EventFactory(capacity=1)
    for student in students[:3]:
        event_register(event=event, person=student, by=None)
    event_update(event=event, by=alice, capacity=2)
    assert list(statuses(event).values()).count("confirmed") == 2


def test_capacity_cannot_drop_below_the_seats_taken(students, alice):
    event = EventFactory(capacity=5)
    for student in students[:3]:
        event_register(event=event, person=student, by=None)
    with pytest.raises(ApplicationError, match="3 seats are taken"):
        event_update(event=event, by=alice, capacity=2)
    event.refresh_from_db()
    assert event.capacity == 5


def test_registering_twice_is_harmless(students):
    event = EventFactory(capacity=10)
    one = event_register(event=event, person=students[0], by=None)
    two = event_register(event=event, person=students[0], by=None)
    assert one.pk == two.pk
    assert Registration.objects.count() == 1


def test_re_registering_after_cancelling_goes_to_the_back_of_the_line(students):
    event = EventFactory(capacity=1)
    mine = event_register(event=event, person=students[0], by=None)
    event_register(event=event, person=students[1], by=None)
    registration_cancel(registration=mine, by=None)
    again = event_register(event=event, person=students[0], by=None)
    assert again.pk == mine.pk
    assert again.status == "waitlisted"


@pytest.mark.parametrize(
    ("setup", "kwargs", "message"),
    [
        ({"status": "cancelled"}, {}, "was cancelled"),
        ({"registration_closes_at": "past"}, {}, "has closed"),
        ({"open_to_students": False}, {}, "another audience"),
        ({"audience_entry_year": 2019}, {}, "another audience"),
        ({"audience_city": "Chengdu"}, {}, "another audience"),
        ({}, {"guests": 1}, "does not take guests"),
        ({"guests_allowed": 1}, {"guests": 2}, "at most 1 guests"),
        ({"guests_allowed": 1}, {"guests": -1}, "whole number"),
        ({}, {"answers": {"999": "x"}}, "does not ask"),
    ],
)
def test_bad_registrations_are_refused_and_change_nothing(setup, kwargs, message):
    student = f.StudentFactory()
    if setup.get("registration_closes_at") == "past":
        setup["registration_closes_at"] = timezone.now() - dt.timedelta(minutes=1)
    event = EventFactory(capacity=10, **setup)
    with pytest.raises(ApplicationError, match=message):
        event_register(event=event, person=student, by=None, **kwargs)
    assert not Registration.objects.exists()


def test_questions_must_be_answered_as_asked():
    student = f.StudentFactory()
    event = EventFactory()
    diet = RegistrationQuestion.objects.create(
        event=event, prompt="Diet", kind="choice", choices="None\nVegetarian", required=True
    )
    photo = RegistrationQuestion.objects.create(event=event, prompt="Photos OK?", kind="yes_no")
    with pytest.raises(ApplicationError, match="Please answer: Diet"):
        event_register(event=event, person=student, by=None, answers={})
    with pytest.raises(ApplicationError, match="offered answers"):
        event_register(event=event, person=student, by=None, answers={str(diet.pk): "Vegan"})
    with pytest.raises(ApplicationError, match="yes or no"):
        event_register(
            event=event,
            person=student,
            by=None,
            answers={str(diet.pk): "None", str(photo.pk): "maybe"},
        )
    assert not Registration.objects.exists()
    registration = event_register(
        event=event,
        person=student,
        by=None,
        answers={str(diet.pk): "Vegetarian", str(photo.pk): "yes"},
    )
    assert registration.answers == {str(diet.pk): "Vegetarian", str(photo.pk): "yes"}


def test_nobody_registers_someone_else_unless_they_run_the_event(carol, dave, alice):
    event = EventFactory()
    with pytest.raises(ApplicationError, match="only yourself"):
        event_register(event=event, person=dave.person, by=carol)
    assert event_register(event=event, person=dave.person, by=alice).status == "confirmed"


def test_audience_freshmen_of_a_year_from_a_city():
    event = EventFactory(
        open_to_alumni=False, open_to_others=False, audience_entry_year=2026, audience_city="Wuhan"
    )
    freshman = f.PersonFactory(stage=Stage.PROSPECTIVE, hometown_city="wuhan")
    f.EducationFactory(person=freshman, entry_year=2026)
    elsewhere = f.PersonFactory(stage=Stage.PROSPECTIVE, hometown_city="Xi'an", current_city="")
    f.EducationFactory(person=elsewhere, entry_year=2026)
    assert event_register(event=event, person=freshman, by=None).status == "confirmed"
    with pytest.raises(ApplicationError):
        event_register(event=event, person=elsewhere, by=None)
    with pytest.raises(ApplicationError):
        event_register(event=event, person=f.AlumnusFactory(current_city="Wuhan"), by=None)


def test_cancelling_an_event_tells_everyone_holding_a_place(
    students, alice, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    event_register(event=event, person=students[0], by=None)
    event_register(event=event, person=students[1], by=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, by=alice)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([students[0].email, students[1].email])
    assert all(m.subject.startswith("Cancelled:") for m in mail.outbox)
    with pytest.raises(ApplicationError, match="was cancelled"):
        event_register(event=event, person=students[2], by=None)
