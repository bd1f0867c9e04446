"""Reads for giving: balances, statements, totals, donor histories, the impact page, reconciling.

Nothing here writes. Money figures come from the ledger entries (the truth); `Fund.balance` and
`LedgerEntry.balance_after` are copies that `ledger_reconcile` checks against them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When

from alma.accounts.roles import Role, roles_of
from alma.giving.models import (
    Application,
    Award,
    AwardRound,
    Donor,
    Fund,
    Gift,
    LedgerEntry,
    Pledge,
    ThankYouLetter,
)
from alma.lib.money import exact_sum
from alma.people.models import Organization, Person
from alma.people.privacy import person_shown_by_consent, person_view_for

ZERO = Decimal(0)


def is_office(user: Any) -> bool:
    return Role.ALUMNI_OFFICE in roles_of(user)


def donors_of(user: Any) -> QuerySet[Donor]:
    """The donors a user gives as: themself, and the organisations they represent."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Donor.objects.none()
    return Donor.objects.filter(
        Q(person_id=person_id) | Q(organization__representatives=person_id)
    ).distinct()


def funds_listed() -> QuerySet[Fund]:
    return Fund.objects.select_related("owner_unit").order_by("name")


def _effective_kind() -> Case:
    """A reversal counts against the kind of entry it reverses (gifts, payments, transfers)."""
    return Case(When(kind=LedgerEntry.Kind.REVERSAL, then=F("reverses__kind")), default=F("kind"))


@dataclass
class Statement:
    fund: Fund
    start: dt.date
    end: dt.date
    opening: Decimal
    gifts: Decimal
    payments: Decimal
    transfers_in: Decimal
    transfers_out: Decimal
    closing: Decimal
    entries: list[LedgerEntry] = field(default_factory=list)


def fund_statement(
    *, fund: Fund, start: dt.date, end: dt.date, with_entries: bool = True
) -> Statement:
    """Opening, gifts, payments, transfers and closing for a period (both days included).

    closing = opening + gifts - payments + transfers in - transfers out, each net of reversals.
    """
    opening = exact_sum(LedgerEntry.objects.filter(fund=fund, occurred_on__lt=start))
    period = LedgerEntry.objects.filter(fund=fund, occurred_on__gte=start, occurred_on__lte=end)
    # Added in Python: exact on both engines (see alma.lib.money.exact_sum).
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for effective, amount in period.annotate(effective=_effective_kind()).values_list(
        "effective", "amount"
    ):
        sums[effective] += amount
    gifts = sums[LedgerEntry.Kind.GIFT]
    payments = -sums[LedgerEntry.Kind.AWARD_PAYMENT]
    transfers_in = sums[LedgerEntry.Kind.TRANSFER_IN]
    transfers_out = -sums[LedgerEntry.Kind.TRANSFER_OUT]
    entries = (
        list(
            period.select_related(
                "gift__donor__person", "gift__donor__organization", "award"
            ).order_by("occurred_on", "id")
        )
        if with_entries
        else []
    )
    return Statement(
        fund=fund,
        start=start,
        end=end,
        opening=opening,
        gifts=gifts,
        payments=payments,
        transfers_in=transfers_in,
        transfers_out=transfers_out,
        closing=opening + gifts - payments + transfers_in - transfers_out,
        entries=entries,
    )


@dataclass(frozen=True)
class TotalRow:
    year: int
    purpose: str
    source: str
    money: Decimal
    in_kind: Decimal
    gifts: int


def gift_totals(*, fund: Fund | None = None, year: int | None = None) -> list[TotalRow]:
    """Gifts by year, fund purpose and source. Money comes from the ledger (net of reversals,
    in the year each entry was posted to), so it reconciles with the fund statements to the
    cent; gifts in kind are at their valuation, in the year received."""
    money = LedgerEntry.objects.annotate(effective=_effective_kind()).filter(
        effective=LedgerEntry.Kind.GIFT
    )
    in_kind = Gift.objects.filter(kind=Gift.Kind.IN_KIND)
    if fund is not None:
        money = money.filter(fund=fund)
        in_kind = in_kind.filter(fund=fund)
    if year is not None:
        money = money.filter(occurred_on__year=year)
        in_kind = in_kind.filter(received_on__year=year)
    # Added in Python, row by row: exact on both engines (see alma.lib.money.exact_sum).
    rows: dict[tuple[int, str, str], list[Any]] = {}
    for day, purpose, source, kind, amount in money.values_list(
        "occurred_on", "fund__purpose", "gift__source", "kind", "amount"
    ):
        key = (day.year, purpose, source)
        rows.setdefault(key, [ZERO, ZERO, 0])
        rows[key][0] += amount
        rows[key][2] += kind == LedgerEntry.Kind.GIFT
    for day, purpose, source, amount in in_kind.values_list(
        "received_on", "fund__purpose", "source", "amount"
    ):
        key = (day.year, purpose, source)
        rows.setdefault(key, [ZERO, ZERO, 0])
        rows[key][1] += amount
        rows[key][2] += 1
    return [
        TotalRow(year=k[0], purpose=k[1], source=k[2], money=v[0], in_kind=v[1], gifts=v[2])
        for k, v in sorted(rows.items(), key=lambda item: (-item[0][0], item[0][1], item[0][2]))
    ]


