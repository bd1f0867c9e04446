"""Check-in: the signed QR link, idempotence, walk-ins, and what attendance writes to the ledger."""

import datetime as dt

import pytest
from django.utils import timezone

from alma.activity.models import Activity
from alma.events.models import EventRole, Registration
from alma.events.qr import checkin_token, checkin_url, qr_png, qr_svg, registration_id_from_token
from alma.events.services import (
    event_register,
    event_role_served,
    event_walk_in,
    registration_cancel,
    registration_check_in,
)
from alma.events.tests.factories import EventFactory, EventRoleFactory, ProgramFactory
from alma.lib.errors import ApplicationError
from alma.people.models import Person, Post, Stage
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_event():
    start = timezone.now() - dt.timedelta(minutes=30)
    return EventFactory(
        program=ProgramFactory(stage="in_school", aspect="work"),
        aspect="work",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        registration_closes_at=start + dt.timedelta(hours=1),
        capacity=1,
    )


def test_the_token_names_the_registration_and_cannot_be_forged(today_event):
    registration = event_register(event=today_event, person=f.StudentFactory(), by=None)
    token = checkin_token(registration)
    assert registration_id_from_token(token) == registration.pk
    assert registration_id_from_token(token[:-2] + "xx") is None
    assert registration_id_from_token("1") is None
    assert checkin_url(registration).endswith(f"/events/check-in/{token}/")
    assert qr_svg(checkin_url(registration)).startswith("<svg")
    assert qr_png(checkin_url(registration)).startswith(b"\x89PNG")


def test_the_code_is_the_same_whenever_it_is_made(today_event, monkeypatch):
    """The page, the confirmation email and the reminder show one code, even when they are
    made seconds or days apart; a link from before the code was fixed still checks in."""
    import time

    from django.core import signing

    from alma.events.qr import CHECKIN_SALT

    registration = event_register(event=today_event, person=f.StudentFactory(), by=None)
    first = checkin_token(registration)
    later = time.time() + 86_400
    monkeypatch.setattr(time, "time", lambda: later)
    assert checkin_token(registration) == first
    older = signing.dumps(
        [registration.pk, registration.event_id], salt=CHECKIN_SALT, compress=True
    )
    assert registration_id_from_token(older) == registration.pk


def test_checking_in_twice_is_harmless_and_writes_the_ledger_once(today_event, bob):
    student = f.StudentFactory()
    registration = event_register(event=today_event, person=student, by=None)
    first, was_new = registration_check_in(registration=registration, by=bob)
    again, again_new = registration_check_in(registration=registration, by=bob)
    assert (was_new, again_new) == (True, False)
    assert again.checked_in_at == first.checked_in_at
    activity = Activity.objects.get()
    assert activity.kind == "events.attended"
    assert activity.beneficiary == student
    assert activity.actor is None
    # The aspect is the program's; the stage is the student's at that moment.
    assert (activity.aspect, activity.beneficiary_stage) == ("work", "in_school")
    assert activity.engagement_mode == ""


def test_an_alumnus_attending_is_experiential_engagement(today_event, dave):
    registration = event_register(event=today_event, person=dave.person, by=None)
    registration_check_in(registration=registration, by=None)
    activity = Activity.objects.get()
    assert (activity.actor, activity.beneficiary) == (dave.person, None)
    assert (activity.provider, activity.engagement_mode) == ("alumnus", "experiential")


def test_a_parent_attending_leaves_no_activity(today_event):
    parent = f.PersonFactory(stage=Stage.NONE)
    registration = event_register(event=today_event, person=parent, by=None)
    registration_check_in(registration=registration, by=None)
    assert registration.status == "confirmed"
    assert not Activity.objects.exists()


def test_registration_alone_is_not_attendance(today_event):
    event_register(event=today_event, person=f.StudentFactory(), by=None)
    assert not Activity.objects.exists()


