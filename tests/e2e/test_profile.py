"""A person edits their profile and hides their phone; another user's view follows at once."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.people.models import Audience

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_edit_profile_and_hide_phone_from_others(
    live_server, new_page, sign_in, screenshot, dave: User, alice: User
):
    person = dave.person
    assert person is not None and person.phone
    profile_url = live_server.url + reverse("people:detail", args=[person.pk])

    # The alumni office sees the phone while its audience is the default (alumni office).
    office: Page = new_page()
    sign_in(office, "alice@example.edu")
    office.goto(profile_url)
    facts = office.locator("dl.facts")
    expect(facts.locator("dt", has_text="Phone")).to_have_count(1)
    expect(facts).to_contain_text(person.phone)

    page: Page = new_page()
    sign_in(page, "dave@example.edu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Current city", exact=True).fill("Hangzhou")
    page.get_by_label("Headline", exact=True).fill("Data engineer, mentor for first-years")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Your profile was saved.")
    expect(page).to_have_url(profile_url)
    expect(page.locator(".profile-head")).to_contain_text("Data engineer, mentor for first-years")
    expect(page.locator("dl.facts")).to_contain_text("Hangzhou")

    page.get_by_role("link", name="Privacy and consent").click()
    page.get_by_label("Phone", exact=True).select_option(label="Only me")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.get_by_role("status")).to_contain_text("Your privacy settings were saved.")
    expect(page.get_by_label("Phone", exact=True)).to_have_value(Audience.ONLY_ME)

    # The person still sees their own phone.
    page.goto(profile_url)
    expect(page.locator("dl.facts")).to_contain_text(person.phone)
    screenshot(page, "profile")

    # Everyone else, the alumni office included, no longer does.
    office.reload()
    expect(office.locator("dl.facts")).to_contain_text("Hangzhou")
    expect(office.locator("dl.facts dt", has_text="Phone")).to_have_count(0)
    expect(office.locator("main")).not_to_contain_text(person.phone)

    person.refresh_from_db()
    assert person.current_city == "Hangzhou"
    assert person.headline == "Data engineer, mentor for first-years"
    assert person.privacy["phone"] == Audience.ONLY_ME
