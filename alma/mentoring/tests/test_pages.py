import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alma.activity.models import Activity
from alma.mentoring import services
from alma.mentoring.models import Cycle, Mentorship
from alma.mentoring.tests.world import add_mentee, add_mentor, make_cycle
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_office_creates_a_program_runs_edits_and_publishes(alice):
    client = client_for(alice)
    response = client.post(
        "/mentoring/programs/new/",
        {"name": "Career mentors", "kind": "one_to_one", "cycle_name": "Spring"},
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mentoring/cycles/{cycle.pk}/"
    mentors = [add_mentor(cycle) for _ in range(2)]
    add_mentee(cycle)
    response = client.post(f"/mentoring/cycles/{cycle.pk}/matching/", {"solver": "stable"})
    assert response.status_code == 302
    page = client.get(f"/mentoring/cycles/{cycle.pk}/matching/")
    assert b"Shared interests: careers" in page.content
    pair = Mentorship.objects.get()
    other = next(m for m in mentors if m != pair.mentor)
    assert f'value="{other.pk}"'.encode() in client.get(f"/mentoring/pairs/{pair.pk}/").content
    client.post(f"/mentoring/pairs/{pair.pk}/edit/", {"mentor": other.pk})
    assert Mentorship.objects.get().mentor == other
    # A bad choice gets a message, not a 500.
    response = client.post(
        f"/mentoring/pairs/{pair.pk}/edit/", {"mentor": "x"}, HTTP_REFERER="/mentoring/"
    )
    assert response.status_code == 302
    client.post(f"/mentoring/cycles/{cycle.pk}/publish/")
    assert Mentorship.objects.get().status == "offered"
    assert client.get(f"/mentoring/cycles/{cycle.pk}/dashboard/").status_code == 200


def test_the_reasons_are_translated(alice):
    cycle = make_cycle(alice)
    add_mentor(cycle)
    add_mentee(cycle)
    services.matching_run(cycle=cycle, by=alice)
    client = client_for(alice)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(f"/mentoring/cycles/{cycle.pk}/matching/")
    assert page.status_code == 200


def test_student_requests_and_mentor_accepts_then_they_meet(alice, carol, dave):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    student = client_for(carol)
    assert b"Dave Alumnus" in student.get(f"/mentoring/cycles/{cycle.pk}/mentors/").content
    response = student.post(
        f"/mentoring/cycles/{cycle.pk}/mentors/{mentor.pk}/request/", {"message": "Hi"}
    )
    pair = Mentorship.objects.get()
    assert response["Location"] == f"/mentoring/pairs/{pair.pk}/"
    mentor_client = client_for(dave)
    mentor_client.post(f"/mentoring/pairs/{pair.pk}/respond/", {"answer": "accept"})
    assert Mentorship.objects.get().status == "active"
    mentor_client.post(
        f"/mentoring/pairs/{pair.pk}/meetings/",
        {"occurred_at": "2026-01-05T10:00", "topic": "work", "note": "CV"},
    )
    meeting = pair.meetings.get()
    student.post(f"/mentoring/pairs/{pair.pk}/meetings/{meeting.pk}/rate/", {"rating": "5"})
    assert Activity.objects.get(kind="mentoring.meeting").rating == 5
    # Now full: the mentor is no longer listed.
    assert b"Dave Alumnus" not in student.get(f"/mentoring/cycles/{cycle.pk}/mentors/").content


def _queries(client, path):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_list_pages_have_a_bounded_number_of_queries(alice, carol):
    cycle = make_cycle(alice)
    for _ in range(3):
        add_mentor(cycle, capacity=2)
    for _ in range(3):
        add_mentee(cycle)
    services.matching_run(cycle=cycle, by=alice)
    office, student = client_for(alice), client_for(carol)
    paths = [
        (office, "/mentoring/"),
        (office, f"/mentoring/cycles/{cycle.pk}/matching/"),
        (office, f"/mentoring/cycles/{cycle.pk}/dashboard/"),
        (student, f"/mentoring/cycles/{cycle.pk}/mentors/"),
    ]
    before = [_queries(client, path) for client, path in paths]
    services.cycle_set_phase(cycle=cycle, by=alice, phase="applications")
    for _ in range(5):
        add_mentor(cycle, capacity=2)
        add_mentee(cycle)
    make_cycle(alice, "Another program")
    services.matching_run(cycle=cycle, by=alice)
    after = [_queries(client, path) for client, path in paths]
    assert after == before
    assert max(after) <= 16


def test_bad_input_on_pages_gets_a_message_not_a_500(alice, carol, dave):
    cycle = make_cycle(alice)
    office = client_for(alice)
    response = office.post(f"/mentoring/cycles/{cycle.pk}/matching/", {"solver": "magic"})
    assert response.status_code == 400 and b"Unknown solver" in response.content
    assert not cycle.runs.exists()
    response = office.post(f"/mentoring/cycles/{cycle.pk}/publish/")
    assert response.status_code == 400
    response = office.post(f"/mentoring/cycles/{cycle.pk}/phase/", {"phase": "nonsense"})
    assert response.status_code == 400
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    student = client_for(carol)
    response = student.post(f"/mentoring/cycles/{cycle.pk}/apply/", {"goals": "x" * 3000})
    assert response.status_code == 200 and b"too long" in response.content
    pair = services.mentorship_request(mentor=mentor, by=carol)
    response = student.post(f"/mentoring/pairs/{pair.pk}/goals/", {"goal": "abc"})
    assert response.status_code == 404
    response = student.post(f"/mentoring/pairs/{pair.pk}/survey/", {"satisfaction": "9"})
    assert response.status_code == 400


def test_goals_update_in_place_with_htmx(alice, carol, dave):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    client = client_for(carol)
    page = client.get(f"/mentoring/pairs/{pair.pk}/")
    assert b'id="goals"' in page.content and b"hx-post" in page.content
    response = client.post(
        f"/mentoring/pairs/{pair.pk}/goals/", {"text": "Finish the CV"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"Finish the CV" in response.content and b"<html" not in response.content
    goal = pair.goals.get()
    response = client.post(
        f"/mentoring/pairs/{pair.pk}/goals/", {"goal": goal.pk}, HTTP_HX_REQUEST="true"
    )
    assert b"<s>Finish the CV</s>" in response.content


def test_a_bad_goal_over_htmx_is_shown_in_the_card(alice, carol, dave):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    response = client_for(carol).post(
        f"/mentoring/pairs/{pair.pk}/goals/", {"text": " "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Write the goal." in response.content
    assert not pair.goals.exists()
