"""Two staff paying from one fund at the same moment never take it below zero.

Each thread has its own database connection; a barrier releases them together. On PostgreSQL
the fund's row lock (`select_for_update`) makes the second payment wait and then read the
balance the first left; on SQLite every transaction is IMMEDIATE, so writers queue. The SQLite
run copies the in-memory test database into a file (see alma/events/tests/test_concurrency.py).
"""

import contextlib
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone

from alma.events.tests.test_concurrency import run_together, shared_database  # noqa: F401
from alma.giving import services
from alma.giving.models import Fund, LedgerEntry, Receipt
from alma.giving.selectors import ledger_reconcile
from alma.giving.tests.factories import FundFactory
from alma.giving.tests.ledger_cleanup import erase_ledger
from alma.lib.errors import ApplicationError
from alma.testing import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_ledger")]


@pytest.fixture
def committed_ledger(shared_database) -> Iterator[None]:  # noqa: F811
    yield
    erase_ledger()


def awards(alice, fund: Fund, count: int, amount: str) -> list:
    today = timezone.localdate()
    award_round = services.round_create(
        fund=fund, name="Round", criteria="-", amount=amount, places=count,
        opens_on=today, closes_on=today, by=alice,
    )  # fmt: skip
    result = []
    for _ in range(count):
        student = f.UserFactory(person=f.StudentFactory())
        result.append(
            services.application_submit(award_round=award_round, by=student, statement="Please")
        )
    services.round_close(award_round=award_round, by=alice)
    return [services.application_decide(application=a, by=alice, award=True) for a in result]


def test_two_staff_paying_at_once_from_a_fund_that_holds_one_award(alice):
    fund = FundFactory()
    donor = services.donor_for_person(person=f.AlumnusFactory())
    services.gift_record(donor=donor, fund=fund, by=alice, amount="1000")
    first, second = awards(alice, fund, 2, "1000")
    colleague = f.PersonFactory(full_name="Another Officer")
    f.StaffPostFactory(person=colleague, post="alumni_office")
    staff = [alice, f.UserFactory(person=colleague)]  # two staff of the office
    results: list[str] = []

    def pay(index: int) -> None:
        try:
            services.award_pay(award=[first, second][index], by=staff[index])
            results.append("paid")
        except ApplicationError:
            results.append("refused")

    assert run_together(pay, 2) == []
    assert sorted(results) == ["paid", "refused"]
    fund.refresh_from_db()
    assert fund.balance == 0
    assert LedgerEntry.objects.filter(kind="award_payment").count() == 1
    assert all(not c.mismatch and not c.negative for c in ledger_reconcile())


def test_many_payments_at_once_pay_exactly_what_the_fund_holds(alice):
    fund = FundFactory()
    donor = services.donor_for_person(person=f.AlumnusFactory())
    services.gift_record(donor=donor, fund=fund, by=alice, amount="3000")
    pending = awards(alice, fund, 8, "1000")

    def pay(index: int) -> None:
        with contextlib.suppress(ApplicationError):
            services.award_pay(award=pending[index], by=alice)

    assert run_together(pay, 8) == []
    fund.refresh_from_db()
    assert fund.balance == 0
    assert LedgerEntry.objects.filter(kind="award_payment").count() == 3
    assert all(not c.mismatch and not c.negative for c in ledger_reconcile())


def test_transfers_in_opposite_directions_at_once_neither_deadlock_nor_overdraw(alice):
    a, b = FundFactory(), FundFactory()
    donor = services.donor_for_person(person=f.AlumnusFactory())
    services.gift_record(donor=donor, fund=a, by=alice, amount="100")
    services.gift_record(donor=donor, fund=b, by=alice, amount="100")

    def move(index: int) -> None:
        source, target = (a, b) if index % 2 == 0 else (b, a)
        with contextlib.suppress(ApplicationError):
            services.transfer_record(
                from_fund=source, to_fund=target, amount="60", reason="x", by=alice
            )

    assert run_together(move, 6) == []
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.balance + b.balance == Decimal("200")
    assert a.balance >= 0 and b.balance >= 0
    assert all(not c.mismatch and not c.negative for c in ledger_reconcile())


def test_gifts_recorded_at_once_get_consecutive_receipt_numbers(alice):
    fund = FundFactory()
    donors = [services.donor_for_person(person=f.AlumnusFactory()) for _ in range(6)]

    def give(index: int) -> None:
        services.gift_record(donor=donors[index], fund=fund, by=alice, amount="10")

    assert run_together(give, 6) == []
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
