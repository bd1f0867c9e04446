"""Event and lifecycle pages: what each role sees and does, htmx fragments, pinned query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alma.events.models import Event, EventRole, Program, Registration
from alma.events.qr import checkin_token
from alma.events.tests.factories import EventFactory, RegistrationFactory
from alma.events.tests.world import events_world
from alma.lifecycle.models import GraduateDestination
from alma.people.models import ChapterMembership, Stage
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(persona_users):
    return events_world(persona_users)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(world, n: int) -> None:
    """More of everything the list pages show."""
    program = Program.objects.get(pk=world["program"])
    chapter_id = world["erin_chapter"]
    for i in range(n):
        event = EventFactory(
            program=program, host_chapter_id=chapter_id if i % 2 else None, capacity=5
        )
        for _ in range(3):
            RegistrationFactory(event=event)
        f.ChapterFactory()
        freshman = f.PersonFactory(stage=Stage.PROSPECTIVE, hometown_city="Shanghai")
        f.EducationFactory(person=freshman, entry_year=world["intake_year"], student_number=None)
        RegistrationFactory(event_id=world["public_event"])
        GraduateDestination.objects.create(
            person=f.AlumnusFactory(), graduation_year=world["year"], city="Shanghai"
        )


# Each list page costs the same number of queries with few rows as with more: pinned here.
LIST_PAGES = {
    "/events/": ("carol", 13),
    "/events/?when=past&kind=talk&stage=in_school&aspect=study": ("carol", 11),
    "/events/programs/": ("carol", 7),
    "/events/programs/{program}/": ("dave", 13),
    "/events/mine/": ("carol", 12),
    "/events/{public_event}/manage/": ("alice", 16),
    "/events/{public_event}/manage/?q=Student": ("alice", 15),
    "/events/chapters/": ("alice", 9),
    # Chapter and gaps pages read education and employment once per page (people.privacy).
    "/events/chapters/{erin_chapter}/": ("erin", 18),
    "/events/lifecycle/admissions/": ("alice", 8),
    "/events/lifecycle/destinations/?year={year}": ("alice", 9),
    "/events/lifecycle/gaps/": ("alice", 15),
    "/events/lifecycle/gaps/?section=alumni_without_chapter": ("alice", 15),
}


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_have_a_pinned_number_of_queries(url, world, persona_users):
    persona, pinned = LIST_PAGES[url]
    client = client_for(persona_users[persona])
    path = url.format(**world)
    client.get(path)  # first visits may set something up (a calendar address)
    grow(world, 1)
    small = count_queries(client, path)
    grow(world, 3)
    large = count_queries(client, path)
    assert (small, large) == (pinned, pinned)


def test_events_list_shows_what_the_audience_rules_allow(world, persona_users):
    seen = {
        name: client_for(persona_users[name]).get("/events/").content.decode()
        for name in ("alice", "carol", "dave", "erin", "hank")
    }
    assert all("Open forum" in page for page in seen.values())
    assert "Chapter dinner" in seen["dave"] and "Chapter dinner" in seen["erin"]
    assert "Chapter dinner" not in seen["carol"] and "Chapter dinner" not in seen["hank"]


def test_a_student_registers_on_the_page_and_sees_the_qr(world, carol):
    client = client_for(carol)
    response = client.post(
        f"/events/{world['public_event']}/register/", {f"q_{world['question']}": "Salary?"}
    )
    assert response.status_code == 302
    page = client.get(f"/events/{world['public_event']}/").content.decode()
    assert "You are registered" in page and "<svg" in page
    registration = Registration.objects.get(event_id=world["public_event"], person=carol.person)
    assert registration.answers == {str(world["question"]): "Salary?"}


def test_a_refused_registration_says_why_and_changes_nothing(world, carol):
    before = Registration.objects.count()
    Event.objects.filter(pk=world["public_event"]).update(guests_allowed=1)
    response = client_for(carol).post(f"/events/{world['public_event']}/register/", {"guests": "5"})
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 1" in response.content.decode()
    Event.objects.filter(pk=world["public_event"]).update(
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client_for(carol).post(f"/events/{world['public_event']}/register/", {"guests": "0"})
    assert response.status_code == 400
    assert "Registration for this event has closed." in response.content.decode()
    assert Registration.objects.count() == before


def test_hidden_events_look_missing(world, carol):
    assert client_for(carol).get(f"/events/{world['chapter_event']}/").status_code == 404
    assert client_for(carol).post(f"/events/{world['chapter_event']}/register/").status_code == 404


def test_staff_check_in_from_the_qr_link_on_a_phone(world, alice, carol):
    url = f"/events/check-in/{world['carol_checkin']}/"
    page = client_for(alice).get(url)
    assert page.status_code == 200 and "Carol Student" in page.content.decode()
    first = client_for(alice).post(url)
    assert "Checked in. Welcome!" in first.content.decode()
    second = client_for(alice).post(url)
    assert "Already checked in at" in second.content.decode()
    assert client_for(alice).get("/events/check-in/forged:token/").status_code == 404


def test_an_attendee_opening_their_own_code_is_shown_their_event_not_refused(world, carol, dave):
    url = f"/events/check-in/{world['carol_checkin']}/"
    own = client_for(carol).get(url, follow=True)
    assert own.status_code == 200
    event = Registration.objects.get(pk=world["carol_registration"]).event
    assert own.redirect_chain[-1][0] == f"/events/{event.pk}/"
    assert "This is your check-in code" in own.content.decode()
    assert client_for(carol).post(url).status_code == 302  # and it checks nobody in
    assert Registration.objects.get(pk=world["carol_registration"]).checked_in_at is None
    assert client_for(dave).get(url).status_code == 403  # someone else's code


def test_a_future_event_says_when_check_in_opens_instead_of_offering_it(world, alice):
    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=10))
    registration = RegistrationFactory(event=event)
    page = client_for(alice).get(f"/events/check-in/{checkin_token(registration)}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Check-in opens on" in body and ">Check in</button>" not in body
    manage = client_for(alice).get(f"/events/{event.pk}/manage/").content.decode()
    assert ">Check in</button>" not in manage and "Opens" in manage
    today = client_for(alice).get(f"/events/check-in/{world['carol_checkin']}/").content.decode()
    assert ">Check in</button>" in today


def test_a_volunteer_checks_people_in_with_htmx_and_search(world, gina):
    client = client_for(gina)
    rows = client.get(f"/events/{world['today_event']}/manage/?q=carol", HTTP_HX_REQUEST="true")
    assert rows.status_code == 200
    body = rows.content.decode()
    assert body.strip().startswith('<div id="registrations">') and "Carol Student" in body
    row = client.post(
        f"/events/{world['today_event']}/registrations/{world['carol_registration']}/check-in/",
        HTTP_HX_REQUEST="true",
    )
    assert (
        row.content.decode()
        .strip()
        .startswith(f'<tr id="registration-{world["carol_registration"]}">')
    )
    assert "In at" in row.content.decode()
    assert Registration.objects.get(pk=world["carol_registration"]).checked_in_by == gina


def test_walk_in_and_roles_from_the_manage_page(world, alice, dave):
    client = client_for(alice)
    client.post(
        f"/events/{world['today_event']}/walk-in/",
        {"full_name": "Zhang Wei", "email": "zw@example.com"},
    )
    walk_in = Registration.objects.get(
        event_id=world["today_event"], person__email="zw@example.com"
    )
    assert walk_in.is_walk_in and walk_in.checked_in_at
    client.post(
        f"/events/{world['public_event']}/roles/", {"person": dave.person_id, "role": "host"}
    )
    assert EventRole.objects.filter(
        event_id=world["public_event"], person=dave.person, role="host"
    ).exists()
    lookup = client.get(f"/events/{world['public_event']}/people/?q=Dave")
    assert "Dave Alumnus" in lookup.content.decode()


def test_an_officer_creates_an_event_for_her_chapter_only(world, erin):
    client = client_for(erin)
    data = {
        "program": world["program"],
        "title": "Shanghai spring gathering",
        "kind": "fellowship",
        "starts_at": world["soon"],
        "ends_at": world["soon_end"],
        "venue": "Bund 18",
        "host_chapter": world["erin_chapter"],
        "guests_allowed": 0,
        "open_to_alumni": "on",
    }
    response = client.post("/events/new/", data)
    event = Event.objects.get(title="Shanghai spring gathering")
    assert response["Location"] == f"/events/{event.pk}/manage/"
    assert event.created_by == erin.person and event.aspect == "study"
    response = client.post(
        "/events/new/", {**data, "title": "Elsewhere", "host_chapter": world["other_chapter"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post("/events/new/", {**data, "title": "Whole school", "host_chapter": ""})
    assert (
        "Only the alumni office hosts events for the whole university" in response.content.decode()
    )
    assert not Event.objects.filter(title__in=["Elsewhere", "Whole school"]).exists()


def test_the_chapter_page_shows_new_students_and_parents_by_consent(world, erin):
    from alma.people.models import ConsentPurpose, Person
    from alma.people.services import consent_record, person_relation_add

    freshman = Person.objects.get(email=world["freshman_email"])
    mum = f.PersonFactory(full_name="Mum Shared", phone="+86 139 1111 2222")
    dad = f.PersonFactory(full_name="Dad Private", phone="+86 139 3333 4444")
    person_relation_add(person=freshman, relative=mum, kind="parent", by=None)
    person_relation_add(person=freshman, relative=dad, kind="parent", by=None)
    consent_record(person=mum, by=None, decisions={ConsentPurpose.CHAPTER_SHARING: True})
    page = client_for(erin).get(f"/events/chapters/{world['erin_chapter']}/").content.decode()
    assert "Fresh Man" in page and "Mum Shared" in page and "Dad Private" in page
    assert "+86 139 1111 2222" in page
    assert "+86 139 3333 4444" not in page
    assert "New Comer" in page


def test_graduation_page_previews_then_graduates(world, alice):
    client = client_for(alice)
    data = {"graduation_year": world["year"], "student_numbers": "WORLD-1\nNOPE-9"}
    preview = client.post("/events/lifecycle/graduation/", data).content.decode()
    assert "Grace Graduand" in preview and "NOPE-9" in preview
    assert 'name="confirm"' not in preview  # unknown numbers must be fixed first
    data["student_numbers"] = "WORLD-1"
    preview = client.post("/events/lifecycle/graduation/", data).content.decode()
    assert 'name="confirm"' in preview
    done = client.post("/events/lifecycle/graduation/", {**data, "confirm": "1"}).content.decode()
    assert "1 students graduated" in done
    from alma.people.models import Person

    assert Person.objects.get(full_name="Grace Graduand").stage == Stage.ALUMNUS


def test_the_destination_form_needs_no_sign_in(world, client, dave):
    url = f"/events/destination/{world['destination_token']}/"
    assert "Congratulations" in client.get(url).content.decode()
    response = client.post(url, {"city": "Shanghai", "employer": "Alumni Robotics"})
    assert "You are now a member of" in response.content.decode()
    assert ChapterMembership.objects.filter(
        person=dave.person, chapter_id=world["erin_chapter"]
    ).exists()
    assert client.get("/events/destination/bad-token/").status_code == 404


def test_check_in_code_for_a_registration_of_another_event_is_rejected(world, alice):
    other = RegistrationFactory()
    token = checkin_token(other)
    assert (
        client_for(alice).get(f"/events/check-in/{token}/").status_code == 200
    )  # office: any event


def test_the_office_follows_destinations_and_may_answer_for_a_graduate(world, alice):
    client = client_for(alice)
    page = client.get(f"/events/lifecycle/destinations/?year={world['year']}&status=pending")
    body = page.content.decode()
    assert "Dave Alumnus" in body and "New Comer" not in body  # New Comer answered already
    link = re.search(r'href="(/events/destination/[^"]+/)"', body).group(1)
    client.post(link, {"city": "Shanghai", "employer": "Alumni Robotics"})
    chapter_page = client.get(f"/events/chapters/{world['erin_chapter']}/").content.decode()
    assert "Dave Alumnus" in chapter_page and "Alumni Robotics" in chapter_page