def test_someone_on_the_waitlist_at_the_door_gets_in(today_event):
    event_register(event=today_event, person=f.StudentFactory(), by=None)
    waiting = event_register(event=today_event, person=f.StudentFactory(), by=None)
    assert waiting.status == "waitlisted"
    registration, _new = registration_check_in(registration=waiting, by=None)
    assert registration.status == "confirmed"


def test_a_cancelled_registration_or_an_early_scan_is_refused_and_changes_nothing(today_event):
    registration = event_register(event=today_event, person=f.StudentFactory(), by=None)
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")
    with pytest.raises(ApplicationError, match="walk-in"):
        registration_check_in(registration=registration, by=None)
    later = EventFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    early = event_register(event=later, person=f.StudentFactory(), by=None)
    with pytest.raises(ApplicationError, match="day before"):
        registration_check_in(registration=early, by=None)
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert not Activity.objects.exists()


def test_cancelling_after_check_in_is_refused(today_event):
    registration = event_register(event=today_event, person=f.StudentFactory(), by=None)
    registration_check_in(registration=registration, by=None)
    with pytest.raises(ApplicationError, match="checked in already"):
        registration_cancel(registration=registration, by=None)


def test_walk_ins_new_and_known(today_event, bob, carol):
    # The event is full; a walk-in is in the room already and is added anyway.
    event_register(event=today_event, person=f.StudentFactory(), by=None)
    known = event_walk_in(event=today_event, by=bob, person=carol.person)
    assert (known.is_walk_in, known.status) == (True, "confirmed")
    assert known.checked_in_at is not None
    new = event_walk_in(event=today_event, by=bob, full_name="Li Lei", email="LI.LEI@example.com")
    assert new.person.full_name == "Li Lei"
    assert new.person.email == "li.lei@example.com"
    # The same email again finds the same person: no duplicate record, no second registration.
    again = event_walk_in(event=today_event, by=bob, full_name="Lei Li", email="li.lei@example.com")
    assert again.pk == new.pk
    assert Person.objects.filter(email="li.lei@example.com").count() == 1
    with pytest.raises(ApplicationError, match="name"):
        event_walk_in(event=today_event, by=bob, full_name="  ")


def test_speakers_judges_and_volunteers_serve_as_case_volunteers(today_event, bob):
    alumnus = f.AlumnusFactory()
    staff = f.PersonFactory()
    f.StaffPostFactory(person=staff, post=Post.TEACHING)
    student = f.StudentFactory()
    parent = f.PersonFactory()
    roles = [
        EventRoleFactory(event=today_event, person=alumnus, role=EventRole.Role.SPEAKER),
        EventRoleFactory(event=today_event, person=staff, role=EventRole.Role.HOST),
        EventRoleFactory(event=today_event, person=student, role=EventRole.Role.VOLUNTEER),
        EventRoleFactory(event=today_event, person=parent, role=EventRole.Role.VOLUNTEER),
    ]
    assert [event_role_served(role=r, by=bob) for r in roles] == [True] * 4
    assert event_role_served(role=roles[0], by=bob) is False  # repeats are harmless
    by_actor = {a.actor_id: a for a in Activity.objects.filter(actor__isnull=False)}
    assert by_actor[alumnus.pk].kind == "events.speaker"
    assert by_actor[alumnus.pk].engagement_mode == "volunteer"
    assert (by_actor[staff.pk].kind, by_actor[staff.pk].provider) == ("events.host", "teaching")
    served_student = Activity.objects.get(beneficiary=student)
    assert served_student.kind == "events.attended"
    assert Activity.objects.count() == 3  # the parent volunteer is thanked, not a provider


def test_judges_serve_at_competitions_only(today_event, alice):
    from alma.events.services import event_role_assign

    with pytest.raises(ApplicationError, match="competitions"):
        event_role_assign(event=today_event, by=alice, person=f.AlumnusFactory(), role="judge")
    contest = EventFactory(kind="competition")
    judge = event_role_assign(event=contest, by=alice, person=f.AlumnusFactory(), role="judge")
    assert judge.role == "judge"
    with pytest.raises(ApplicationError, match="already has this role"):
        event_role_assign(event=contest, by=alice, person=judge.person, role="judge")
