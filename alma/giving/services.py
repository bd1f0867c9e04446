"""Writes for giving: donors, gifts, pledges, the fund ledger, receipts, awards, letters, ceremonies.

Every movement of money posts a `LedgerEntry` under the fund's row lock (`select_for_update`;
SQLite runs every transaction IMMEDIATE, which serialises writers): the balance is read after
the lock is held, so two staff paying from one fund at the same moment are served one after the
other and the second is refused if the money is gone. A debit is never dated before the fund's
latest entry, so the fund's history is never below zero in posting order nor in date order.
Mail and background jobs go out after the transaction commits.
"""

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.models import Provider
from alma.activity.services import activity_record, provider_of
from alma.giving.kinds import AWARD, GIFT
from alma.giving.models import (
    Application,
    ApplicationDocument,
    Award,
    AwardRound,
    Donor,
    Fund,
    Gift,
    LedgerEntry,
    MatchingOffer,
    Pledge,
    PledgeInstalment,
    Purpose,
    Receipt,
    ReceiptCounter,
    ReceiptPrint,
    ReceiptWording,
    RecurringGift,
    Score,
    SoftCredit,
    Source,
    ThankYouLetter,
    Transfer,
)
from alma.lib.errors import ApplicationError
from alma.lib.money import (
    convert,
    exact_sum,
    format_money,
    parse_amount,
    places_of,
    school_currency,
)
from alma.people.models import Employment, Organization, Person, Stage

STATEMENT_MAX = 5000
LETTER_MAX = 5000
REMINDER_LEAD_DAYS = 7
MAX_INSTALMENTS = 120
# Uploads are recognised by their first bytes, never by the name or the browser's type.
DOCUMENT_TYPES = [
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
]
MAX_DOCUMENTS = 5


def _require_office(by: User | None) -> None:
    if by is None or Role.ALUMNI_OFFICE not in roles_of(by):
        raise ApplicationError(_("Only the alumni office can do this."))


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > limit:
        raise ApplicationError(
            _("At most %(n)d characters.") % {"n": limit},
            field=field,
        )
    return value


def _today() -> dt.date:
    return timezone.localdate()


def _moment(day: dt.date) -> dt.datetime:
    if day == _today():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


# --- Funds and donors -----------------------------------------------------------------------


FUND_FIELDS = (
    "code",
    "name",
    "purpose",
    "description",
    "restrictions",
    "owner_unit",
    "is_endowment",
)


