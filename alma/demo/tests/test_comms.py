"""The demo university gets its magazine, past mailings with clicks, messages and inboxes."""

import pytest
from django.utils import timezone

from alma.activity.models import Activity
from alma.comms import mailings
from alma.comms.models import MagazineIssue, Mailing, Notification
from alma.demo import comms, people
from alma.demo.builders import DemoRun
from alma.events.selectors import cohort_messages

pytestmark = pytest.mark.django_db


def test_demo_comms_has_issues_mailings_with_clicks_messages_and_inboxes():
    people.build(DemoRun(scale=0.03))
    comms.build(DemoRun(scale=0.03))
    assert MagazineIssue.objects.filter(published_at__isnull=False).count() == 2
    sent = Mailing.objects.filter(status="sent")
    assert sent.count() == 3
    assert all(mailings.mailing_stats(m).clicks > 0 for m in sent)
    assert Activity.objects.filter(
        kind="comms.mailing_click", engagement_mode="communication"
    ).exists()
    year = timezone.localdate().year
    assert cohort_messages(cohort="freshmen", year=year).count() == 3
    assert cohort_messages(cohort="graduates", year=year).count() == 3
    assert (
        Activity.objects.filter(kind="comms.cohort_message", engagement_mode="volunteer").count()
        >= 6
    )
    inbox = Notification.objects.filter(recipient__user__email="student@demo.alma.example")
    assert (
        inbox.filter(read_at__isnull=True).exists() and inbox.filter(read_at__isnull=False).exists()
    )
    comms.build(DemoRun(scale=0.03))  # once
    assert MagazineIssue.objects.count() == 2 and Mailing.objects.count() == 3
