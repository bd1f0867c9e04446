"""The demo university's giving: every purpose, five years, a clean ledger, and the demo
alumnus reading the thanks of the demo student his fund helped."""

import pytest
from django.utils import timezone

from alma.accounts.models import User
from alma.demo import events, giving, people
from alma.demo.builders import DemoRun
from alma.giving.models import AwardRound, Fund, Gift, LedgerEntry, Pledge, Purpose, ThankYouLetter
from alma.giving.selectors import ledger_reconcile
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_demo_giving_covers_every_purpose_and_reconciles():
    people.build(DemoRun(scale=0.03))
    events.build(DemoRun())
    giving.build(DemoRun())
    assert Fund.objects.count() == 10
    assert set(Fund.objects.values_list("purpose", flat=True)) == set(Purpose.values)
    this_year = timezone.localdate().year
    years = set(Gift.objects.values_list("received_on__year", flat=True))
    assert years == set(range(this_year - 4, this_year + 1))
    assert Gift.objects.filter(kind="in_kind").exists()
    assert Gift.objects.exclude(currency="CNY").exists()
    assert Pledge.objects.exists() and LedgerEntry.objects.filter(kind="award_payment").exists()
    assert AwardRound.objects.exclude(ceremony=None).values("ceremony").distinct().count() == 2
    checks = ledger_reconcile()
    assert checks and not any(c.mismatch or c.negative for c in checks)
    giving.build(DemoRun())  # once
    assert Fund.objects.count() == 10

    alumnus = User.objects.get(email="alumnus@demo.alma.example")
    student = User.objects.get(email="student@demo.alma.example")
    letter = ThankYouLetter.objects.filter(
        award__application__student=student.person, status="approved"
    ).first()
    assert letter is not None
    page = client_for(alumnus).get("/giving/impact/").content.decode()
    assert letter.text in page
    assert student.person.full_name in page
