"""A student in an emergency: staff open a case, the student agrees what may be shared, the
officer of her hometown chapter offers help, the office pays an emergency grant from the
hardship fund and closes the case (and the student's page fits a phone)."""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.activity.models import Activity
from alma.giving import services as giving
from alma.giving.models import LedgerEntry
from alma.people.models import Person
from alma.support.models import Case, Grant, Offer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Carol was hit by a car on her way home; she needs surgery."
SUMMARY = "A student from your city is in hospital; her family needs a place to stay."


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_staff_open_a_case_the_student_consents_the_chapter_helps_a_grant_is_paid(
    live_server, browser, new_page, sign_in, screenshot, settings, tmp_path,
    alice: User, carol: User, erin: User,
):  # fmt: skip
    settings.VAR_DIR = tmp_path
    chapter = erin.person.chapter_memberships.get().chapter
    Person.objects.filter(pk=carol.person_id).update(hometown_city=chapter.city)
    fund = giving.fund_create(
        by=alice, code="emergency", name="Student Emergency Aid", purpose="hardship"
    )
    giving.gift_record(
        donor=giving.donor_for_person(person=erin.person), fund=fund, by=alice, amount="5000"
    )

    # The alumni office opens the case.
    office: Page = new_page()
    sign_in(office, "alice@example.edu")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Support").click()
    office.get_by_role("link", name="Open a case").click()
    office.get_by_label("Find the student").fill("Carol")
    office.get_by_role("button", name="Search").click()
    office.get_by_role("link", name="Carol Student").click()
    office.get_by_label("Category").select_option("accident")
    office.get_by_label("Urgency").select_option("critical")
    office.get_by_label("Money").check()
    office.get_by_label("A place to stay").check()
    office.get_by_label("What happened").fill(NARRATIVE)
    office.get_by_role("button", name="Open the case").click()
    expect(office.get_by_role("status")).to_contain_text("Case opened.")
    expect(office.get_by_text(NARRATIVE)).to_be_visible()
    case = Case.objects.get()

    # Nobody else has heard of it; the student agrees what may be shared, and with whom.
    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.goto(f"{live_server.url}/support/")
    with translation.override("en"):  # the page is in English; the case's name must be too
        case_name = str(case)
    student.get_by_role("link", name=case_name).click()
    expect(student.get_by_text("Nothing is shared")).to_be_visible()
    expect(student.get_by_text(NARRATIVE)).to_have_count(0)
    student.get_by_label("Summary that may be shared").fill(SUMMARY)
    student.get_by_label("Share with the hometown chapter's officers").check()
    student.get_by_role("button", name="I agree").click()
    expect(student.get_by_role("status")).to_contain_text("Consent recorded.")
    expect(student.get_by_text(SUMMARY)).to_be_visible()

    # The office asks the hometown chapter.
    office.goto(f"{live_server.url}/support/cases/{case.pk}/")
    office.get_by_role("link", name="Ask for help").click()
    office.get_by_label(f"The officers of {chapter.name}").check()
    office.get_by_role("button", name="Send the requests").click()
    expect(office.get_by_role("status")).to_contain_text("Requests for help sent.")

    # The chapter's officer reads only the summary, and offers a place to stay.
    officer: Page = new_page()
    sign_in(officer, "erin@example.edu")
    officer.goto(f"{live_server.url}/support/")
    officer.get_by_role("link", name="needs help").click()
    expect(officer.get_by_text(SUMMARY)).to_be_visible()
    expect(officer.get_by_text(NARRATIVE)).to_have_count(0)
    expect(officer.get_by_text("Carol Student")).to_have_count(0)
    officer.get_by_label("Kind of help").select_option("stay")
    officer.get_by_label("What you offer").fill("A room in my flat near the hospital.")
    officer.get_by_role("button", name="Send my offer").click()
    expect(officer.get_by_role("status")).to_contain_text("the team has your offer")

    # The office marks the help given, pays a grant from the hardship fund, closes the case.
    office.goto(f"{live_server.url}/support/cases/{case.pk}/")
    expect(office.get_by_text("A room in my flat near the hospital.")).to_be_visible()
    office.get_by_role("button", name="Mark given").click()
    expect(office.get_by_role("status")).to_contain_text("Offer updated.")
    office.get_by_label("Hardship fund").select_option(str(fund.pk))
    office.get_by_label("Amount").fill("1200")
    office.get_by_role("button", name="Pay the grant from the fund").click()
    expect(office.get_by_role("status")).to_contain_text("Emergency grant paid from the fund.")
    office.get_by_label("Outcome").select_option("resolved")
    office.get_by_role("button", name="Close the case").click()
    expect(office.get_by_role("status")).to_contain_text("Case closed.")
    screenshot(office, "support-case")

    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "resolved")
    assert Offer.objects.get().status == "done"
    grant = Grant.objects.get()
    assert LedgerEntry.objects.get(award_id=grant.award_id).fund_id == fund.pk
    assert Activity.objects.filter(kind="support.help", actor=erin.person).exists()

    # The student's page on a phone: status and what is shared, no wider than the screen.
    student.set_viewport_size({"width": 390, "height": 844})
    student.goto(f"{live_server.url}/support/mine/{case.pk}/")
    expect(student.get_by_text("Closed")).to_be_visible()
    assert fits_the_width(student)
    office.set_viewport_size({"width": 390, "height": 844})
    office.goto(f"{live_server.url}/support/cases/{case.pk}/")
    assert fits_the_width(office)
    screenshot(student, "support-mine-phone")
