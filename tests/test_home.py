"""Each role's home: the cards the modules register, each saying what the person is asked to
do, what is coming and what they did, and linking to where it is done."""

import re
from typing import Any

import pytest
from django.test import Client

from alma.accounts.home import HomeCard, home_card_register, home_cards_for, home_viewer
from alma.activity.services import activity_rate, staff_service_log
from alma.imports.models import DuplicateCandidate
from alma.mentoring.models import Mentorship
from alma.mentoring.tests import world as mw
from alma.testing import factories as f
from alma.testing.personas import client_for


def cards_of(client: Client) -> dict[str, str]:
    """The home page's cards by id, each as its text without tags."""
    html = client.get("/").content.decode()
    found = re.findall(r'<section class="card" id="card-([\w-]+)">(.*?)</section>', html, re.S)
    return {key: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for key, body in found}


def links_of(client: Client, card: str) -> list[str]:
    html = client.get("/").content.decode()
    body = re.search(rf'id="card-{card}">(.*?)</section>', html, re.S)
    assert body is not None, card
    return re.findall(r'href="([^"]+)"', body.group(1))


@pytest.fixture
def users(persona_users) -> dict[str, Any]:
    return {k: v for k, v in persona_users.items() if v is not None}


def test_a_student_is_asked_to_rate_what_staff_did_and_the_ask_goes_once_rated(users):
    carol, bob = users["carol"], users["bob"]
    activity = staff_service_log(staff=bob, student=carol.person, aspect="study", note="Advice")
    client = client_for(carol)
    cards = cards_of(client)
    assert "1 service to rate" in cards["to-rate"]
    assert "Bob Teacher" in cards["to-rate"]
    assert "/services/received/" in links_of(client, "to-rate")
    activity_rate(activity=activity, by=carol, rating=5)
    assert "to-rate" not in cards_of(client)


def test_mentoring_pairs_show_their_next_step_on_both_sides(users):
    mw.mentoring_world(users)
    carol, dave = users["carol"], users["dave"]
    pair = Mentorship.objects.get(mentee__person=carol.person, status="active")
    carol_card = cards_of(client_for(carol))["mentoring"]
    assert "Your mentor Dave Alumnus" in carol_card
    assert "Log your next meeting" in carol_card
    assert f"/mentoring/pairs/{pair.pk}/" in links_of(client_for(carol), "mentoring")
    assert "Mentoring Carol Student" in cards_of(client_for(dave))["mentoring"]


def test_a_request_waits_on_the_mentor_who_is_asked_to_answer(users):
    mw.mentoring_world(users)
    # A student asked bob to mentor her: bob answers it.
    bob_card = cards_of(client_for(users["bob"]))["mentoring"]
    assert "Accept or decline" in bob_card


def test_an_open_cycle_invites_students_to_apply_and_alumni_to_mentor(users):
    from alma.mentoring.tests.world import make_cycle

    cycle = make_cycle(users["alice"], "Spring mentors")
    student_card = cards_of(client_for(users["carol"]))["mentoring"]
    assert "Ask for a mentor" in student_card
    assert f"/mentoring/cycles/{cycle.pk}/apply/" in links_of(
        client_for(users["carol"]), "mentoring"
    )
    assert "Offer to mentor" in cards_of(client_for(users["dave"]))["mentoring"]
    # A prospective student is not a student yet, nor a partner an alumnus: no card.
    assert "mentoring" not in cards_of(client_for(users["frank"]))


def test_the_office_sees_its_queues_with_counts_and_links(users):
    alice = users["alice"]
    client = client_for(alice)
    assert "Nothing is waiting" in cards_of(client)["office-queues"]
    a, b, c = f.PersonFactory(), f.PersonFactory(), f.PersonFactory()
    for x, y in ((a, b), (a, c)):  # one group of three records
        DuplicateCandidate.objects.create(person_a=x, person_b=y, probability=0.9, group=a.pk)
    card = cards_of(client)["office-queues"]
    assert "Possible duplicates to review 1" in card
    assert "/imports/duplicates/" in links_of(client, "office-queues")
    # Nobody else gets the office's queues.
    for name in ("bob", "carol", "dave", "erin", "frank"):
        assert "office-queues" not in cards_of(client_for(users[name])), name


def test_registered_events_come_with_the_way_to_the_check_in_code(users):
    from alma.events.tests.world import events_world

    events_world(users)
    carol_card = cards_of(client_for(users["carol"])).get("events", "")
    assert "check-in code" in carol_card


def test_unread_notifications_lead_to_the_inbox(users):
    from alma.comms.services import notification_send

    carol = users["carol"]
    notification_send(recipient=carol.person, kind="mentoring.proposal", subject="A match for you")
    card = cards_of(client_for(carol))["inbox"]
    assert "1 unread notification" in card and "A match for you" in card


def test_a_profile_missing_what_people_search_says_so(users):
    dave = users["dave"]
    dave.person.headline = ""
    dave.person.save()
    assert "headline" in cards_of(client_for(dave))["profile"]


def test_a_module_adds_a_card_without_home_knowing_it(users):
    home_card_register(
        HomeCard("test.card", 99, "home/profile.html", lambda viewer: {"missing": ["x-marker"]})
    )
    try:
        keys = [card.key for card, _ in home_cards_for(home_viewer(users["dave"]))]
        assert keys[-1] == "test.card"
    finally:
        from alma.accounts import home

        home._CARDS.pop("test.card")


def test_a_login_without_a_person_gets_a_home_without_cards(users):
    response = client_for(users["hank"]).get("/")
    assert response.status_code == 200
    assert "not linked to a person record" in response.content.decode()
    assert cards_of(client_for(users["hank"])) == {}


def test_forum_and_careers_cards_ask_what_each_side_should_do(users):
    from alma.careers.tests.world import careers_world
    from alma.forum.tests.world import forum_world

    forum_world(users)
    careers_world(users)
    # dave answered carol's public question: carol is asked to accept the answer that helped.
    carol_cards = cards_of(client_for(users["carol"]))
    assert "Accept the answer that helped" in carol_cards["forum"]
    # carol applied to frank's internship: her card shows the step; frank's the new applicant.
    assert "Applied" in carol_cards["careers"]
    assert "/careers/recommended/" in links_of(client_for(users["carol"]), "careers")
    assert "new applicant" in cards_of(client_for(users["frank"]))["careers"]
    office = cards_of(client_for(users["alice"]))["office-queues"]
    assert "Job postings to review" in office
    assert "Forum reports to moderate" in office
