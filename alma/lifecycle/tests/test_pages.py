"""The chapter page's send-off form: what the officer typed survives a refusal, and an
existing seminar is announced before anything is typed."""

import datetime as dt

import pytest
from django.utils import timezone

from alma.events.models import Event
from alma.lifecycle.services import chapter_send_off_create
from alma.lifecycle.tests.test_services import THIS_YEAR, admitted
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(erin):
    chapter = erin.person.chapter_memberships.get().chapter
    chapter.city = "Wuhan"
    chapter.save()
    admitted("kid@example.edu")
    return chapter


def send_off(client, chapter, **changes):
    data = {
        "sendoff-entry_year": str(THIS_YEAR),
        "sendoff-starts_at": (timezone.localtime() + dt.timedelta(days=20)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "sendoff-venue": "Riverside Hotel",
        **changes,
    }
    return client.post(f"/events/chapters/{chapter.pk}/send-off/", data)


def test_a_refused_send_off_keeps_the_typed_date_and_venue(erin, chapter):
    past = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = send_off(client_for(erin), chapter, **{"sendoff-starts_at": past})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a time in the future." in body
    assert 'value="Riverside Hotel"' in body and f'value="{past}"' in body
    assert not Event.objects.exists()


def test_an_existing_send_off_is_announced_before_a_date_is_typed(erin, chapter):
    start = timezone.now() + dt.timedelta(days=30)
    chapter_send_off_create(
        chapter=chapter, by=erin, entry_year=THIS_YEAR, starts_at=start, venue="Wuhan Hotel"
    )
    page = client_for(erin).get(f"/events/chapters/{chapter.pk}/?entry_year={THIS_YEAR}")
    body = page.content.decode()
    assert "exists already" in body and "Wuhan Hotel" in body
    assert 'name="sendoff-venue"' not in body and 'name="sendoff-starts_at"' not in body
    # Sending again needs no date or venue: it invites newcomers to the same seminar.
    admitted("late@example.edu")
    again = send_off(client_for(erin), chapter, **{"sendoff-starts_at": "", "sendoff-venue": ""})
    assert again.status_code == 302
    assert Event.objects.count() == 1
    assert Event.objects.get().venue == "Wuhan Hotel"


def test_a_new_send_off_still_needs_a_date_and_venue(erin, chapter):
    response = send_off(client_for(erin), chapter, **{"sendoff-venue": ""})
    assert response.status_code == 400
    assert "Say where the seminar takes place." in response.content.decode()
    assert not Event.objects.exists()
