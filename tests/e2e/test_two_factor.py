"""Two-factor sign-in in the browser: the office's code step, and a student turning it on."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.testing.factories import PASSWORD
from alma.testing.personas import ALICE_TOTP_SECRET, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_office_signs_in_with_a_code_from_the_app(live_server, page: Page, alice: User):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill("alice@example.edu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_label("Code").fill(totp_code(ALICE_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Office")).to_be_visible()


def test_a_student_turns_on_two_factor_from_account_settings(
    live_server, page: Page, carol: User, sign_in, screenshot, settings
):
    # The app's next code is accepted too, so the test need not wait for the clock to turn
    # (the code used to activate cannot be used again).
    settings.MFA_TOTP_TOLERANCE = 1
    sign_in(page, "carol@example.edu")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor authentication").click()

    # Asked for the password again before changing how the account signs in.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()

    secret = page.get_by_label("Authenticator secret").input_value()
    screenshot(page, "two-factor-activate")
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    # Recovery codes are offered at once, to keep somewhere safe.
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill("carol@example.edu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Code")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(secret, at=time.time() + 30))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
