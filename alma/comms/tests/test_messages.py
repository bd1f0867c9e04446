"""Alumni messages to a cohort: invite, write by the signed link, review, show, print, mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alma.activity.models import Activity
from alma.comms.models import Notification
from alma.events import services
from alma.events.models import EventMessage
from alma.events.selectors import cohort_messages
from alma.lib.errors import ApplicationError
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_an_invited_alumnus_writes_it_is_reviewed_shown_and_printed(
    alice, carol, client, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    author = f.AlumnusFactory(full_name="Zhou Min", email="zhou@example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.event_message_invite(
            by=alice, author=author, cohort="graduates", year=year
        )
    assert Notification.objects.get(recipient=author).kind == "comms.message_invitation"
    link = re.search(r"(/comms/messages/write/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    client.post(link, {"text": "Stay curious, graduates!"})
    message.refresh_from_db()
    assert message.status == "submitted"
    ledger = Activity.objects.get(kind="comms.cohort_message", actor=author)
    assert ledger.engagement_mode == "volunteer"
    client.post(link, {"text": "Stay curious, graduates of the year!"})  # rewrite: one activity
    assert Activity.objects.filter(kind="comms.cohort_message").count() == 1
    assert not cohort_messages(cohort="graduates", year=year).exists()  # not before review
    client_for(alice).post(
        reverse("comms:message-review", args=[message.pk]), {"decision": "approve"}
    )
    assert list(cohort_messages(cohort="graduates", year=year)) == [message]
    page = client_for(carol).get(reverse("comms:cohort", args=["graduates", year]))
    assert "Stay curious, graduates of the year!" in page.content.decode()
    sheet = client_for(alice).get(reverse("comms:cohort-print", args=["graduates", year]))
    assert "Zhou Min" in sheet.content.decode()
    with pytest.raises(ApplicationError):
        services.event_message_submit(message=message, text="Changed after approval")


def test_approved_messages_travel_with_the_graduation_mail(alice):
    from alma.lifecycle.models import GraduateDestination
    from alma.lifecycle.services import graduate_destinations_send

    year = timezone.localdate().year
    EventMessage.objects.create(
        cohort="graduates", cohort_year=year, author_name="Zhou Min", text="Come back often!",
        status="approved",
    )  # fmt: skip
    EventMessage.objects.create(
        cohort="graduates", cohort_year=year, author_name="Not yet", text="Unreviewed",
        status="submitted",
    )  # fmt: skip
    graduate = f.AlumnusFactory(email="grad@example.edu")
    destination = GraduateDestination.objects.create(person=graduate, graduation_year=year)
    assert graduate_destinations_send(destination_ids=[destination.pk]) == 1
    body = mail.outbox[0].body
    assert "Come back often!" in body and "Zhou Min" in body and "Unreviewed" not in body


def test_only_alumni_are_invited_and_only_once_per_cohort(alice):
    year = timezone.localdate().year
    with pytest.raises(ApplicationError):
        services.event_message_invite(
            by=alice, author=f.StudentFactory(), cohort="freshmen", year=year
        )
    author = f.AlumnusFactory()
    services.event_message_invite(by=alice, author=author, cohort="freshmen", year=year)
    with pytest.raises(ApplicationError):
        services.event_message_invite(by=alice, author=author, cohort="freshmen", year=year)
    with pytest.raises(ApplicationError):
        services.event_message_invite(by=alice, author=author, cohort="freshmen", year=year - 5)
    assert EventMessage.objects.count() == 1
