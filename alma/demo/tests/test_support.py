"""The demo university's support cases: one open, mobilised through the demo officer's chapter,
with offers and a grant; three closed, one purged, one awaiting its follow-up."""

import pytest
from django.db import connection

from alma.accounts.models import User
from alma.demo import events, giving, people, support
from alma.demo.builders import DemoRun
from alma.support.models import Case, Grant, HelpRequest, Offer

pytestmark = pytest.mark.django_db


def test_demo_support_has_an_open_case_three_closed_offers_a_grant_and_a_follow_up(
    settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    people.build(DemoRun(scale=0.03))
    events.build(DemoRun())
    giving.build(DemoRun())
    support.build(DemoRun())
    assert Case.objects.filter(status="open").count() == 1
    assert Case.objects.filter(status="closed").count() == 3
    assert Case.objects.filter(purged_at__isnull=False).count() == 1
    assert Case.objects.filter(follow_up_on__isnull=False).count() == 1
    officer = User.objects.get(email="officer@demo.alma.example")
    assert Offer.objects.filter(helper=officer.person).count() == 2
    assert HelpRequest.objects.filter(chapter__isnull=False).exists()
    assert HelpRequest.objects.filter(alumnus__isnull=False).exists()
    assert Grant.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative_encrypted FROM support_case")
        assert not any("surgery" in row[0] for row in cursor.fetchall())
    support.build(DemoRun())  # once
    assert Case.objects.count() == 4