@transaction.atomic
def fund_create(*, by: User | None, founders: list[Donor] | None = None, **fields: Any) -> Fund:
    _require_office(by)
    unknown = set(fields) - set(FUND_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    name = _text(fields.get("name", ""), field="name", limit=200)
    code = _text(fields.get("code", ""), field="code", limit=30).lower()
    if fields.get("purpose") not in Purpose.values:
        raise ApplicationError(_("Choose the fund's purpose."), field="purpose")
    unit = fields.get("owner_unit")
    if unit is not None and unit.kind != Organization.Kind.SCHOOL_UNIT:
        raise ApplicationError(_("A fund belongs to a unit of the school."), field="owner_unit")
    if Fund.objects.filter(name=name).exists():
        raise ApplicationError(_("A fund with this name exists."), field="name")
    if Fund.objects.filter(code=code).exists():
        raise ApplicationError(_("A fund with this code exists."), field="code")
    fund = Fund(
        code=code,
        name=name,
        purpose=fields["purpose"],
        description=(fields.get("description") or "").strip(),
        restrictions=(fields.get("restrictions") or "").strip(),
        owner_unit=unit,
        is_endowment=bool(fields.get("is_endowment")),
    )
    fund.full_clean(exclude=["balance"])
    fund.save()
    if founders:
        fund.founders.set(founders)
    return fund


@transaction.atomic
def fund_close(*, fund: Fund, by: User | None) -> Fund:
    """A closed fund takes no gifts and opens no rounds; its money can still be paid or moved."""
    _require_office(by)
    Fund.objects.filter(pk=fund.pk).update(status=Fund.Status.CLOSED)
    fund.status = Fund.Status.CLOSED
    return fund


@transaction.atomic
def donor_for_person(*, person: Person) -> Donor:
    donor = Donor.objects.filter(person=person).first()
    if donor is not None:
        return donor
    try:
        with transaction.atomic():
            return Donor.objects.create(person=person)
    except IntegrityError:  # created meanwhile by another request
        return Donor.objects.get(person=person)


@transaction.atomic
def donor_for_organization(*, organization: Organization) -> Donor:
    donor = Donor.objects.filter(organization=organization).first()
    if donor is not None:
        return donor
    try:
        with transaction.atomic():
            return Donor.objects.create(organization=organization)
    except IntegrityError:
        return Donor.objects.get(organization=organization)


@transaction.atomic
def donor_set_anonymous(*, donor: Donor, anonymous: bool, by: User | None) -> Donor:
    """A donor (or the office for them) chooses whether students see their name."""
    if by is None or not (donor_is_mine(by, donor) or Role.ALUMNI_OFFICE in roles_of(by)):
        raise ApplicationError(_("You can change only your own choice."))
    Donor.objects.filter(pk=donor.pk).update(anonymous=bool(anonymous))
    donor.anonymous = bool(anonymous)
    return donor


def donor_is_mine(user: Any, donor: Donor) -> bool:
    """The user gives as this donor: it is their person, or they represent its organisation."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return False
    if donor.person_id is not None:
        return bool(donor.person_id == person_id)
    return Organization.representatives.through.objects.filter(
        organization_id=donor.organization_id or 0, person_id=person_id
    ).exists()


def source_of(donor: Donor) -> str:
    """The report group of a donor now: fixed on each gift when it is recorded."""
    if donor.organization_id is not None:
        assert donor.organization is not None
        if donor.organization.kind == Organization.Kind.ALUMNI_ENTERPRISE:
            return Source.ALUMNI_ENTERPRISES
        return Source.PARTNERS
    person = donor.person
    assert person is not None
    if person.stage == Stage.ALUMNUS:
        return Source.ALUMNI
    if person.stage in (Stage.STUDENT, Stage.PROSPECTIVE):
        return Source.STUDENTS
    if person.staff_posts.filter(active=True).exists():
        return Source.STAFF
    return Source.FRIENDS


# --- The ledger -----------------------------------------------------------------------------


def _lock_funds(*fund_ids: int) -> dict[int, Fund]:
    """Lock the funds' rows in id order (two transfers in opposite directions cannot deadlock)."""
    ids = sorted(set(fund_ids))
    funds = {f.pk: f for f in Fund.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(funds) != len(ids):
        raise ApplicationError(_("No such fund."))
    return funds


def _latest_date(fund: Fund) -> dt.date | None:
    return LedgerEntry.objects.filter(fund=fund).aggregate(d=Max("occurred_on"))["d"]


def _post(
    fund: Fund,
    *,
    kind: str,
    amount: Decimal,
    occurred_on: dt.date,
    by: User | None,
    memo: str = "",
    **links: Any,
) -> LedgerEntry:
    """Append one entry to a fund whose row this transaction has locked."""
    if amount == 0:
        raise ApplicationError(_("The amount must be more than zero."), field="amount")
    new_balance = fund.balance + amount
    if new_balance < 0:
        raise ApplicationError(
            _("%(fund)s holds %(balance)s; it cannot pay %(amount)s.")
            % {
                "fund": fund.name,
                "balance": format_money(fund.balance),
                "amount": format_money(-amount),
            },
            field="amount",
        )
    if amount < 0:
        latest = _latest_date(fund)
        if latest is not None and occurred_on < latest:
            raise ApplicationError(
                _("A payment out of a fund cannot be dated before its latest entry (%(d)s).")
                % {"d": latest.isoformat()},
                field="paid_on",
            )
    entry = LedgerEntry.objects.create(
        fund=fund,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        occurred_on=occurred_on,
        memo=memo[:300],
        recorded_by=by,
        **links,
    )
    Fund.objects.filter(pk=fund.pk).update(balance=new_balance)
    fund.balance = new_balance
    return entry


def _check_date(day: dt.date | None, *, field: str) -> dt.date:
    today = _today()
    day = day or today
    if day > today:
        raise ApplicationError(_("The date cannot be in the future."), field=field)
    return day


@transaction.atomic
def transfer_record(
    *, from_fund: Fund, to_fund: Fund, amount: Any, reason: str, by: User | None
) -> Transfer:
    _require_office(by)
    if from_fund.pk == to_fund.pk:
        raise ApplicationError(_("Choose two different funds."), field="to_fund")
    value = parse_amount(amount, currency=school_currency())
    reason = _text(reason, field="reason", limit=300)
    funds = _lock_funds(from_fund.pk, to_fund.pk)
    transfer = Transfer.objects.create(
        from_fund=funds[from_fund.pk],
        to_fund=funds[to_fund.pk],
        amount=value,
        reason=reason,
        recorded_by=by,
    )
    today = _today()
    _post(
        funds[from_fund.pk],
        kind=LedgerEntry.Kind.TRANSFER_OUT,
        amount=-value,
        occurred_on=today,
        by=by,
        memo=reason,
        transfer=transfer,
    )
    _post(
        funds[to_fund.pk],
        kind=LedgerEntry.Kind.TRANSFER_IN,
        amount=value,
        occurred_on=today,
        by=by,
        memo=reason,
        transfer=transfer,
    )
    return transfer


@transaction.atomic
def entry_reverse(*, entry: LedgerEntry, reason: str, by: User | None) -> list[LedgerEntry]:
    """Undo an entry by posting its opposite (both legs of a transfer). Reversals are final."""
    _require_office(by)
    reason = _text(reason, field="reason", limit=300)
    original = LedgerEntry.objects.get(pk=entry.pk)
    if original.kind == LedgerEntry.Kind.REVERSAL:
        raise ApplicationError(_("A reversal cannot be reversed; record a new entry instead."))
    legs = [original]
    if original.transfer_id is not None:
        legs = list(LedgerEntry.objects.filter(transfer_id=original.transfer_id).order_by("pk"))
    funds = _lock_funds(*(leg.fund_id for leg in legs))
    # Checked under the lock: a second reversal of the same entry waits here, then is refused.
    if LedgerEntry.objects.filter(reverses__in=legs).exists():
        raise ApplicationError(_("This entry has already been reversed."))
    today = _today()
    # Credits back first, so a transfer's reversal never dips the fund it returns money to.
    legs.sort(key=lambda leg: leg.amount)
    reversals = [
        _post(
            funds[leg.fund_id],
            kind=LedgerEntry.Kind.REVERSAL,
            amount=-leg.amount,
            occurred_on=today,
            by=by,
            memo=reason,
            reverses=leg,
            gift_id=leg.gift_id,
            award_id=leg.award_id,
            transfer_id=leg.transfer_id,
        )
        for leg in legs
    ]
    return reversals


# --- Gifts ----------------------------------------------------------------------------------


def _receipt_issue(gift: Gift) -> Receipt:
    """The next number of this year's sequence. The counter row is locked until commit, so a
    transaction that fails leaves no gap: its number was never committed."""
    year = _today().year
    counter = ReceiptCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(year=year, last_number=0)
        except IntegrityError:  # another transaction created this year's counter first
            pass
        counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    ReceiptCounter.objects.filter(year=year).update(last_number=counter.last_number)
    return Receipt.objects.create(gift=gift, year=year, number=counter.last_number)


def _gift_actor(
    donor: Donor, representative: Person | None, credited: list[Person]
) -> Person | None:
    """Who the ledger of services names as giving: the person, else the soft-credited alumnus,
    else the organisation's representative."""
    if donor.person_id is not None:
        return donor.person
    alumni = [p for p in credited if p.stage == Stage.ALUMNUS]
    if alumni:
        return alumni[0]
    return representative or (credited[0] if credited else None)


def _provider_for(actor: Person | None) -> str:
    if actor is None:
        return Provider.PARTNER
    try:
        return provider_of(actor)
    except ApplicationError:
        # Friends and parents give too: they are the whole of society, as partners are.
        return Provider.PARTNER


@transaction.atomic
def gift_record(
    *,
    donor: Donor,
    fund: Fund,
    by: User | None,
    amount: Any,
    currency: str | None = None,
    exchange_rate: Any = None,
    kind: str = Gift.Kind.MONEY,
    description: str = "",
    received_on: dt.date | None = None,
    representative: Person | None = None,
    soft_credits: Sequence[tuple[Person, Any]] | None = None,
    instalment: PledgeInstalment | None = None,
    recurring: RecurringGift | None = None,
    matches: Gift | None = None,
    anonymous: bool = False,
    note: str = "",
) -> Gift:
    """Record a gift received: its ledger entry (money), its receipt and its Activity.

    A gift in another currency keeps the original amount and the rate; the fund is credited the
    amount converted into the school's currency, rounded half up to its places.
    """
    _require_office(by)
    home = school_currency()
    currency = (currency or home).strip().upper()
    places_of(currency)  # an unknown currency is refused here
    if kind not in Gift.Kind.values:
        raise ApplicationError(_("A gift is money or in kind."), field="kind")
    original = parse_amount(amount, currency=currency)
    if currency == home:
        rate = Decimal(1)
    else:
        if exchange_rate in (None, ""):
            raise ApplicationError(
                _("Give the rate from %(c)s to %(h)s.") % {"c": currency, "h": home},
                field="exchange_rate",
            )
        try:
            rate = Decimal(str(exchange_rate).strip())
        except ArithmeticError:
            rate = Decimal(0)
        if not rate.is_finite() or rate <= 0 or rate > 100000:
            raise ApplicationError(_("The rate must be a positive number."), field="exchange_rate")
        rate = rate.quantize(Decimal("0.00000001"))
    converted = convert(original, rate=rate, to=home)
    if converted <= 0:
        raise ApplicationError(_("The amount is too small."), field="amount")
    received_on = _check_date(received_on, field="received_on")
    description = description.strip()
    if kind == Gift.Kind.IN_KIND and not description:
        raise ApplicationError(_("Describe the gift in kind."), field="description")
    locked = _lock_funds(fund.pk)[fund.pk]
    if locked.status != Fund.Status.ACTIVE:
        raise ApplicationError(_("This fund is closed to new gifts."), field="fund")
    if representative is not None and donor.organization_id is None:
        raise ApplicationError(_("Only an organisation gives through a representative."))
    if instalment is not None:
        pledge = Pledge.objects.select_for_update().get(pk=instalment.pledge_id)
        if pledge.donor_id != donor.pk or pledge.fund_id != fund.pk:
            raise ApplicationError(_("This instalment belongs to another pledge."))
        if pledge.status != Pledge.Status.OPEN:
            raise ApplicationError(_("This pledge is no longer open."))
    if recurring is not None and (recurring.donor_id != donor.pk or recurring.fund_id != fund.pk):
        raise ApplicationError(_("This recurring gift belongs to another donor or fund."))
    gift = Gift.objects.create(
        donor=donor,
        fund=locked,
        kind=kind,
        source=source_of(donor),
        received_on=received_on,
        amount=converted,
        currency=currency,
        original_amount=original,
        exchange_rate=rate,
        description=description,
        instalment=instalment,
        recurring=recurring,
        matches=matches,
        representative=representative,
        anonymous=bool(anonymous),
        note=note.strip()[:300],
        recorded_by=by,
    )
    credited: list[Person] = []
    total_credited = Decimal(0)
    for person, credit in soft_credits or []:
        # No amount: the whole gift, as converted into the school's currency.
        value = (
            converted
            if credit is None
            else parse_amount(credit, currency=home, field="soft_credit")
        )
        total_credited += value
        if donor.person_id == person.pk:
            raise ApplicationError(_("A donor is not soft-credited for their own gift."))
        SoftCredit.objects.create(gift=gift, person=person, amount=value)
        credited.append(person)
    if total_credited > converted:
        raise ApplicationError(_("Soft credits cannot exceed the gift."), field="soft_credit")
    if kind == Gift.Kind.MONEY:
        _post(
            locked,
            kind=LedgerEntry.Kind.GIFT,
            amount=converted,
            occurred_on=received_on,
            by=by,
            gift=gift,
        )
    _receipt_issue(gift)
    if instalment is not None:
        _pledge_update_status(instalment.pledge_id)
    actor = _gift_actor(donor, representative, credited)
    activity_record(
        kind=GIFT.slug,
        actor=actor,
        beneficiary=None,
        aspect=locked.aspect,
        provider=_provider_for(actor),
        note=f"{locked.name}: {format_money(converted)}",
        occurred_at=_moment(received_on),
        source=gift,
        recorded_by=by,
    )
    return gift


def gift_is_reversed(gift: Gift) -> bool:
    return LedgerEntry.objects.filter(gift=gift, kind=LedgerEntry.Kind.REVERSAL).exists()


@transaction.atomic
def gift_reverse(*, gift: Gift, reason: str, by: User | None) -> LedgerEntry:
    """A money gift returned or recorded by mistake: its entry is reversed (the receipt stays)."""
    entry = LedgerEntry.objects.filter(gift=gift, kind=LedgerEntry.Kind.GIFT).first()
    if entry is None:
        raise ApplicationError(_("Only money gifts are in the ledger."))
    reversal = entry_reverse(entry=entry, reason=reason, by=by)[0]
    if gift.instalment_id is not None:
        assert gift.instalment is not None
        _pledge_update_status(gift.instalment.pledge_id)
    return reversal


@transaction.atomic
def matching_gift_record(
    *, gift: Gift, offer: MatchingOffer, by: User | None, received_on: dt.date | None = None
) -> Gift:
    """The donor's employer matches their gift: ratio times the gift, within the yearly cap."""
    _require_office(by)
    original = Gift.objects.select_for_update().select_related("donor").get(pk=gift.pk)
    if not offer.active:
        raise ApplicationError(_("This matching offer has ended."))
    person = original.donor.person
    if person is None:
        raise ApplicationError(_("Only a person's gift is matched by their employer."))
    company = offer.donor.organization
    if (
        company is None
        or not Employment.objects.filter(
            person=person, organization=company, is_current=True
        ).exists()
    ):
        raise ApplicationError(_("The donor does not work for this organisation now."))
    if original.matched_by.filter(donor=offer.donor).exists():
        raise ApplicationError(_("This gift has already been matched."))
    if gift_is_reversed(original):
        raise ApplicationError(_("This gift was reversed."))
    year = original.received_on.year
    matched_this_year = exact_sum(
        Gift.objects.filter(
            donor=offer.donor, matches__donor__person=person, matches__received_on__year=year
        )
    )
    home = school_currency()
    wanted = convert(original.amount, rate=offer.ratio, to=home)
    room = offer.cap_per_person_per_year - matched_this_year
    value = min(wanted, room)
    if value <= 0:
        raise ApplicationError(_("This year's matching cap for the donor is reached."))
    return gift_record(
        donor=offer.donor,
        fund=original.fund,
        by=by,
        amount=str(value),
        received_on=received_on,
        matches=original,
        soft_credits=[(person, str(value))],
        note=_("Matches gift %(id)s") % {"id": original.pk},
    )


# --- Pledges and recurring gifts -----------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def pledge_create(
    *,
    donor: Donor,
    fund: Fund,
    total: Any,
    instalments: int = 1,
    first_due_on: dt.date | None = None,
    months_between: int = 12,
    note: str = "",
    by: User | None,
) -> Pledge:
    """A promise: the total split into instalments (the remainder in the last), with reminders.

    A donor pledges for themself (or an organisation they represent); the office for anyone.
    """
    if by is None or not (donor_is_mine(by, donor) or Role.ALUMNI_OFFICE in roles_of(by)):
        raise ApplicationError(_("You can pledge only for yourself."))
    if fund.status != Fund.Status.ACTIVE:
        raise ApplicationError(_("This fund is closed to new gifts."), field="fund")
    home = school_currency()
    value = parse_amount(total, currency=home, field="total")
    if not isinstance(instalments, int) or not 1 <= instalments <= MAX_INSTALMENTS:
        raise ApplicationError(
            _("From 1 to %(n)d instalments.") % {"n": MAX_INSTALMENTS}, field="instalments"
        )
    if not isinstance(months_between, int) or not 1 <= months_between <= 24:
        raise ApplicationError(
            _("From 1 to 24 months between instalments."), field="months_between"
        )
    first_due_on = first_due_on or _today()
    if first_due_on < _today():
        raise ApplicationError(
            _("The first instalment cannot be due in the past."), field="first_due_on"
        )
    unit = Decimal(1).scaleb(-places_of(home))
    each = (value / instalments).quantize(unit, rounding="ROUND_DOWN")
    if each <= 0:
        raise ApplicationError(_("Each instalment must be more than zero."), field="instalments")
    pledge = Pledge.objects.create(
        donor=donor, fund=fund, total=value, note=note.strip()[:300], recorded_by=by
    )
    rows = []
    for n in range(instalments):
        amount = each if n < instalments - 1 else value - each * (instalments - 1)
        rows.append(
            PledgeInstalment(
                pledge=pledge, due_on=add_months(first_due_on, n * months_between), amount=amount
            )
        )
    PledgeInstalment.objects.bulk_create(rows)
    transaction.on_commit(lambda: _schedule_pledge_reminders(pledge.pk))
    return pledge


def pledge_paid(pledge_id: int) -> Decimal:
    """Money received against a pledge, reversed gifts left out."""
    return exact_sum(
        Gift.objects.filter(instalment__pledge_id=pledge_id).exclude(
            entries__kind=LedgerEntry.Kind.REVERSAL
        )
    )


def instalment_paid(instalment_id: int) -> Decimal:
    return exact_sum(
        Gift.objects.filter(instalment_id=instalment_id).exclude(
            entries__kind=LedgerEntry.Kind.REVERSAL
        )
    )


def _pledge_update_status(pledge_id: int) -> None:
    pledge = Pledge.objects.get(pk=pledge_id)
    if pledge.status == Pledge.Status.CANCELLED:
        return
    status = (
        Pledge.Status.FULFILLED if pledge_paid(pledge_id) >= pledge.total else Pledge.Status.OPEN
    )
    Pledge.objects.filter(pk=pledge_id).update(status=status)


@transaction.atomic
def pledge_cancel(*, pledge: Pledge, by: User | None) -> Pledge:
    _require_office(by)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.CANCELLED)
    pledge.status = Pledge.Status.CANCELLED
    return pledge


