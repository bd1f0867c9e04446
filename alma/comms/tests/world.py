"""A small world of notifications, mailings, magazine issues and alumni messages around the
personas, for this app's page tests and tests/test_url_roles.py (every URL, every role)."""

from typing import Any

from django.utils import timezone

from alma.comms import tokens
from alma.comms.mailings import click_url, mailing_create
from alma.comms.models import ArticleKind, MagazineArticle, MagazineIssue, Mailing, MailingRecipient
from alma.comms.services import notification_send
from alma.events.models import EventMessage


def comms_world(users: dict[str, Any]) -> dict[str, Any]:
    alice, carol, dave = users["alice"], users["carol"], users["dave"]
    notice = notification_send(
        recipient=carol.person,
        kind="mentoring.proposal",
        subject="A match is proposed",
        link="/mentoring/",
    )
    notification_send(recipient=carol.person, kind="mentoring.reminder", subject="Time to meet?")
    for_api = notification_send(recipient=carol.person, kind="mentoring.accepted", subject="Pair")
    draft = mailing_create(
        by=alice, name="Draft news", purpose="newsletter", subject_en="News", body_en="Hello"
    )
    doomed = mailing_create(
        by=alice, name="To cancel", purpose="newsletter", subject_en="News", body_en="Hello"
    )
    sent = mailing_create(
        by=alice,
        name="Sent news",
        purpose="newsletter",
        subject_en="News",
        body_en="[Site](https://alumni.example.edu/)",
    )
    Mailing.objects.filter(pk=sent.pk).update(status="sent", recipients_total=1)
    recipient = MailingRecipient.objects.create(
        mailing=sent, person=dave.person, email=dave.person.email or "d@example.edu",
        language="en", state="sent",
    )  # fmt: skip
    published = MagazineIssue.objects.create(number=1, title="Spring", published_at=timezone.now())
    article = MagazineArticle.objects.create(
        issue=published, kind=ArticleKind.ALUMNI_STORY, title="A story", slug="a-story", body="Text"
    )
    draft_issue = MagazineIssue.objects.create(number=2, title="Summer")
    MagazineArticle.objects.create(
        issue=draft_issue, kind=ArticleKind.CHAPTER_NEWS, title="News", slug="news", body="Text"
    )
    year = timezone.localdate().year
    invited = EventMessage.objects.create(
        cohort="graduates", cohort_year=year, author=dave.person, author_name="Dave",
        status="invited",
    )  # fmt: skip
    submitted = EventMessage.objects.create(
        cohort="freshmen", cohort_year=year, author=dave.person, author_name="Dave",
        status="submitted", text="Welcome!",
    )  # fmt: skip
    return {
        "carol_notification": notice.pk,
        "carol_api_notification": for_api.pk,
        "carol_preferences_token": tokens.make({"p": carol.person_id}, tokens.PREFERENCES_SALT),
        "carol_unsubscribe_token": tokens.make(
            {"p": carol.person_id, "k": "mentoring.proposal"}, tokens.UNSUBSCRIBE_SALT
        ),
        "draft_mailing": draft.pk,
        "sent_mailing": sent.pk,
        "doomed_mailing": doomed.pk,
        "click_token": click_url(recipient.pk, "https://alumni.example.edu/").rsplit("/", 2)[-2],
        "recipient_unsubscribe_token": tokens.make({"r": recipient.pk}, tokens.UNSUBSCRIBE_SALT),
        "published_issue": published.pk,
        "draft_issue": draft_issue.pk,
        "article": article.pk,
        "submitted_message": submitted.pk,
        "message_token": tokens.make({"m": invited.pk}, tokens.MESSAGE_SALT),
        "year": year,
    }
