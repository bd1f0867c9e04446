"""Mailings: audiences, consent, rendering, claims, throttle, clicks, unsubscribes, bounces."""

import datetime as dt
import json
import re

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alma.activity.models import Activity
from alma.activity.services import activity_record
from alma.comms import mailings
from alma.comms.models import Mailing, MailingRecipient
from alma.directory.indexing import directory_index_people
from alma.imports.models import Segment
from alma.lib.errors import ApplicationError
from alma.people.services import consent_current, consent_record
from alma.testing import factories as f

pytestmark = pytest.mark.django_db

BODY = "Dear {{ name }},\n\nRead **the news** at [our site](https://alumni.example.edu/news)."


def _mailing(alice, **kwargs):
    fields = {
        "name": "Spring news",
        "purpose": "newsletter",
        "subject_en": "Spring news",
        "body_en": BODY,
        "subject_zh": "春季新闻",
        "body_zh": "{{ name }}，您好：\n\n请看[新闻](https://alumni.example.edu/news)。",
    }
    fields.update(kwargs)
    return mailings.mailing_create(by=alice, **fields)


def _send_now(mailing, alice, capture):
    with capture(execute=True):
        mailings.mailing_schedule(mailing=mailing, by=alice)
    mailing.refresh_from_db()
    return mailing


def test_a_withdrawn_consent_never_receives_that_purposes_mailing(
    alice, django_capture_on_commit_callbacks
):
    keen = f.AlumnusFactory(email="keen@example.edu")
    withdrawn = f.AlumnusFactory(email="no@example.edu")
    consent_record(person=withdrawn, by=None, decisions={"newsletter": False})
    events_only = f.AlumnusFactory(email="events@example.edu")
    consent_record(person=events_only, by=None, decisions={"events": False})
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    assert mailing.status == Mailing.Status.SENT
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted([keen.email, events_only.email])
    assert withdrawn.email not in sent_to


def test_transactional_mail_ignores_consent_but_not_a_bounced_address(
    alice, django_capture_on_commit_callbacks
):
    withdrawn = f.AlumnusFactory(email="no@example.edu")
    consent_record(person=withdrawn, by=None, decisions={"newsletter": False, "events": False})
    bounced = f.AlumnusFactory(email="gone@example.edu")
    from alma.comms.services import bounce_record

    bounce_record(email="gone@example.edu")
    _send_now(
        _mailing(alice, purpose="transactional", audience={"stages": ["alumnus"]}),
        alice,
        django_capture_on_commit_callbacks,
    )
    sent_to = {m.to[0] for m in mail.outbox}
    assert withdrawn.email in sent_to and bounced.email not in sent_to
    assert all("List-Unsubscribe" not in m.extra_headers for m in mail.outbox)


def test_the_audience_is_the_segment_narrowed_by_activity_filters(
    alice, django_capture_on_commit_callbacks
):
    in_shenzhen = [
        f.AlumnusFactory(full_name=f"Shenzhen {n}", current_city="Shenzhen") for n in range(3)
    ]
    f.AlumnusFactory(full_name="Beijing One", current_city="Beijing")
    directory_index_people(person_ids=[p.pk for p in in_shenzhen])
    segment = Segment.objects.create(name="Shenzhen alumni", query={"city": ["Shenzhen"]})
    # One of them served a student this year: engaged, so left out of "not engaged".
    f.StaffPostFactory(person=in_shenzhen[0], post="teaching")
    activity_record(
        kind="staff.service",
        actor=in_shenzhen[0],
        beneficiary=f.StudentFactory(),
        aspect="study",
        provider="alumnus",
    )
    Activity.objects.update(engagement_mode="volunteer")
    since = dt.date(timezone.localdate().year, 1, 1).isoformat()
    mailing = _mailing(
        alice,
        segment=segment,
        audience={"stages": ["alumnus"], "engagement": "not_engaged", "since": since},
    )
    assert mailings.audience_count(mailing) == 2
    _send_now(mailing, alice, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in in_shenzhen[1:])


def test_each_recipient_gets_their_language_their_name_and_tracked_links(
    alice, django_capture_on_commit_callbacks
):
    li = f.AlumnusFactory(full_name="李华", email="li@example.edu")
    ann = f.AlumnusFactory(full_name="Ann Lee <b>", email="ann@example.edu")
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    by_to = {m.to[0]: m for m in mail.outbox}
    chinese, english = by_to[li.email], by_to[ann.email]
    assert chinese.subject == "春季新闻" and "李华，您好" in chinese.body
    assert english.subject == "Spring news" and "Dear Ann Lee <b>," in english.body
    html = english.alternatives[0][0]
    assert "Ann Lee &lt;b&gt;" in html and "<strong>the news</strong>" in html
    # Links go through the signed redirect; the address itself is not in the mail.
    assert "https://alumni.example.edu/news" not in english.body
    assert "/comms/c/" in english.body
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailing.recipients.get(person=li).language == "zh-hans"


def test_markdown_is_sanitised():
    from alma.comms.rendering import markdown_to_html

    html = markdown_to_html(
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "javascript:" not in html.replace("](javascript:", "")
    assert "onerror" not in html


def _click_path(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/comms/c/[^/\s)]+/)", message.body).group(1)


def test_a_click_counts_once_in_the_ledger_as_communication_and_redirects(
    alice, client, django_capture_on_commit_callbacks
):
    dave = f.AlumnusFactory(full_name="Dave Reader")
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    path = _click_path(next(m for m in mail.outbox if m.to == [dave.email]))
    for _n in range(2):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "https://alumni.example.edu/news"
    stats = mailings.mailing_stats(mailing)
    assert stats.clicks == 2 and stats.clicked == 1
    ledger = Activity.objects.get(kind="comms.mailing_click", actor=dave)
    assert ledger.engagement_mode == "communication"
    # A link that was not signed by us goes nowhere.
    assert client.get(path[:-4] + "abc/").status_code == 404