def _schedule_pledge_reminders(pledge_id: int) -> None:
    """A reminder job per instalment, a week before it is due (where the queue can defer jobs);
    without one, `alma giving reminders` (from cron) sends what is due."""
    from alma.giving.tasks import pledge_reminder_send_task

    if not pledge_reminder_send_task.get_backend().supports_defer:
        return
    for instalment in PledgeInstalment.objects.filter(pledge_id=pledge_id):
        send_on = instalment.due_on - dt.timedelta(days=REMINDER_LEAD_DAYS)
        run_after = timezone.make_aware(dt.datetime.combine(send_on, dt.time(9, 0)))
        if run_after > timezone.now():
            pledge_reminder_send_task.using(run_after=run_after).enqueue(instalment.pk)


def donor_contacts(donor: Donor) -> list[str]:
    """Where a donor's mail goes: the person, or the organisation's representatives."""
    if donor.person_id is not None:
        assert donor.person is not None
        return [donor.person.email] if donor.person.email else []
    return [
        p.email
        for p in Person.objects.filter(represented_organizations=donor.organization_id)
        if p.email
    ]


def pledge_reminder_send(*, instalment_id: int, today: dt.date | None = None) -> bool:
    """Remind the donor of an instalment due within a week and not yet paid; at most once.

    The instalment is claimed with a conditional update before the mail goes, so two workers
    never remind twice.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    today = today or _today()
    instalment = (
        PledgeInstalment.objects.select_related("pledge__donor__person", "pledge__fund")
        .filter(pk=instalment_id, reminded_at__isnull=True, pledge__status=Pledge.Status.OPEN)
        .first()
    )
    if instalment is None:
        return False
    if not today <= instalment.due_on <= today + dt.timedelta(days=REMINDER_LEAD_DAYS):
        return False
    if instalment_paid(instalment.pk) >= instalment.amount:
        return False
    recipients = donor_contacts(instalment.pledge.donor)
    claimed = PledgeInstalment.objects.filter(pk=instalment.pk, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    )
    if not claimed or not recipients:
        return False
    body = render_to_string(
        "giving/email/pledge_reminder.txt",
        {
            "instalment": instalment,
            "fund": instalment.pledge.fund,
            "amount": format_money(instalment.amount),
            "link": settings.SITE_URL + "/giving/impact/",
        },
    )
    send_mail(
        _("Your pledge to %(fund)s: an instalment is due on %(date)s")
        % {"fund": instalment.pledge.fund.name, "date": instalment.due_on.isoformat()},
        body,
        None,
        recipients,
    )
    return True


def pledge_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Send every instalment reminder now due (for `alma giving reminders`, run from cron)."""
    today = today or _today()
    due = PledgeInstalment.objects.filter(
        reminded_at__isnull=True,
        pledge__status=Pledge.Status.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=REMINDER_LEAD_DAYS),
    ).values_list("pk", flat=True)
    return sum(pledge_reminder_send(instalment_id=pk, today=today) for pk in list(due))


