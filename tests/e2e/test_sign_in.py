"""Signing in with email and password lands on the home page with the user's roles."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_home_with_role_badge(
    live_server, page: Page, bob: User, screenshot
):
    page.goto(live_server.url + reverse("home"))
    page.get_by_role("link", name="Sign in").first.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # A wrong password gets a clear message and no session.
    page.get_by_label("Email").fill("bob@example.edu")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("password")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_label("Email").fill("bob@example.edu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Bob Teacher")
    expect(page.locator(".roles .badge")).to_have_text(["Staff"])
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Service log")).to_be_visible()
    expect(nav.get_by_role("link", name="Services received")).to_have_count(0)
    screenshot(page, "home")

    bob.refresh_from_db()
    assert bob.last_login is not None