def test_one_click_unsubscribe_withdraws_the_purpose_and_is_counted(
    alice, client, django_capture_on_commit_callbacks
):
    dave = f.AlumnusFactory()
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    message = next(m for m in mail.outbox if m.to == [dave.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert consent_current(person=dave) == {"newsletter": False}
    assert mailings.mailing_stats(mailing).unsubscribes == 1
    mail.outbox.clear()
    _send_now(
        _mailing(alice, name="Summer", audience={"stages": ["alumnus"]}),
        alice,
        django_capture_on_commit_callbacks,
    )
    assert dave.email not in {m.to[0] for m in mail.outbox}


def test_a_bounce_from_the_esp_webhook_signal_is_recorded(
    alice, django_capture_on_commit_callbacks
):
    dave = f.AlumnusFactory(email="dave@example.edu")
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    recipient = MailingRecipient.objects.get(mailing=mailing, person=dave)
    assert recipient.message_id
    event = AnymailTrackingEvent(
        event_type="bounced",
        message_id=recipient.message_id,
        recipient="dave@example.edu",
        description="550 mailbox unknown",
        timestamp=timezone.now(),
    )
    tracking.send(sender=object, event=event, esp_name="TestESP")
    recipient.refresh_from_db()
    assert recipient.bounced_at is not None and "mailbox unknown" in recipient.bounce_reason
    assert mailings.mailing_stats(mailing).bounces == 1
    # The address is not mailed again.
    assert dave.pk not in set(mailings.audience_of(mailing).values_list("pk", flat=True))


def test_a_claimed_recipient_is_never_sent_again_and_is_reported(alice):
    people = [f.AlumnusFactory() for _ in range(4)]
    mailing = _mailing(alice, audience={"stages": ["alumnus"]})
    Mailing.objects.filter(pk=mailing.pk).update(status="scheduled")
    mailings.mailing_queue(mailing_id=mailing.pk)
    mail.outbox.clear()
    # A worker claimed this one and died before confirming.
    died = MailingRecipient.objects.get(mailing=mailing, person=people[0])
    assert mailings._claim(died.pk, "dead-worker")
    mailings.mailing_send(mailing_id=mailing.pk)
    assert people[0].email not in {m.to[0] for m in mail.outbox}
    assert {p.email for p in people[1:]} <= {m.to[0] for m in mail.outbox}
    stats = mailings.mailing_stats(mailing)
    assert stats.claimed_unconfirmed == 1
    assert mailings.mailing_send(mailing_id=mailing.pk) == 0  # nothing left, nothing twice


@pytest.mark.django_db(transaction=True)
def test_the_throttle_sends_a_minutes_worth_then_queues_the_next_step(alice):
    for _n in range(5):
        f.AlumnusFactory()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        mailing = _mailing(alice, audience={"stages": ["alumnus"]}, rate_per_minute=2)
        mailings.mailing_schedule(mailing=mailing, by=alice)
        call_command("worker", "--batch")  # queues the recipients, sends the first minute
        assert len(mail.outbox) == 2
        waiting = DBTaskResult.objects.filter(status="READY")
        assert waiting.count() == 1
        assert waiting.get().run_after > timezone.now() + dt.timedelta(seconds=30)


def test_the_status_command_prints_the_contract(alice, capsys, django_capture_on_commit_callbacks):
    f.AlumnusFactory()
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    call_command("comms", "status", str(mailing.pk), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == [
        "recipients", "sent", "claimed_unconfirmed", "clicks", "unsubscribes", "bounces"
    ]  # fmt: skip
    assert printed["recipients"] == printed["sent"] >= 1
    assert printed["claimed_unconfirmed"] == printed["clicks"] == 0


def test_bad_input_changes_nothing(alice):
    with pytest.raises(ApplicationError):
        _mailing(alice, subject_en="", body_en="", subject_zh="", body_zh="")
    with pytest.raises(ApplicationError):
        _mailing(alice, audience={"engagement": "engaged", "since": "not a date"})
    mailing = _mailing(alice)
    with pytest.raises(ApplicationError):
        mailings.mailing_schedule(
            mailing=mailing, by=alice, at=timezone.now() - dt.timedelta(hours=1)
        )
    assert Mailing.objects.get().status == "draft"


def test_a_test_send_goes_to_the_sender_in_each_language(alice):
    mailing = _mailing(alice)
    assert mailings.mailing_test_send(mailing=mailing, by=alice) == 2
    assert [m.to for m in mail.outbox] == [[alice.email], [alice.email]]
    assert mail.outbox[0].subject.startswith("[Test]")
    assert not MailingRecipient.objects.exists()


def test_recipient_addresses_show_only_to_whom_may_see_them(
    alice, django_capture_on_commit_callbacks
):
    from alma.testing.personas import client_for

    open_person = f.AlumnusFactory(email="open@example.edu")
    private = f.AlumnusFactory(email="private@example.edu", privacy={"email": "only_me"})
    mailing = _send_now(
        _mailing(alice, audience={"stages": ["alumnus"]}), alice, django_capture_on_commit_callbacks
    )
    page = client_for(alice).get(reverse("comms:mailing-recipients", args=[mailing.pk]))
    assert page.status_code == 200
    assert b"open@example.edu" in page.content
    assert b"private@example.edu" not in page.content
    assert private.full_name.encode() in page.content
    assert open_person.pk
