"""Hypothesis drives the ledger with random gifts, pledge payments, awards, transfers and
reversals, and checks it against a plain model of each fund's money after every step: balances
equal the sum of entries, nothing is ever negative, refused operations change nothing, and the
statements and totals reconcile to the cent."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from alma.giving import services
from alma.giving.models import Fund, LedgerEntry
from alma.giving.selectors import fund_statement, gift_totals, ledger_reconcile
from alma.giving.tests.factories import FundFactory
from alma.lib.errors import ApplicationError
from alma.testing import factories as f

pytestmark = pytest.mark.django_db

FUNDS = 3
cents = st.integers(min_value=1, max_value=300_000).map(lambda c: Decimal(c).scaleb(-2))
fund_index = st.integers(min_value=0, max_value=FUNDS - 1)


def test_the_ledger_agrees_with_a_model_of_every_fund(alice):
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.funds = [FundFactory() for _ in range(FUNDS)]
            self.expected = [Decimal(0)] * FUNDS
            self.gifts_in = [Decimal(0)] * FUNDS
            self.donor = services.donor_for_person(person=f.AlumnusFactory())
            self.pledge = services.pledge_create(
                donor=self.donor, fund=self.funds[0], total="1000000", instalments=4, by=alice
            )
            today = timezone.localdate()
            self.awards = []
            for fund in self.funds:
                award_round = services.round_create(
                    fund=fund, name=f"r{fund.pk}", criteria="-", amount="9999999",
                    places=1, opens_on=today, closes_on=today, by=alice,
                )  # fmt: skip
                student = f.UserFactory(person=f.StudentFactory())
                application = services.application_submit(
                    award_round=award_round, by=student, statement="-"
                )
                services.round_close(award_round=award_round, by=alice)
                self.awards.append(
                    services.application_decide(application=application, by=alice, award=True)
                )

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @rule(i=fund_index, amount=cents)
        def give(self, i: int, amount: Decimal) -> None:
            services.gift_record(donor=self.donor, fund=self.funds[i], by=alice, amount=str(amount))
            self.expected[i] += amount
            self.gifts_in[i] += amount

        @rule(amount=cents, n=st.integers(min_value=0, max_value=3))
        def pay_pledge(self, amount: Decimal, n: int) -> None:
            instalment = self.pledge.instalments.order_by("due_on")[n]
            services.gift_record(
                donor=self.donor, fund=self.funds[0], by=alice, amount=str(amount),
                instalment=instalment,
            )  # fmt: skip
            self.expected[0] += amount
            self.gifts_in[0] += amount

        @rule(i=fund_index, amount=cents)
        def pay_award(self, i: int, amount: Decimal) -> None:
            try:
                services.award_pay(award=self.awards[i], by=alice, amount=str(amount))
            except ApplicationError:
                assert amount > self.expected[i]
            else:
                assert amount <= self.expected[i]
                self.expected[i] -= amount

        @rule(i=fund_index, j=fund_index, amount=cents)
        def transfer(self, i: int, j: int, amount: Decimal) -> None:
            try:
                services.transfer_record(
                    from_fund=self.funds[i], to_fund=self.funds[j], amount=str(amount),
                    reason="rebalance", by=alice,
                )  # fmt: skip
            except ApplicationError:
                assert i == j or amount > self.expected[i]
            else:
                self.expected[i] -= amount
                self.expected[j] += amount

        @rule(pick=st.integers(min_value=0, max_value=10_000))
        def reverse(self, pick: int) -> None:
            candidates = list(
                LedgerEntry.objects.exclude(kind="reversal")
                .filter(reversed_by__isnull=True)
                .order_by("id")
            )
            if not candidates:
                return
            entry = candidates[pick % len(candidates)]
            legs = (
                list(LedgerEntry.objects.filter(transfer_id=entry.transfer_id))
                if entry.transfer_id
                else [entry]
            )
            after = list(self.expected)
            for leg in legs:
                after[self._index(leg.fund_id)] -= leg.amount
            try:
                services.entry_reverse(entry=entry, reason="correction", by=alice)
            except ApplicationError:
                assert any(value < 0 for value in after)
            else:
                assert all(value >= 0 for value in after)
                self.expected = after
                for leg in legs:
                    if leg.kind == "gift":
                        self.gifts_in[self._index(leg.fund_id)] -= leg.amount

        def _index(self, fund_id: int) -> int:
            return [fund.pk for fund in self.funds].index(fund_id)

        @invariant()
        def balances_match_the_model_and_the_entries(self) -> None:
            for i, fund in enumerate(self.funds):
                stored = Fund.objects.get(pk=fund.pk).balance
                entries = sum(
                    LedgerEntry.objects.filter(fund=fund).values_list("amount", flat=True),
                    Decimal(0),
                )
                assert stored == entries == self.expected[i] >= 0

        @invariant()
        def reports_reconcile_to_the_cent(self) -> None:
            today = timezone.localdate()
            for i, fund in enumerate(self.funds):
                statement = fund_statement(fund=fund, start=today, end=today, with_entries=False)
                assert statement.closing == self.expected[i]
                assert statement.gifts == self.gifts_in[i]
                assert (
                    sum((t.money for t in gift_totals(fund=fund)), Decimal(0)) == self.gifts_in[i]
                )
            assert not any(c.mismatch or c.negative for c in ledger_reconcile())

    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
