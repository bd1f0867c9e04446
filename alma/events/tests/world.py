"""A small world of programs, events and registrations around the personas.

Used by this app's page tests and by tests/test_url_roles.py (every URL, every role):
`events_world(users)` returns the ids and tokens the requests are formatted with.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from alma.events.models import (
    Event,
    EventRole,
    Registration,
    RegistrationQuestion,
)
from alma.events.qr import checkin_token
from alma.events.services import calendar_feed_for
from alma.events.tests.factories import EventFactory, ProgramFactory
from alma.lifecycle.models import GraduateDestination
from alma.lifecycle.selectors import intake_year
from alma.lifecycle.services import destination_token
from alma.people.models import ChapterMembership, Education, Person, Stage
from alma.testing import factories as f


def events_world(users: dict[str, Any]) -> dict[str, Any]:
    alice, carol, dave, erin, gina = (users[n] for n in ("alice", "carol", "dave", "erin", "gina"))
    now = timezone.now()
    year = timezone.localdate().year
    chapter = erin.person.chapter_memberships.get().chapter
    other_chapter = f.ChapterFactory(name="Beijing Chapter", city="Beijing")
    program = ProgramFactory(name="Alumni forum", stage="in_school", aspect="study")
    # Open to everyone signed in, run by the alumni office.
    public = EventFactory(program=program, title="Open forum", created_by=alice.person, capacity=50)
    # Alumni only, run by erin's chapter.
    chapter_event = EventFactory(
        program=program,
        title="Chapter dinner",
        host_chapter=chapter,
        open_to_prospective=False,
        open_to_students=False,
        open_to_others=False,
    )
    chapter_party = EventFactory(
        program=program, title="Chapter party", host_chapter=chapter, open_to_students=False
    )
    started = now - dt.timedelta(minutes=30)
    today = EventFactory(
        program=program,
        title="Career talk today",
        created_by=alice.person,
        starts_at=started,
        ends_at=started + dt.timedelta(hours=3),
    )
    ceremony = EventFactory(
        program=program, title="Graduation ceremony", kind="ceremony", created_by=alice.person
    )
    carol_today = Registration.objects.create(event=today, person=carol.person, status="confirmed")
    # Separate places for each way of checking in or cancelling, so no request spoils another's.
    at_the_door = [
        Registration.objects.create(event=today, person=f.StudentFactory(), status="confirmed")
        for _ in range(3)
    ]
    # An event for the API to register and cancel on.
    webinar = EventFactory(
        program=program, title="Webinar", is_online=True, online_url="https://meet.example/w"
    )
    subscriber = f.PersonFactory(full_name="Feed Subscriber")
    Registration.objects.create(event=public, person=subscriber, status="confirmed")
    gina_role = EventRole.objects.create(event=today, person=gina.person, role="volunteer")
    dave_today = EventRole.objects.create(event=today, person=dave.person, role="speaker")
    dave_public = EventRole.objects.create(event=public, person=dave.person, role="speaker")
    question = RegistrationQuestion.objects.create(
        event=public, prompt="Any question for the panel?"
    )
    # A new student from erin's chapter's city, a graduate to be, a new alumnus in the chapter.
    freshman = f.PersonFactory(
        full_name="Fresh Man",
        stage=Stage.PROSPECTIVE,
        hometown_city=chapter.city,
        email="fresh@example.edu",
    )
    f.EducationFactory(person=freshman, entry_year=intake_year(), student_number=None)
    graduand = f.PersonFactory(full_name="Grace Graduand", stage=Stage.STUDENT)
    f.EducationFactory(
        person=graduand,
        student_number="WORLD-1",
        entry_year=year - 4,
        expected_graduation_year=year,
    )
    newcomer = f.AlumnusFactory(full_name="New Comer", current_city=chapter.city)
    ChapterMembership.objects.create(chapter=chapter, person=newcomer)
    GraduateDestination.objects.create(
        person=newcomer, graduation_year=year, chapter=chapter, city=chapter.city, answered_at=now
    )
    destination = GraduateDestination.objects.create(person=dave.person, graduation_year=year)
    return {
        "program": program.pk,
        "public_event": public.pk,
        "chapter_event": chapter_event.pk,
        "chapter_party": chapter_party.pk,
        "today_event": today.pk,
        "ceremony": ceremony.pk,
        "carol_registration": carol_today.pk,
        "carol_checkin": checkin_token(carol_today),
        "button_registration": at_the_door[0].pk,
        "cancel_registration": at_the_door[1].pk,
        "api_checkin": checkin_token(at_the_door[2]),
        "webinar": webinar.pk,
        "feed_token": calendar_feed_for(person=subscriber).token,
        "question": question.pk,
        "gina_role": gina_role.pk,
        "dave_role_today": dave_today.pk,
        "dave_role_public": dave_public.pk,
        "erin_chapter": chapter.pk,
        "other_chapter": other_chapter.pk,
        "destination_token": destination_token(destination),
        "year": year,
        "intake_year": intake_year(),
        "soon": (now + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "soon_end": (now + dt.timedelta(days=20, hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "freshman_email": freshman.email,
        "dave_person": dave.person_id,
    }


def event_count(world: dict[str, Any]) -> int:
    return Event.objects.count()


def registration_state(world: dict[str, Any]) -> list[tuple[int, str, bool]]:
    return list(Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at"))


def stages(world: dict[str, Any]) -> list[tuple[int, str]]:
    return list(Person.objects.order_by("pk").values_list("pk", "stage"))


def student_numbers(world: dict[str, Any]) -> list[str | None]:
    return list(Education.objects.order_by("pk").values_list("student_number", flat=True))


def event_states(world: dict[str, Any]) -> list[tuple[int, str]]:
    return list(Event.objects.order_by("pk").values_list("pk", "status"))


def question_count(world: dict[str, Any]) -> int:
    return RegistrationQuestion.objects.count()


def role_state(world: dict[str, Any]) -> list[tuple[int, Any]]:
    return list(EventRole.objects.order_by("pk").values_list("pk", "served_at"))


def message_count(world: dict[str, Any]) -> int:
    from alma.events.models import EventMessage

    return EventMessage.objects.count()


def program_count(world: dict[str, Any]) -> int:
    from alma.events.models import Program

    return Program.objects.count()


def membership_count(world: dict[str, Any]) -> int:
    return ChapterMembership.objects.count()


def destination_state(world: dict[str, Any]) -> list[tuple[int, Any]]:
    return list(GraduateDestination.objects.order_by("pk").values_list("pk", "answered_at"))