def donor_gifts(*, donor: Donor) -> QuerySet[Gift]:
    return (
        Gift.objects.filter(donor=donor)
        .select_related("fund", "receipt")
        .annotate(
            reversed_count=Count("entries", filter=Q(entries__kind=LedgerEntry.Kind.REVERSAL))
        )
        .order_by("-received_on", "-id")
    )


def gifts_listed(*, fund: Fund | None = None) -> QuerySet[Gift]:
    gifts = (
        Gift.objects.select_related("fund", "donor__person", "donor__organization", "receipt")
        # What the privacy module may show of each donor, read once per page.
        .prefetch_related("donor__person__educations", "donor__person__employments")
    ).annotate(reversed_count=Count("entries", filter=Q(entries__kind=LedgerEntry.Kind.REVERSAL)))
    if fund is not None:
        gifts = gifts.filter(fund=fund)
    return gifts.order_by("-received_on", "-id")


def donor_name_for(viewer: Any, donor: Donor) -> str:
    """A donor's name as the viewer may see it: organisations by name; people through the
    privacy module (the alumni office keeps the records, so it always sees who gave)."""
    from django.utils.translation import gettext as _

    if donor.organization_id is not None:
        return str(donor.organization)
    assert donor.person is not None
    view = person_view_for(viewer, donor.person)
    if view is None and is_office(viewer):
        view = person_shown_by_consent(viewer, donor.person, consented=True)
    return str(view["full_name"]) if view else _("A donor")


def donor_shown_to_student(viewer: Any, donor: Donor) -> str:
    """What a student sees of a donor: nothing but 'an anonymous donor' if the donor chose so."""
    from django.utils.translation import gettext as _

    if donor.anonymous:
        return _("An anonymous donor")
    if donor.organization_id is not None:
        return str(donor.organization)
    assert donor.person is not None
    view = person_shown_by_consent(viewer, donor.person, consented=True)
    return str(view["full_name"]) if view else _("An anonymous donor")


@dataclass
class StudentHelped:
    name: str | None  # None: the student did not agree to be named to donors
    fund: str
    round: str
    year: int


@dataclass
class Impact:
    donor: Donor
    by_fund: list[dict[str, Any]]
    total: Decimal
    named: list[StudentHelped]
    unnamed_count: int
    letters: list[dict[str, Any]]
    invitations: list[Any]
    pledges: list[Pledge]