INTERVAL_MONTHS = {
    RecurringGift.Interval.MONTHLY: 1,
    RecurringGift.Interval.QUARTERLY: 3,
    RecurringGift.Interval.YEARLY: 12,
}


@transaction.atomic
def recurring_gift_create(
    *,
    donor: Donor,
    fund: Fund,
    amount: Any,
    interval: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    by: User | None,
) -> RecurringGift:
    _require_office(by)
    if interval not in INTERVAL_MONTHS:
        raise ApplicationError(_("Choose monthly, quarterly or yearly."), field="interval")
    value = parse_amount(amount, currency=school_currency())
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(_("It cannot end before it starts."), field="ends_on")
    return RecurringGift.objects.create(
        donor=donor,
        fund=fund,
        amount=value,
        interval=interval,
        starts_on=starts_on,
        next_due_on=starts_on,
        ends_on=ends_on,
    )


@transaction.atomic
def recurring_gift_collect(
    *, plan: RecurringGift, by: User | None, received_on: dt.date | None = None
) -> Gift:
    """Record the payment now due from a standing gift and move its due date on."""
    _require_office(by)
    locked = RecurringGift.objects.select_for_update().get(pk=plan.pk)
    if not locked.active:
        raise ApplicationError(_("This recurring gift has ended."))
    gift = gift_record(
        donor=locked.donor,
        fund=locked.fund,
        by=by,
        amount=str(locked.amount),
        received_on=received_on,
        recurring=locked,
    )
    next_due = add_months(locked.next_due_on, INTERVAL_MONTHS[locked.interval])  # type: ignore[index]
    active = locked.ends_on is None or next_due <= locked.ends_on
    RecurringGift.objects.filter(pk=locked.pk).update(next_due_on=next_due, active=active)
    plan.next_due_on, plan.active = next_due, active
    return gift


