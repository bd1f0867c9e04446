"""Notifications: the inbox, mail by preference, the digest, consent, bounces, unsubscribing."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alma.comms import services
from alma.comms.models import Notification, NotificationPreference
from alma.comms.services import Notice, notification_send, notifications_send
from alma.people.services import consent_record
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def _send(person, kind="mentoring.proposal", subject="A match is proposed"):
    return notification_send(
        recipient=person, kind=kind, subject=subject, body="Meet your mentor.", link="/mentoring/"
    )


def test_a_notice_lands_in_the_inbox_and_is_mailed_at_once_by_default():
    person = f.StudentFactory(email="s@example.edu")
    row = _send(person)
    assert row.in_inbox and row.read_at is None
    assert row.email_state == Notification.EmailState.SENT
    assert [m.to for m in mail.outbox] == [["s@example.edu"]]
    message = mail.outbox[0]
    assert message.subject == "A match is proposed"
    assert "http://127.0.0.1:8000/mentoring/" in message.body
    # Bulk mail carries RFC 8058 one-click unsubscribe headers.
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/comms/")


def test_a_digest_preference_gathers_notices_into_one_daily_mail():
    person = f.StudentFactory(email="s@example.edu")
    services.notification_preference_set(person=person, kind="mentoring.proposal", email="digest")
    services.notification_preference_set(person=person, kind="mentoring.reminder", email="digest")
    _send(person, subject="First")
    _send(person, kind="mentoring.reminder", subject="Second")
    assert mail.outbox == []
    assert services.notification_digests_send() == 1
    assert len(mail.outbox) == 1
    assert "First" in mail.outbox[0].body and "Second" in mail.outbox[0].body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {"digested"}
    assert services.notification_digests_send() == 0  # nothing is mailed twice
    assert len(mail.outbox) == 1


def test_email_off_still_shows_in_the_inbox_and_inbox_off_still_mails():
    person = f.StudentFactory()
    services.notification_preference_set(person=person, kind="mentoring.proposal", email="off")
    services.notification_preference_set(person=person, kind="mentoring.reminder", in_app=False)
    quiet = _send(person)
    hidden = _send(person, kind="mentoring.reminder")
    assert quiet.in_inbox and quiet.email_state == "none"
    assert not hidden.in_inbox and hidden.email_state == "sent"
    assert len(mail.outbox) == 1


def test_transactional_mail_goes_whatever_the_preferences_and_cannot_be_turned_off():
    person = f.StudentFactory()
    with pytest.raises(Exception, match="always sent"):
        services.notification_preference_set(
            person=person, kind="events.registration_code", email="off"
        )
    NotificationPreference.objects.create(
        person=person, kind="events.registration_code", email="off"
    )
    row = _send(person, kind="events.registration_code")
    assert row.email_state == "sent"
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_a_withdrawn_consent_stops_that_purposes_mail_for_good():
    person = f.AlumnusFactory()
    consent_record(person=person, by=None, decisions={"events": False})
    row = _send(person, kind="events.invitation")
    assert row.email_state == "none" and mail.outbox == []
    consent_record(person=person, by=None, decisions={"events": True})
    assert _send(person, kind="events.invitation").email_state == "sent"


def test_a_bounced_address_is_not_mailed_again_until_it_changes():
    person = f.AlumnusFactory(email="gone@example.edu")
    assert services.bounce_record(email="GONE@example.edu", reason="mailbox unknown") == 1
    assert _send(person).email_state == "none"
    person.email = "new@example.edu"
    person.save()
    assert _send(person).email_state == "sent"


def test_many_notices_read_preferences_once_and_send_through_one_connection(
    django_assert_max_num_queries,
):
    people = [f.StudentFactory() for _ in range(30)]
    with django_assert_max_num_queries(8):
        rows = notifications_send(
            [Notice(recipient=p, kind="mentoring.proposal", subject="Hello") for p in people]
        )
    assert len(rows) == 30 and len(mail.outbox) == 30


def test_one_click_unsubscribe_turns_the_kind_off_and_a_get_changes_nothing(client):
    person = f.StudentFactory()
    _send(person)
    url = (
        mail.outbox[0]
        .extra_headers["List-Unsubscribe"]
        .strip("<>")
        .replace("http://127.0.0.1:8000", "")
    )
    assert client.get(url).status_code == 200
    assert not NotificationPreference.objects.exists()
    # What a mail client does (RFC 8058): a POST without cookies or CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(person=person).email == "off"
    assert _send(person).email_state == "none"
    assert client.post(url[:-3] + "xx/").status_code == 404


def test_the_inbox_lists_marks_read_and_counts_unread(carol):
    for n in range(3):
        _send(carol.person, subject=f"Notice {n}")
    client = client_for(carol)
    badge = client.get(reverse("inbox:unread"))
    assert b">3<" in badge.content
    page = client.get(reverse("inbox:index"))
    assert page.status_code == 200
    assert b"Notice 2" in page.content
    first = Notification.objects.filter(recipient=carol.person).first()
    response = client.post(reverse("inbox:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/mentoring/"
    assert b">2<" in client.get(reverse("inbox:unread")).content
    client.post(reverse("inbox:read-all"))
    assert b"badge" not in client.get(reverse("inbox:unread")).content


def test_nobody_opens_another_persons_notification(carol, dave):
    row = _send(carol.person)
    response = client_for(dave).post(reverse("inbox:open", args=[row.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=row.pk).read_at is None


def test_the_inbox_page_reads_a_bounded_number_of_queries(carol):
    client = client_for(carol)
    _send(carol.person)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:index"))
    for n in range(30):
        _send(carol.person, subject=f"More {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("inbox:index"))
    assert len(many) == len(few)


def test_the_preference_centre_from_a_mail_saves_choices_without_signing_in(client):
    person = f.AlumnusFactory()
    url = services.preference_centre_url(person.pk).replace("http://127.0.0.1:8000", "")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "consent:events": "on",
            "consent:fundraising": "on",  # newsletter unticked: withdrawn
            "language": "zh-hans",
            "email:mentoring.proposal": "digest",
            "inbox:mentoring.proposal": "on",
        },
    )
    assert response.status_code == 302
    from alma.people.services import consent_current

    assert consent_current(person=person) == {"newsletter": False}
    assert person.mail_settings.language == "zh-hans"
    assert (
        NotificationPreference.objects.get(person=person, kind="mentoring.proposal").email
        == "digest"
    )
    # Kinds the form did not carry keep their defaults.
    assert NotificationPreference.objects.filter(person=person).count() == 1
    assert client.get(url.replace("/preferences/", "/preferences/x")).status_code == 404
