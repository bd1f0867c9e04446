"""A small world of giving around the personas, for page, API and role tests.

dave (alumnus) gave to the scholarship fund; frank's company gave through him; carol (student)
won an award from that fund (paid), wrote a letter (approved); gina applied and did not consent
to be named. `giving_world(users)` returns the ids the role tests format their requests with.
"""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alma.giving import services
from alma.giving.models import AwardRound, Fund, MatchingOffer, Purpose
from alma.people.models import Organization
from alma.testing import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def giving_world(users: dict[str, Any]) -> dict[str, Any]:
    alice, carol, dave, frank, gina = (
        users[n] for n in ("alice", "carol", "dave", "frank", "gina")
    )
    today = timezone.localdate()
    fund = services.fund_create(
        by=alice, code="li-scholarship", name="Li Family Scholarship", purpose=Purpose.SCHOLARSHIP
    )
    other_fund = services.fund_create(
        by=alice, code="hardship", name="Hardship Aid Fund", purpose=Purpose.HARDSHIP
    )
    dave_donor = services.donor_for_person(person=dave.person)
    dave_gift = services.gift_record(donor=dave_donor, fund=fund, by=alice, amount="20000.00")
    company = Organization.objects.get(name="Partner Co")
    company_donor = services.donor_for_organization(organization=company)
    company_gift = services.gift_record(
        donor=company_donor, fund=other_fund, by=alice, amount="5000", representative=frank.person
    )
    pledge = services.pledge_create(
        donor=dave_donor, fund=fund, total="3000", instalments=3, months_between=1, by=alice
    )
    award_round = services.round_create(
        fund=fund,
        name="Li Family Scholarship 2026",
        criteria="Top of the year",
        amount="5000",
        places=3,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
        by=alice,
    )
    carol_application = services.application_submit(
        award_round=award_round,
        by=carol,
        statement="I study hard.",
        named_to_donors=True,
        documents=[SimpleUploadedFile("transcript.pdf", PDF, content_type="application/pdf")],
    )
    gina_application = services.application_submit(
        award_round=award_round, by=gina, statement="I will study hard.", named_to_donors=False
    )
    services.round_close(award_round=award_round, by=alice)
    award = services.application_decide(application=carol_application, by=alice, award=True)
    assert award is not None
    services.award_pay(award=award, by=alice)
    letter = services.letter_write(award=award, by=carol, text="Thank you, donors!")
    services.letter_review(letter=letter, by=alice, approve=True)
    pending_letter = services.letter_write(award=award, by=carol, text="And again, thank you.")
    # An open round for applying, with nobody in it yet.
    open_round = services.round_create(
        fund=fund,
        name="Li Family Travel Grant",
        criteria="Any student",
        amount="1000",
        places=1,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        by=alice,
    )
    assert AwardRound.objects.filter(pk=open_round.pk).exists()
    # An alumni enterprise matches its alumni's gifts (one of them gave 300); dave gives 100 a
    # month.
    employee = f.AlumnusFactory(full_name="Eve Employee")
    employer = f.EmploymentFactory(person=employee).organization
    offer = MatchingOffer.objects.create(
        donor=services.donor_for_organization(organization=employer),
        ratio=1,
        cap_per_person_per_year=10000,
    )
    matched_gift = services.gift_record(
        donor=services.donor_for_person(person=employee), fund=fund, by=alice, amount="300"
    )
    plan = services.recurring_gift_create(
        donor=dave_donor, fund=fund, amount="100", interval="monthly", starts_on=today, by=alice
    )
    return {
        "fund": fund.pk,
        "other_fund": other_fund.pk,
        "dave_donor": dave_donor.pk,
        "company_donor": company_donor.pk,
        "dave_gift": dave_gift.pk,
        "company_gift": company_gift.pk,
        "dave_receipt": dave_gift.receipt.pk,
        "company_receipt": company_gift.receipt.pk,
        "pledge": pledge.pk,
        "round": award_round.pk,
        "open_round": open_round.pk,
        "carol_application": carol_application.pk,
        "gina_application": gina_application.pk,
        "carol_document": carol_application.documents.get().pk,
        "award": award.pk,
        "letter": letter.pk,
        "pending_letter": pending_letter.pk,
        "dave_entry": dave_gift.entries.get().pk,
        "fund_code": Fund.objects.get(pk=fund.pk).code,
        "offer": offer.pk,
        "matched_gift": matched_gift.pk,
        "plan": plan.pk,
    }


def canaries_give_and_receive(office: Any, donor: Any, student: Any) -> None:
    """Put two people where giving shows people: `donor` gave to a fund (gift lists, the donor's
    page, receipts, reports, a ceremony's guests) and `student` received an award from it, named
    to its donors, with an approved letter (rounds, the donors' impact pages, letters)."""
    from alma.giving.models import Application, ThankYouLetter

    today = timezone.localdate()
    fund = services.fund_create(
        by=office, code="canary-fund", name="Canary Scholarship", purpose=Purpose.SCHOLARSHIP
    )
    gift = services.gift_record(
        donor=services.donor_for_person(person=donor), fund=fund, by=office, amount="1000"
    )
    services.pledge_create(donor=gift.donor, fund=fund, total="500", by=office)
    award_round = services.round_create(
        fund=fund,
        name="Canary Scholarship round",
        criteria="-",
        amount="500",
        places=1,
        opens_on=today,
        closes_on=today,
        by=office,
    )
    application = Application.objects.create(
        round=award_round, student=student, statement="Canary statement", named_to_donors=True
    )
    services.round_close(award_round=award_round, by=office)
    award = services.application_decide(application=application, by=office, award=True)
    assert award is not None
    services.award_pay(award=award, by=office)
    ThankYouLetter.objects.create(
        award=award, text="Canary thanks", status=ThankYouLetter.Status.APPROVED
    )
