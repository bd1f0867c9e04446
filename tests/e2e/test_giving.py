"""A donor gives, the office awards a student from that fund and pays her, she writes her
thanks, the office approves it, and the donor reads it on his impact page (on a phone too)."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.giving import services
from alma.giving.models import Award, Gift, LedgerEntry, ThankYouLetter
from alma.giving.tests.ledger_cleanup import erase_ledger

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FUND = "Li Family Scholarship"
LETTER = "Thank you for helping me finish my degree."


@pytest.fixture
def committed_ledger(transactional_db) -> Iterator[None]:
    """The ledger refuses deletes: clear it (under maintenance) before the database is flushed."""
    yield
    erase_ledger()


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_donor_sees_the_thanks_of_the_student_his_gift_helped(
    live_server, browser, new_page, sign_in, screenshot, committed_ledger,
    alice: User, carol: User, dave: User,
):  # fmt: skip
    today = timezone.localdate()
    fund = services.fund_create(by=alice, code="li", name=FUND, purpose="scholarship")
    award_round = services.round_create(
        fund=fund, name="Li Family Scholarship 2026", criteria="Top of the class",
        amount="8000", places=2, opens_on=today - dt.timedelta(days=7), closes_on=today,
        by=alice,
    )  # fmt: skip
    services.application_submit(
        award_round=award_round, by=carol, statement="I want to teach.", named_to_donors=True
    )
    services.round_close(award_round=award_round, by=alice)

    # Dave pledges on the site.
    donor: Page = new_page()
    sign_in(donor, "dave@example.edu")
    donor.get_by_role("navigation", name="Main").get_by_role("link", name="Giving").click()
    donor.get_by_role("link", name="Give to this fund").first.click()
    donor.get_by_label("Total I pledge").fill("10000")
    donor.get_by_role("button", name="Save").click()
    expect(donor.get_by_role("status")).to_contain_text("Your pledge is recorded.")

    # The office records his money when it arrives, against the pledge.
    office: Page = new_page()
    sign_in(office, "alice@example.edu")
    dave_donor = dave.person.donor
    office.goto(f"{live_server.url}/giving/donors/{dave_donor.pk}/")
    office.get_by_role("link", name="Record payment").click()
    expect(office.get_by_label("Amount (or valuation)")).to_have_value("10000.00")
    office.get_by_role("button", name="Record the gift").click()
    expect(office.get_by_role("status")).to_contain_text("Gift recorded: receipt")

    # The committee's decision: Carol gets the award, paid from the fund.
    office.goto(f"{live_server.url}/giving/rounds/{award_round.pk}/")
    office.get_by_role("button", name="Award", exact=True).click()
    expect(office.get_by_role("status")).to_contain_text("Awarded.")
    office.get_by_role("button", name="Pay from the fund").click()
    expect(office.get_by_role("status")).to_contain_text("Payment recorded.")

    # Carol writes her thanks.
    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.goto(f"{live_server.url}/giving/awards/")
    expect(student.get_by_role("main")).to_contain_text("Dave Alumnus")  # the fund's donor
    student.get_by_label("Your letter to the donors").fill(LETTER)
    student.get_by_role("button", name="Send my thanks").click()
    expect(student.get_by_role("status")).to_contain_text(
        "The alumni office will pass your letter on."
    )

    # Before the office approves, Dave does not see it.
    donor.goto(f"{live_server.url}/giving/impact/")
    expect(donor.get_by_role("main")).not_to_contain_text(LETTER)

    office.get_by_role("navigation", name="Giving").get_by_role(
        "link", name="Letters to approve"
    ).click()
    expect(office.get_by_role("main")).to_contain_text(LETTER)
    office.get_by_role("button", name="Approve").click()
    expect(office.get_by_role("status")).to_contain_text("Letter approved")

    donor.reload()
    main = donor.get_by_role("main")
    expect(main).to_contain_text(LETTER)
    expect(main).to_contain_text("Carol Student")
    expect(main).to_contain_text("¥10,000.00")
    screenshot(donor, "giving-impact")

    # The same page on a phone: nothing wider than the screen.
    phone_context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = phone_context.new_page()
        sign_in(phone, "dave@example.edu")
        for path in ("/giving/impact/", "/giving/", f"/giving/funds/{fund.pk}/"):
            phone.goto(live_server.url + path)
            assert fits_the_width(phone), path
        screenshot(phone, "giving-impact-phone")
        office_phone = phone_context.new_page()
        office_phone.context.clear_cookies()
        sign_in(office_phone, "alice@example.edu")
        for path in (
            f"/giving/rounds/{award_round.pk}/",
            f"/giving/funds/{fund.pk}/",
            f"/giving/donors/{dave_donor.pk}/",
            "/giving/gifts/",
            "/giving/reports/",
        ):
            office_phone.goto(live_server.url + path)
            assert fits_the_width(office_phone), path
    finally:
        phone_context.close()

    gift = Gift.objects.get()
    assert gift.instalment is not None and gift.amount == 10000
    award = Award.objects.get()
    assert LedgerEntry.objects.filter(award=award).count() == 1
    assert ThankYouLetter.objects.get().status == "approved"
