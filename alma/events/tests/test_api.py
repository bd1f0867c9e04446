"""The events API: catalogue, events I may see, registering and cancelling, check-in by code."""

import pytest

from alma.events.models import Registration
from alma.events.tests.factories import EventFactory
from alma.events.tests.world import events_world
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(persona_users):
    return events_world(persona_users)


def test_listing_respects_the_audience(world, carol, dave):
    titles = {e["title"] for e in client_for(carol).get("/api/events/").json()}
    assert "Open forum" in titles and "Chapter dinner" not in titles
    assert "Chapter dinner" in {e["title"] for e in client_for(dave).get("/api/events/").json()}
    assert client_for(carol).get(f"/api/events/{world['chapter_event']}").status_code == 404
    programs = client_for(carol).get("/api/events/programs").json()
    assert [p["name"] for p in programs] == ["Alumni forum"]


def test_register_and_cancel_through_the_api(world, dave):
    client = client_for(dave)
    url = f"/api/events/{world['public_event']}/registration"
    created = client.post(url, {"answers": {}}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "confirmed" and "/events/check-in/" in body["checkin_url"]
    assert (
        client.post(url, {}, content_type="application/json").status_code == 200
    )  # harmless again
    assert [r["event_id"] for r in client.get("/api/events/mine").json()] == [world["public_event"]]
    cancelled = client.delete(url)
    assert cancelled.json()["status"] == "cancelled"


def test_bad_input_is_a_422_with_the_reason(world, dave):
    EventFactory()
    url = f"/api/events/{world['public_event']}/registration"
    response = client_for(dave).post(url, {"guests": 3}, content_type="application/json")
    assert response.status_code == 422
    assert "does not take guests" in response.json()["detail"][0]["msg"]
    response = client_for(dave).post(url, {"guests": -1}, content_type="application/json")
    assert response.status_code == 422
    assert not Registration.objects.filter(
        event_id=world["public_event"], person=dave.person
    ).exists()


def test_check_in_by_code(world, alice, gina, carol):
    payload = {"token": world["carol_checkin"]}
    assert (
        client_for(carol)
        .post("/api/events/check-ins", payload, content_type="application/json")
        .status_code
        == 403
    )
    first = client_for(gina).post("/api/events/check-ins", payload, content_type="application/json")
    assert first.status_code == 200 and first.json()["newly_checked_in"] is True
    again = client_for(alice).post(
        "/api/events/check-ins", payload, content_type="application/json"
    )
    assert again.json()["newly_checked_in"] is False
    bad = client_for(alice).post(
        "/api/events/check-ins", {"token": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 404
