"""The fund ledger: gifts in and payments out, exact to the cent, append-only, never overdrawn."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alma.activity.models import Activity
from alma.giving import services
from alma.giving.models import Fund, Gift, LedgerEntry, Receipt, Source
from alma.giving.selectors import fund_statement, gift_totals, ledger_reconcile
from alma.giving.tests.factories import FundFactory, OrganizationDonorFactory
from alma.lib.errors import ApplicationError
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


def balance(fund: Fund) -> Decimal:
    fund.refresh_from_db()
    return fund.balance


def award_for(alice, fund: Fund, amount: str = "1000"):
    today = timezone.localdate()
    award_round = services.round_create(
        fund=fund,
        name=f"Round {fund.code}",
        criteria="Good",
        amount=amount,
        places=5,
        opens_on=today,
        closes_on=today,
        by=alice,
    )
    student = f.UserFactory(person=f.StudentFactory())
    application = services.application_submit(
        award_round=award_round, by=student, statement="Please"
    )
    services.round_close(award_round=award_round, by=alice)
    award = services.application_decide(application=application, by=alice, award=True)
    assert award is not None
    return award


def test_a_gift_credits_its_fund_with_an_entry_a_receipt_and_an_activity(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="1234.50")
    assert balance(fund) == Decimal("1234.50")
    entry = gift.entries.get()
    assert (entry.kind, entry.amount, entry.balance_after) == (
        "gift",
        Decimal("1234.50"),
        Decimal("1234.50"),
    )
    assert gift.receipt.number == 1 and gift.receipt.year == timezone.localdate().year
    assert gift.source == Source.ALUMNI
    activity = Activity.objects.get(kind="giving.gift")
    assert activity.actor == dave.person
    assert activity.engagement_mode == "philanthropic"
    assert activity.provider == "alumnus"
    assert activity.source == gift


def test_a_gift_in_another_currency_keeps_the_original_and_converts_half_up(alice, dave, settings):
    settings.ALMA_CURRENCY = "CNY"
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(
        donor=donor, fund=fund, by=alice, amount="100.01", currency="usd", exchange_rate="7.1235"
    )
    # 100.01 × 7.1235 = 712.421235 → 712.42
    assert (gift.currency, gift.original_amount, gift.exchange_rate) == (
        "USD",
        Decimal("100.01"),
        Decimal("7.1235"),
    )
    assert gift.amount == Decimal("712.42")
    assert balance(fund) == Decimal("712.42")
    yen = services.gift_record(
        donor=donor, fund=fund, by=alice, amount="10000", currency="JPY", exchange_rate="0.0475"
    )
    assert yen.amount == Decimal("475.00")


@pytest.mark.parametrize(
    ("amount", "currency", "rate", "field"),
    [
        ("12.345", "CNY", None, "amount"),  # more places than yuan have
        ("100.5", "JPY", "0.05", "amount"),  # yen have none
        ("-5", "CNY", None, "amount"),
        ("0", "CNY", None, "amount"),
        ("ten", "CNY", None, "amount"),
        ("100", "USD", None, "exchange_rate"),  # a foreign gift needs its rate
        ("100", "USD", "-1", "exchange_rate"),
        ("100", "XXX", "1", "currency"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(alice, dave, amount, currency, rate, field):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    with pytest.raises(ApplicationError) as error:
        services.gift_record(
            donor=donor, fund=fund, by=alice, amount=amount, currency=currency, exchange_rate=rate
        )
    assert error.value.field == field
    assert not Gift.objects.exists() and not LedgerEntry.objects.exists()
    assert not Receipt.objects.exists()


def test_floats_are_refused(alice, dave):
    donor = services.donor_for_person(person=dave.person)
    with pytest.raises(ApplicationError):
        services.gift_record(donor=donor, fund=FundFactory(), by=alice, amount=0.1)


def test_only_the_office_records_gifts(bob, dave):
    donor = services.donor_for_person(person=dave.person)
    with pytest.raises(ApplicationError):
        services.gift_record(donor=donor, fund=FundFactory(), by=bob, amount="10")


def test_a_gift_in_kind_is_receipted_and_reported_but_not_money_to_pay_out(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    with pytest.raises(ApplicationError):
        services.gift_record(donor=donor, fund=fund, by=alice, amount="5000", kind="in_kind")
    gift = services.gift_record(
        donor=donor, fund=fund, by=alice, amount="5000", kind="in_kind", description="20 laptops"
    )
    assert gift.receipt is not None
    assert not LedgerEntry.objects.exists()
    assert balance(fund) == 0
    [row] = gift_totals()
    assert (row.money, row.in_kind) == (0, Decimal("5000"))


def test_a_payment_never_takes_a_fund_below_zero(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="1500")
    first, second = award_for(alice, fund), award_for(alice, fund)
    services.award_pay(award=first, by=alice)
    with pytest.raises(ApplicationError) as error:
        services.award_pay(award=second, by=alice)
    assert "cannot pay" in error.value.message
    assert balance(fund) == Decimal("500")
    services.award_pay(award=second, by=alice, amount="500")
    assert balance(fund) == 0
    with pytest.raises(ApplicationError):
        services.award_pay(award=first, by=alice)  # paid in full
    assert services.award_paid(second) == Decimal("500")


def test_an_award_reaches_the_student_as_one_service(alice, dave):
    fund = FundFactory(purpose="hardship")
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="5000")
    award = award_for(alice, fund)
    services.award_pay(award=award, by=alice, amount="400")
    services.award_pay(award=award, by=alice, amount="600")
    [service] = Activity.objects.filter(kind="giving.award")
    assert service.beneficiary == award.application.student
    assert service.aspect == "life"  # hardship aid is help with life
    assert service.provider == "alumni_office"
    assert service.beneficiary_stage == "in_school"


def test_the_database_refuses_to_edit_or_delete_an_entry(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="100")
    entry = gift.entries.get()
    for attempt in (
        lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1000")),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE giving_ledgerentry SET memo = 'edited' WHERE id = %s", [entry.pk]
        ),
        lambda: connection.cursor().execute("DELETE FROM giving_ledgerentry"),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert (entry.amount, entry.memo) == (Decimal("100"), "")


def test_a_correction_is_a_reversal_and_a_new_entry(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    wrong = services.gift_record(donor=donor, fund=fund, by=alice, amount="1000")
    services.gift_reverse(gift=wrong, reason="Typed 1000 for 100", by=alice)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="100")
    assert balance(fund) == Decimal("100")
    kinds = list(LedgerEntry.objects.filter(fund=fund).values_list("kind", "amount"))
    assert kinds == [
        ("gift", Decimal("1000")),
        ("reversal", Decimal("-1000")),
        ("gift", Decimal("100")),
    ]
    with pytest.raises(ApplicationError, match="already been reversed"):
        services.gift_reverse(gift=wrong, reason="again", by=alice)
    reversal = LedgerEntry.objects.get(kind="reversal")
    with pytest.raises(ApplicationError, match="cannot be reversed"):
        services.entry_reverse(entry=reversal, reason="undo", by=alice)
    # Both receipts stay: numbers are never reused.
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2]


def test_a_gift_already_paid_out_cannot_be_reversed_below_zero(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="1000")
    services.award_pay(award=award_for(alice, fund), by=alice)
    with pytest.raises(ApplicationError, match="cannot pay"):
        services.gift_reverse(gift=gift, reason="bounced", by=alice)
    assert balance(fund) == 0


def test_transfers_move_money_between_funds_and_reverse_as_a_pair(alice, dave):
    a, b = FundFactory(), FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=a, by=alice, amount="300")
    with pytest.raises(ApplicationError):
        services.transfer_record(from_fund=a, to_fund=b, amount="300.01", reason="x", by=alice)
    transfer = services.transfer_record(
        from_fund=a, to_fund=b, amount="200", reason="Top up", by=alice
    )
    assert (balance(a), balance(b)) == (Decimal("100"), Decimal("200"))
    services.entry_reverse(entry=transfer.entries.get(fund=b), reason="Wrong fund", by=alice)
    assert (balance(a), balance(b)) == (Decimal("300"), Decimal("0"))


def test_a_payment_cannot_be_dated_before_the_funds_latest_entry(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="300")
    award = award_for(alice, fund, "100")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        services.award_pay(award=award, by=alice, paid_on=yesterday)
    assert error.value.field == "paid_on"


def test_receipts_are_numbered_without_gaps_even_when_a_gift_fails(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="1")
    with pytest.raises(ApplicationError):
        # Fails after its receipt number was drawn (soft credits above the gift).
        services.gift_record(
            donor=donor, fund=fund, by=alice, amount="1", soft_credits=[(f.AlumnusFactory(), "2")]
        )
    services.gift_record(donor=donor, fund=fund, by=alice, amount="2")
    assert list(Receipt.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_an_organisations_gift_names_the_soft_credited_alumnus_in_the_activity(alice, dave, frank):
    fund = FundFactory()
    company = OrganizationDonorFactory(organization=frank.person.represented_organizations.get())
    gift = services.gift_record(
        donor=company,
        fund=fund,
        by=alice,
        amount="10000",
        representative=frank.person,
        soft_credits=[(dave.person, "10000")],
    )
    assert gift.source == Source.PARTNERS
    activity = Activity.objects.get(kind="giving.gift")
    assert activity.actor == dave.person
    assert activity.engagement_mode == "philanthropic"
    # Without a soft credit the representative gives on the company's behalf.
    services.gift_record(
        donor=company, fund=fund, by=alice, amount="1", representative=frank.person
    )
    assert Activity.objects.filter(
        kind="giving.gift", actor=frank.person, provider="partner"
    ).exists()


def test_a_matching_gift_from_the_donors_employer_respects_the_yearly_cap(alice, dave):
    fund = FundFactory()
    employer = dave.person.employments.get().organization
    company = OrganizationDonorFactory(organization=employer)
    offer = services.MatchingOffer.objects.create(
        donor=company, ratio=Decimal("2"), cap_per_person_per_year=Decimal("1500")
    )
    donor = services.donor_for_person(person=dave.person)
    first = services.gift_record(donor=donor, fund=fund, by=alice, amount="500")
    match = services.matching_gift_record(gift=first, offer=offer, by=alice)
    assert (match.amount, match.donor, match.matches) == (Decimal("1000"), company, first)
    assert match.soft_credits.get().person == dave.person
    with pytest.raises(ApplicationError, match="already been matched"):
        services.matching_gift_record(gift=first, offer=offer, by=alice)
    second = services.gift_record(donor=donor, fund=fund, by=alice, amount="500")
    assert services.matching_gift_record(gift=second, offer=offer, by=alice).amount == Decimal(
        "500"
    )
    third = services.gift_record(donor=donor, fund=fund, by=alice, amount="500")
    with pytest.raises(ApplicationError, match="cap"):
        services.matching_gift_record(gift=third, offer=offer, by=alice)
    stranger = services.donor_for_person(person=f.AlumnusFactory())
    gift = services.gift_record(donor=stranger, fund=fund, by=alice, amount="10")
    with pytest.raises(ApplicationError, match="does not work"):
        services.matching_gift_record(gift=gift, offer=offer, by=alice)


def test_pledges_split_into_instalments_and_are_fulfilled_by_gifts(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    pledge = services.pledge_create(
        donor=donor, fund=fund, total="1000", instalments=3, months_between=1, by=dave
    )
    amounts = list(pledge.instalments.values_list("amount", flat=True))
    assert amounts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    dues = list(pledge.instalments.values_list("due_on", flat=True))
    assert dues[1] == services.add_months(dues[0], 1)
    for instalment in pledge.instalments.all():
        services.gift_record(
            donor=donor, fund=fund, by=alice, amount=str(instalment.amount), instalment=instalment
        )
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled"
    # Someone else cannot pledge in dave's name.
    with pytest.raises(ApplicationError):
        services.pledge_create(
            donor=donor, fund=fund, total="10", by=f.UserFactory(person=f.AlumnusFactory())
        )


def test_pledge_reminders_go_once_a_week_before_each_unpaid_instalment(alice, dave, mailoutbox):
    fund = FundFactory(name="Li Family Scholarship")
    donor = services.donor_for_person(person=dave.person)
    today = timezone.localdate()
    pledge = services.pledge_create(
        donor=donor,
        fund=fund,
        total="200",
        instalments=2,
        first_due_on=today + dt.timedelta(days=3),
        months_between=1,
        by=alice,
    )
    assert services.pledge_reminders_sweep(today=today) == 1
    assert services.pledge_reminders_sweep(today=today) == 0  # never twice
    [mail] = mailoutbox
    assert mail.to == [dave.person.email]
    assert "Li Family Scholarship" in mail.subject and "¥100.00" in mail.body
    # An instalment already paid is not reminded.
    second = pledge.instalments.order_by("due_on").last()
    services.gift_record(donor=donor, fund=fund, by=alice, amount="100", instalment=second)
    assert services.pledge_reminders_sweep(today=second.due_on - dt.timedelta(days=2)) == 0


def test_the_reminders_command_runs_the_sweep(alice, dave):
    out = io.StringIO()
    call_command("giving", "reminders", stdout=out)
    assert out.getvalue().strip() == "0 reminders sent."


def test_recurring_gifts_record_each_payment_and_move_the_due_date(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    start = dt.date(2026, 1, 31)
    plan = services.recurring_gift_create(
        donor=donor, fund=fund, amount="50", interval="monthly", starts_on=start, by=alice
    )
    services.recurring_gift_collect(plan=plan, by=alice)
    services.recurring_gift_collect(plan=plan, by=alice)
    plan.refresh_from_db()
    assert plan.next_due_on == dt.date(2026, 3, 28) or plan.next_due_on == dt.date(2026, 3, 31)
    assert balance(fund) == Decimal("100")
    assert plan.gifts.count() == 2


def test_statement_reconciles_opening_movements_and_closing(alice, dave):
    a, b = FundFactory(), FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(
        donor=donor, fund=a, by=alice, amount="1000", received_on=dt.date(2025, 12, 30)
    )
    services.gift_record(donor=donor, fund=a, by=alice, amount="500")
    services.award_pay(award=award_for(alice, a, "300"), by=alice)
    services.transfer_record(from_fund=a, to_fund=b, amount="100", reason="x", by=alice)
    today = timezone.localdate()
    statement = fund_statement(fund=a, start=dt.date(2026, 1, 1), end=today)
    assert statement.opening == Decimal("1000")
    assert (statement.gifts, statement.payments, statement.transfers_out) == (
        Decimal("500"),
        Decimal("300"),
        Decimal("100"),
    )
    assert statement.closing == Decimal("1100") == balance(a)


def reconcile_json() -> tuple[dict, int]:
    out = io.StringIO()
    code = 0
    try:
        call_command("giving", "reconcile", "--json", stdout=out)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return json.loads(out.getvalue()), code


def test_reconcile_prints_the_contract_and_exits_0_when_all_agree(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="1000")
    services.award_pay(award=award_for(alice, fund, "250.50"), by=alice)
    report, code = reconcile_json()
    assert code == 0
    assert {k: report[k] for k in ("funds", "entries", "mismatches", "negative")} == {
        "funds": 1,
        "entries": 2,
        "mismatches": 0,
        "negative": 0,
    }
    assert report["balances"] == [{"fund": fund.pk, "code": fund.code, "balance": "749.50"}]


def test_reconcile_finds_a_cached_balance_that_disagrees(alice, dave):
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="1000")
    Fund.objects.filter(pk=fund.pk).update(balance=Decimal("999.99"))
    report, code = reconcile_json()
    assert (report["mismatches"], report["negative"], code) == (1, 0, 1)


def test_reconcile_finds_a_history_that_went_below_zero(alice, dave):
    """Entries written past the services (the database still keeps balance_after >= 0)."""
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="100")
    award = award_for(alice, fund)
    LedgerEntry.objects.create(
        fund=fund, kind="award_payment", amount=Decimal("-300"), balance_after=0,
        occurred_on=gift.received_on, award=award,
    )  # fmt: skip
    LedgerEntry.objects.create(
        fund=fund, kind="gift", amount=Decimal("300"), balance_after=Decimal("100"),
        occurred_on=gift.received_on, gift=gift,
    )  # fmt: skip
    checks = {c.fund_id: c for c in ledger_reconcile()}
    assert checks[fund.pk].negative
    assert checks[fund.pk].mismatch  # balance_after 0 where the running sum was -200
    report, code = reconcile_json()
    assert (report["negative"], code) == (1, 1)


def test_sums_are_exact_to_the_cent_on_every_database(alice, dave):
    """SQLite adds its stored numbers as binary floats (123456.78 + 2.01 - 123456.78 comes back
    as 2.00999999999476): statements, totals and what is left to pay must stay exact."""
    fund = FundFactory()
    donor = services.donor_for_person(person=dave.person)
    big = services.gift_record(donor=donor, fund=fund, by=alice, amount="123456.78")
    services.gift_record(donor=donor, fund=fund, by=alice, amount="2.01")
    services.gift_reverse(gift=big, reason="bounced", by=alice)
    today = timezone.localdate()
    statement = fund_statement(fund=fund, start=dt.date(2000, 1, 1), end=today)
    assert statement.gifts == statement.closing == Decimal("2.01")
    later = fund_statement(fund=fund, start=today + dt.timedelta(days=1), end=today)
    assert later.opening == Decimal("2.01")
    assert sum((t.money for t in gift_totals()), Decimal(0)) == Decimal("2.01")
    services.gift_record(donor=donor, fund=fund, by=alice, amount="123456.78")
    award = award_for(alice, fund, "123458.79")
    services.award_pay(award=award, by=alice, amount="123456.78")
    services.award_pay(award=award, by=alice, amount="0.01")
    # What is left is exactly 2.00: paid, and then nothing is left to pay.
    assert services.award_paid(award) == Decimal("123456.79")
    services.award_pay(award=award, by=alice)
    assert services.award_paid(award) == Decimal("123458.79")
    assert balance(fund) == Decimal("0.00")