# --- Receipts -------------------------------------------------------------------------------


@transaction.atomic
def receipt_print(*, receipt: Receipt, by: User | None) -> ReceiptPrint:
    """Log a print: the first is the original, every later one is marked as a duplicate."""
    locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
    Receipt.objects.filter(pk=locked.pk).update(printed_count=locked.printed_count + 1)
    receipt.printed_count = locked.printed_count + 1
    return ReceiptPrint.objects.create(
        receipt=locked, is_duplicate=locked.printed_count > 0, printed_by=by
    )


@transaction.atomic
def receipt_wording_save(
    *, language: str, organisation: str, title: str, body: str, footer: str, by: User | None
) -> ReceiptWording:
    _require_office(by)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(_("Unknown language."), field="language")
    values = {
        "organisation": _text(organisation, field="organisation", limit=200),
        "title": _text(title, field="title", limit=200),
        "body": _text(body, field="body", limit=2000),
        "footer": _text(footer, field="footer", limit=2000),
    }
    try:
        values["body"].format(donor="", amount="", fund="", date="")
    except (KeyError, IndexError, ValueError):
        raise ApplicationError(
            _("The thanks may use only {donor}, {amount}, {fund} and {date}."), field="body"
        ) from None
    wording, _created = ReceiptWording.objects.update_or_create(language=language, defaults=values)
    return wording