def donor_impact(*, donor: Donor, viewer: Any) -> Impact:
    """What a donor sees of their giving: funds and amounts, students helped (named only with
    their consent, otherwise counted), approved letters and ceremony invitations."""
    from alma.events.models import Registration

    gifts = donor_gifts(donor=donor)
    by_fund: dict[int, dict[str, Any]] = {}
    total = ZERO
    for gift in gifts:
        if gift.reversed_count:  # type: ignore[attr-defined]
            continue
        row = by_fund.setdefault(gift.fund_id, {"fund": gift.fund, "amount": ZERO, "gifts": 0})
        row["amount"] += gift.amount
        row["gifts"] += 1
        total += gift.amount
    fund_ids = list(by_fund)
    awards = (
        Award.objects.filter(application__round__fund_id__in=fund_ids, payments__isnull=False)
        .distinct()
        .select_related("application__student", "application__round__fund")
        .order_by("-decided_at", "-id")
    )
    named: list[StudentHelped] = []
    unnamed = 0
    for award in awards:
        application = award.application
        view = person_shown_by_consent(
            viewer, application.student, consented=application.named_to_donors
        )
        if view is None:
            unnamed += 1
            continue
        named.append(
            StudentHelped(
                name=str(view["full_name"]),
                fund=application.round.fund.name,
                round=application.round.name,
                year=award.decided_at.year,
            )
        )
    letters = []
    for letter in (
        ThankYouLetter.objects.filter(
            award__application__round__fund_id__in=fund_ids,
            status=ThankYouLetter.Status.APPROVED,
        )
        .select_related("award__application__student", "award__application__round__fund")
        .order_by("-reviewed_at", "-id")
    ):
        application = letter.award.application
        view = person_shown_by_consent(
            viewer, application.student, consented=application.named_to_donors
        )
        letters.append(
            {
                "letter": letter,
                "student": str(view["full_name"]) if view else None,
                "fund": application.round.fund.name,
            }
        )
    people = [donor.person_id] if donor.person_id else []
    if donor.organization_id:
        people += list(
            Organization.representatives.through.objects.filter(
                organization_id=donor.organization_id
            ).values_list("person_id", flat=True)
        )
    invitations = list(
        Registration.objects.filter(
            person_id__in=people,
            event__award_rounds__fund_id__in=fund_ids,
        )
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event")
        .distinct()
        .order_by("-event__starts_at")
    )
    pledges = list(
        Pledge.objects.filter(donor=donor).select_related("fund").prefetch_related("instalments")
    )
    return Impact(
        donor=donor,
        by_fund=sorted(by_fund.values(), key=lambda r: r["fund"].name),
        total=total,
        named=named,
        unnamed_count=unnamed,
        letters=letters,
        invitations=invitations,
        pledges=pledges,
    )


def awards_of_student(*, person: Person) -> QuerySet[Award]:
    return (
        Award.objects.filter(application__student=person)
        .select_related("application__round__fund")
        .prefetch_related("letters")
        .order_by("-decided_at")
    )


def rounds_open(*, today: dt.date) -> QuerySet[AwardRound]:
    return AwardRound.objects.filter(
        status=AwardRound.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    ).select_related("fund")


def round_applications(*, award_round: AwardRound) -> QuerySet[Application]:
    return (
        Application.objects.filter(round=award_round)
        .select_related("student", "award")
        .prefetch_related("documents", "scores")
        .order_by("submitted_at", "id")
    )


# --- Reconciling ----------------------------------------------------------------------------


@dataclass
class FundCheck:
    fund_id: int
    code: str
    balance: Decimal  # the sum of entries
    cached: Decimal
    entries: int
    mismatch: bool
    negative: bool
    problems: list[str]


def ledger_reconcile() -> list[FundCheck]:
    """Re-derive every fund's balance from its entries and compare it with every stored, cached
    and reported figure: each entry's balance_after (the running sum in posting order),
    Fund.balance, the all-time fund statement and the gift totals. A fund is negative if its
    balance is below zero now, or was at any point in posting order or in date order."""
    checks = []
    entries_by_fund: dict[int, list[tuple[int, dt.date, Decimal, Decimal]]] = defaultdict(list)
    for row in LedgerEntry.objects.order_by("id").values_list(
        "fund_id", "id", "occurred_on", "amount", "balance_after"
    ):
        entries_by_fund[row[0]].append(row[1:])
    for fund in Fund.objects.order_by("pk"):
        rows = entries_by_fund.get(fund.pk, [])
        problems: list[str] = []
        running = ZERO
        negative = False
        for entry_id, _day, amount, balance_after in rows:
            running += amount
            if running < 0:
                negative = True
            if balance_after != running:
                problems.append(f"entry {entry_id}: balance_after {balance_after} != {running}")
        by_date = ZERO
        for _id, _day, amount, _after in sorted(rows, key=lambda r: (r[1], r[0])):
            by_date += amount
            if by_date < 0:
                negative = True
        if fund.balance != running:
            problems.append(f"cached balance {fund.balance} != {running}")
        if rows:
            start = min(r[1] for r in rows)
            end = max(r[1] for r in rows)
            statement = fund_statement(fund=fund, start=start, end=end, with_entries=False)
            if statement.opening != 0 or statement.closing != running:
                problems.append(f"statement closing {statement.closing} != {running}")
            reported_gifts = sum((t.money for t in gift_totals(fund=fund)), ZERO)
            if reported_gifts != statement.gifts:
                problems.append(f"gift totals {reported_gifts} != statement {statement.gifts}")
        checks.append(
            FundCheck(
                fund_id=fund.pk,
                code=fund.code,
                balance=running,
                cached=fund.balance,
                entries=len(rows),
                mismatch=bool(problems),
                negative=negative or running < 0,
                problems=problems,
            )
        )
    return checks
