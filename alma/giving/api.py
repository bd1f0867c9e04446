"""API: funds, my giving (impact), and for the alumni office recording gifts and paying awards."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alma.giving import selectors, services
from alma.giving.models import Award, Donor, Fund
from alma.lib.errors import ApplicationError
from alma.lib.openapi import errors
from alma.people.privacy import people_visible_to

router = Router(tags=["giving"])


class FundOut(Schema):
    id: int
    code: str
    name: str
    purpose: str
    description: str
    is_endowment: bool
    status: str
    balance: Decimal | None  # the alumni office only


class FundGivenOut(Schema):
    fund_id: int
    fund: str
    amount: Decimal
    gifts: int


class StudentOut(Schema):
    name: str
    fund: str
    round: str
    year: int


class LetterOut(Schema):
    text: str
    student: str | None
    fund: str


class ImpactOut(Schema):
    donor_id: int
    total: Decimal
    funds: list[FundGivenOut]
    students_named: list[StudentOut]
    students_not_named: int
    letters: list[LetterOut]


class GiftIn(Schema):
    fund_id: int
    person_id: int | None = None
    organization_id: int | None = None
    amount: str = Field(max_length=20)
    currency: str | None = Field(None, max_length=3)
    exchange_rate: str | None = Field(None, max_length=20)
    kind: str = "money"
    description: str = Field("", max_length=2000)
    received_on: dt.date | None = None
    anonymous: bool = False


class GiftOut(Schema):
    id: int
    donor_id: int
    fund_id: int
    amount: Decimal
    currency: str
    original_amount: Decimal
    receipt: str
    fund_balance: Decimal


class PaymentIn(Schema):
    amount: str | None = Field(None, max_length=20)


class PaymentOut(Schema):
    entry_id: int
    award_id: int
    amount: Decimal
    fund_balance: Decimal


def _require_office(request: HttpRequest) -> None:
    if not selectors.is_office(request.user):
        raise HttpError(403, _("Only the alumni office can do this."))


@router.get("/funds", response=list[FundOut], summary="Education funds")
def funds(request: HttpRequest) -> list[FundOut]:
    office = selectors.is_office(request.user)
    listed = selectors.funds_listed()
    if not office:
        listed = listed.filter(status=Fund.Status.ACTIVE)
    return [
        FundOut(
            id=f.pk,
            code=f.code,
            name=f.name,
            purpose=f.purpose,
            description=f.description,
            is_endowment=f.is_endowment,
            status=f.status,
            balance=f.balance if office else None,
        )
        for f in listed
    ]


@router.get("/impact", response=list[ImpactOut], summary="My giving and whom it helped")
def my_impact(request: HttpRequest) -> list[ImpactOut]:
    """What I (and organisations I represent) gave, whom it helped, and their letters."""
    result = []
    for donor in selectors.donors_of(request.user).select_related("person", "organization"):
        impact = selectors.donor_impact(donor=donor, viewer=request.user)
        result.append(
            ImpactOut(
                donor_id=donor.pk,
                total=impact.total,
                funds=[
                    FundGivenOut(
                        fund_id=r["fund"].pk,
                        fund=r["fund"].name,
                        amount=r["amount"],
                        gifts=r["gifts"],
                    )
                    for r in impact.by_fund
                ],
                students_named=[
                    StudentOut(name=s.name or "", fund=s.fund, round=s.round, year=s.year)
                    for s in impact.named
                ],
                students_not_named=impact.unnamed_count,
                letters=[
                    LetterOut(text=r["letter"].text, student=r["student"], fund=r["fund"])
                    for r in impact.letters
                ],
            )
        )
    return result


@router.post(
    "/gifts",
    response={201: GiftOut},
    summary="Record a gift (alumni office)",
    openapi_extra=errors(403, 404),
)
def record_gift(request: HttpRequest, payload: GiftIn) -> Status:
    _require_office(request)
    fund = get_object_or_404(Fund, pk=payload.fund_id)
    donor: Donor
    if (payload.person_id is None) == (payload.organization_id is None):
        raise ApplicationError(_("Give person_id or organization_id."), field="person_id")
    if payload.person_id is not None:
        person = get_object_or_404(people_visible_to(request.user), pk=payload.person_id)
        donor = services.donor_for_person(person=person)
    else:
        from alma.people.models import Organization

        organization = get_object_or_404(Organization, pk=payload.organization_id)
        donor = services.donor_for_organization(organization=organization)
    gift = services.gift_record(
        donor=donor,
        fund=fund,
        by=request.user,  # type: ignore[arg-type]
        amount=payload.amount,
        currency=payload.currency,
        exchange_rate=payload.exchange_rate,
        kind=payload.kind,
        description=payload.description,
        received_on=payload.received_on,
        anonymous=payload.anonymous,
    )
    fund.refresh_from_db()
    return Status(
        201,
        GiftOut(
            id=gift.pk,
            donor_id=donor.pk,
            fund_id=fund.pk,
            amount=gift.amount,
            currency=gift.currency,
            original_amount=gift.original_amount,
            receipt=gift.receipt.label,
            fund_balance=fund.balance,
        ),
    )


@router.post(
    "/awards/{award_id}/payments",
    response={201: PaymentOut},
    summary="Pay an award from its fund (alumni office)",
    openapi_extra=errors(403, 404),
)
def pay_award(request: HttpRequest, award_id: int, payload: PaymentIn) -> Status:
    _require_office(request)
    award = get_object_or_404(Award, pk=award_id)
    entry = services.award_pay(award=award, by=request.user, amount=payload.amount)  # type: ignore[arg-type]
    return Status(
        201,
        PaymentOut(
            entry_id=entry.pk,
            award_id=award.pk,
            amount=-entry.amount,
            fund_balance=entry.balance_after,
        ),
    )