# --- Awards ---------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    fund: Fund,
    name: str,
    criteria: str,
    amount: Any,
    places: int,
    opens_on: dt.date,
    closes_on: dt.date,
    committee: list[Person] | None = None,
    by: User | None,
) -> AwardRound:
    _require_office(by)
    if fund.status != Fund.Status.ACTIVE:
        raise ApplicationError(_("This fund is closed."), field="fund")
    value = parse_amount(amount, currency=school_currency())
    if not isinstance(places, int) or not 1 <= places <= 1000:
        raise ApplicationError(_("From 1 to 1000 awards."), field="places")
    if closes_on < opens_on:
        raise ApplicationError(_("A round closes after it opens."), field="closes_on")
    award_round = AwardRound.objects.create(
        fund=fund,
        name=_text(name, field="name", limit=200),
        criteria=_text(criteria, field="criteria", limit=STATEMENT_MAX),
        amount=value,
        places=places,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    if committee:
        award_round.committee.set(committee)
    return award_round


def _sniff(upload: UploadedFile) -> tuple[str, str]:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, extension, content_type in DOCUMENT_TYPES:
        if head.startswith(magic):
            return extension, content_type
    raise ApplicationError(_("Attach a PDF, PNG or JPEG file."), field="documents")


def _document_add(
    application: Application, upload: UploadedFile, title: str
) -> ApplicationDocument:
    limit = settings.ALMA_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ApplicationError(
            _("A document may be at most %(n)d MB.") % {"n": limit // (1024 * 1024)},
            field="documents",
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), field="documents")
    extension, content_type = _sniff(upload)
    if application.documents.count() >= MAX_DOCUMENTS:
        raise ApplicationError(
            _("At most %(n)d documents per application.") % {"n": MAX_DOCUMENTS},
            field="documents",
        )
    # The uploader's file name is only a hint for the title, cleaned; it never names a file.
    hint = "".join(c for c in (title or upload.name or "") if c.isprintable()).strip()
    document = ApplicationDocument(
        application=application,
        storage_token=secrets.token_hex(16),
        extension=extension,
        title=(hint or _("Document"))[:120],
        content_type=content_type,
        size=upload.size,
    )
    document.file.save(f"document{extension}", upload, save=False)
    document.save()
    return document


@transaction.atomic
def application_submit(
    *,
    award_round: AwardRound,
    by: User | None,
    statement: str,
    named_to_donors: bool = False,
    documents: list[UploadedFile] | None = None,
    today: dt.date | None = None,
) -> Application:
    """A student applies to an open round, with documents (PDF or images, checked by content)."""
    if by is None or by.person is None or Role.STUDENT not in roles_of(by):
        raise ApplicationError(_("Only students apply for awards."))
    today = today or _today()
    locked = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if locked.status != AwardRound.Status.OPEN or not locked.opens_on <= today <= locked.closes_on:
        raise ApplicationError(_("This round is not open for applications."))
    if Application.objects.filter(round=locked, student=by.person).exists():
        raise ApplicationError(_("You have already applied to this round."))
    application = Application.objects.create(
        round=locked,
        student=by.person,
        statement=_text(statement, field="statement", limit=STATEMENT_MAX),
        named_to_donors=bool(named_to_donors),
    )
    for upload in documents or []:
        _document_add(application, upload, "")
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: User | None) -> Application:
    if by is None or by.person_id != application.student_id:
        raise ApplicationError(_("Only the applicant can withdraw."))
    if application.status != Application.Status.SUBMITTED:
        raise ApplicationError(_("This application has been decided."))
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    application.status = Application.Status.WITHDRAWN
    return application


