"""The alumni office opens the insights, follows a blind spot to the students behind it, and
the pages fit a phone (390 px) without scrolling sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.insights.services import rollups_refresh
from alma.insights.tests.world import person, record, row, staff
from alma.people.models import Post, Stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _school() -> None:
    entry = timezone.localdate().year - 1
    teacher = staff(Post.TEACHING)
    students = [
        person(Stage.STUDENT, entry_year=entry, full_name=f"Student {i:02d}", major="Physics")
        for i in range(8)
    ]
    record(
        [row("staff.service", actor=teacher, beneficiary=s, when=timezone.now()) for s in students]
    )
    rollups_refresh()


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"


def test_the_office_follows_a_blind_spot_to_its_students(
    live_server, new_page, sign_in, screenshot, alice: User
):
    _school()
    office: Page = new_page()
    sign_in(office, "alice@example.edu")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(office.get_by_role("heading", name="Blind spots", exact=True)).to_be_visible()
    expect(office.locator("figure.chart svg")).to_be_visible()
    screenshot(office, "insights-dashboard")
    spot = office.locator("ol.blind-spots a", has_text="No alumni mentor studied Physics")
    spot.click()
    expect(office.get_by_role("heading", name="Students behind the figure")).to_be_visible()
    expect(office.get_by_role("main")).to_contain_text("8 students.")
    expect(office.get_by_role("link", name="Student 00")).to_be_visible()
    office.get_by_role("link", name="Student 00").click()
    expect(office.get_by_role("heading", name="Student 00", exact=True)).to_be_visible()


def test_insights_fit_a_phone(live_server, browser, sign_in, alice: User):
    _school()
    context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        sign_in(phone, "alice@example.edu")
        for path in ("/insights/", "/insights/engagement/", "/insights/belonging/"):
            phone.goto(live_server.url + path)
            expect(phone.locator("main h1")).to_be_visible()
            _fits(phone)
        phone.goto(live_server.url + "/insights/")
        phone.locator("figure.chart svg a").first.click()
        expect(phone.get_by_role("heading", name="Students behind the figure")).to_be_visible()
        _fits(phone)
    finally:
        context.close()