@transaction.atomic
def application_set_named(*, application: Application, by: User | None, named: bool) -> Application:
    """The student changes whether the fund's donors may see their name."""
    if by is None or by.person_id != application.student_id:
        raise ApplicationError(_("Only the student can change this."))
    Application.objects.filter(pk=application.pk).update(named_to_donors=bool(named))
    application.named_to_donors = bool(named)
    return application


def may_review(user: Any, award_round: AwardRound) -> bool:
    if Role.ALUMNI_OFFICE in roles_of(user):
        return True
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return False
    return award_round.committee.filter(pk=person_id).exists()


@transaction.atomic
def round_close(*, award_round: AwardRound, by: User | None) -> AwardRound:
    """Stop taking applications; the committee scores."""
    _require_office(by)
    AwardRound.objects.filter(pk=award_round.pk).update(status=AwardRound.Status.REVIEWING)
    award_round.status = AwardRound.Status.REVIEWING
    return award_round


@transaction.atomic
def application_score(
    *, application: Application, by: User | None, score: int, comment: str = ""
) -> Score:
    award_round = application.round
    if by is None or by.person is None or not may_review(by, award_round):
        raise ApplicationError(_("Only the round's committee scores applications."))
    if award_round.status != AwardRound.Status.REVIEWING:
        raise ApplicationError(_("Scores are given while the committee reviews."))
    if application.status == Application.Status.WITHDRAWN:
        raise ApplicationError(_("This application was withdrawn."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 10:
        raise ApplicationError(_("A score is a whole number from 1 to 10."), field="score")
    if application.student_id == by.person_id:
        raise ApplicationError(_("You cannot score your own application."))
    row, _created = Score.objects.update_or_create(
        application=application,
        reviewer=by.person,
        defaults={"score": score, "comment": comment.strip()[:2000], "scored_at": timezone.now()},
    )
    return row


@transaction.atomic
def application_decide(
    *, application: Application, by: User | None, award: bool, amount: Any = None
) -> Award | None:
    """The committee's decision: an award (the round's amount unless given) or not."""
    _require_office(by)
    award_round = AwardRound.objects.select_for_update().get(pk=application.round_id)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if award_round.status != AwardRound.Status.REVIEWING:
        raise ApplicationError(_("Close the round for applications before deciding."))
    if locked.status != Application.Status.SUBMITTED:
        raise ApplicationError(_("This application has been decided or withdrawn."))
    now = timezone.now()
    if not award:
        Application.objects.filter(pk=locked.pk).update(
            status=Application.Status.DECLINED, decided_at=now, decided_by=by
        )
        application.status = Application.Status.DECLINED
        return None
    if Award.objects.filter(application__round=award_round).count() >= award_round.places:
        raise ApplicationError(
            _("All %(n)d awards of this round are given.") % {"n": award_round.places}
        )
    value = (
        award_round.amount
        if amount in (None, "")
        else parse_amount(amount, currency=school_currency())
    )
    Application.objects.filter(pk=locked.pk).update(
        status=Application.Status.AWARDED, decided_at=now, decided_by=by
    )
    application.status = Application.Status.AWARDED
    return Award.objects.create(application=locked, amount=value, decided_by=by)


@transaction.atomic
def round_finish(*, award_round: AwardRound, by: User | None) -> AwardRound:
    """All decided: the applications not awarded are declined."""
    _require_office(by)
    now = timezone.now()
    Application.objects.filter(round=award_round, status=Application.Status.SUBMITTED).update(
        status=Application.Status.DECLINED, decided_at=now, decided_by=by
    )
    AwardRound.objects.filter(pk=award_round.pk).update(status=AwardRound.Status.DECIDED)
    award_round.status = AwardRound.Status.DECIDED
    return award_round


def award_paid(award: Award) -> Decimal:
    """Paid to the student so far, reversals included (a reversed payment is money back)."""
    return -exact_sum(LedgerEntry.objects.filter(award=award))


@transaction.atomic
def award_pay(
    *, award: Award, by: User | None, amount: Any = None, paid_on: dt.date | None = None
) -> LedgerEntry:
    """Pay (part of) an award from its fund. Never takes the fund below zero: the fund's row is
    locked, then its balance read, so a second payment at the same moment waits and sees it."""
    _require_office(by)
    award = Award.objects.select_related("application__round__fund", "application__student").get(
        pk=award.pk
    )
    fund_id = award.application.round.fund_id
    fund = _lock_funds(fund_id)[fund_id]
    remaining = award.amount - award_paid(award)
    if remaining <= 0:
        raise ApplicationError(_("This award is paid in full."))
    value = remaining if amount in (None, "") else parse_amount(amount, currency=school_currency())
    if value > remaining:
        raise ApplicationError(
            _("Only %(r)s of this award is left to pay.") % {"r": format_money(remaining)},
            field="amount",
        )
    paid_on = _check_date(paid_on, field="paid_on")
    student = award.application.student
    entry = _post(
        fund,
        kind=LedgerEntry.Kind.AWARD_PAYMENT,
        amount=-value,
        occurred_on=paid_on,
        by=by,
        memo=str(award.application.round),
        award=award,
    )
    if award.activity_recorded_at is None:
        # The award reaches the student: one service in the five-service ledger.
        activity_record(
            kind=AWARD.slug,
            actor=by.person if by is not None else None,
            beneficiary=student,
            aspect=fund.aspect,
            provider=Provider.ALUMNI_OFFICE,
            note=f"{award.application.round.name}: {format_money(award.amount)}",
            occurred_at=_moment(paid_on),
            source=award,
            recorded_by=by,
        )
        Award.objects.filter(pk=award.pk).update(activity_recorded_at=timezone.now())
    return entry


@transaction.atomic
def emergency_grant_pay(
    *, fund: Fund, student: Person, amount: Any, by: User | None, paid_on: dt.date | None = None
) -> LedgerEntry:
    """An emergency grant from a hardship fund, decided and paid at once by the alumni office
    (for a student-support case): a one-place round, an awarded application whose statement says
    nothing of the case, not named to donors, paid through `award_pay` like any award."""
    _require_office(by)
    if fund.purpose != Purpose.HARDSHIP:
        raise ApplicationError(_("Emergency grants are paid from a hardship fund."), field="fund")
    if fund.status != Fund.Status.ACTIVE:
        raise ApplicationError(_("This fund is closed."), field="fund")
    value = parse_amount(amount, currency=school_currency())
    today = _today()
    award_round = AwardRound.objects.create(
        fund=fund,
        name=_("Emergency grant %(d)s") % {"d": today.isoformat()},
        criteria=_("Decided by the alumni office for a student in an emergency."),
        amount=value,
        places=1,
        opens_on=today,
        closes_on=today,
        status=AwardRound.Status.DECIDED,
    )
    application = Application.objects.create(
        round=award_round,
        student=student,
        statement=_("Emergency grant."),
        status=Application.Status.AWARDED,
        named_to_donors=False,
        decided_at=timezone.now(),
        decided_by=by,
    )
    award = Award.objects.create(application=application, amount=value, decided_by=by)
    return award_pay(award=award, by=by, paid_on=paid_on)


# --- Letters and ceremonies ----------------------------------------------------------------


@transaction.atomic
def letter_write(*, award: Award, by: User | None, text: str) -> ThankYouLetter:
    if by is None or by.person_id != award.application.student_id:
        raise ApplicationError(_("Only the student who received the award writes to its donors."))
    text = _text(text, field="text", limit=LETTER_MAX)
    return ThankYouLetter.objects.create(award=award, text=text)


@transaction.atomic
def letter_review(
    *, letter: ThankYouLetter, by: User | None, approve: bool, note: str = ""
) -> ThankYouLetter:
    """The office approves a letter (donors see it from then) or returns it with a note."""
    _require_office(by)
    locked = ThankYouLetter.objects.select_for_update().get(pk=letter.pk)
    if locked.status != ThankYouLetter.Status.SUBMITTED:
        raise ApplicationError(_("This letter has already been reviewed."))
    note = note.strip()[:300]
    if not approve and not note:
        raise ApplicationError(_("Tell the student what to change."), field="review_note")
    locked.status = ThankYouLetter.Status.APPROVED if approve else ThankYouLetter.Status.RETURNED
    locked.review_note = note
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by"])
    return locked


def ceremony_guests(award_round: AwardRound) -> tuple[list[Person], list[Person]]:
    """The people to invite: the fund's donors (or their organisations' representatives) and
    the round's award holders."""
    donors = Donor.objects.filter(gifts__fund=award_round.fund).distinct()
    people: dict[int, Person] = {}
    for donor in donors.select_related("person"):
        if donor.person is not None:
            people[donor.person.pk] = donor.person
        else:
            for rep in Person.objects.filter(represented_organizations=donor.organization_id):
                people[rep.pk] = rep
    students = [
        a.application.student
        for a in Award.objects.filter(application__round=award_round).select_related(
            "application__student"
        )
    ]
    return list(people.values()), students


@transaction.atomic
def ceremony_invite(*, award_round: AwardRound, event: Any, by: User | None) -> dict[str, int]:
    """Make `event` the round's award ceremony and give its donors and students a seat there.

    Seats are taken through the events module (registration, waitlist, QR code and reminders as
    for any event); people the event's audience does not admit are counted, not seated.
    """
    from alma.events.models import EventKind
    from alma.events.services import event_register
    from alma.events.tasks import event_invitations_send

    _require_office(by)
    if event.kind != EventKind.CEREMONY:
        raise ApplicationError(_("Choose a ceremony."), field="event")
    if event.is_cancelled:
        raise ApplicationError(_("This event was cancelled."), field="event")
    AwardRound.objects.filter(pk=award_round.pk).update(ceremony=event)
    award_round.ceremony = event
    donors, students = ceremony_guests(award_round)
    counts = {"donors": 0, "students": 0, "not_admitted": 0}
    invited: list[int] = []
    for group, people in (("donors", donors), ("students", students)):
        for person in people:
            try:
                with transaction.atomic():
                    event_register(event=event, person=person, by=by)
            except ApplicationError:
                counts["not_admitted"] += 1
                continue
            counts[group] += 1
            invited.append(person.pk)
    if invited:
        transaction.on_commit(lambda: event_invitations_send.enqueue(event.pk, invited))
    return counts
