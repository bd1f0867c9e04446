"""The header's language selector switches the whole page to Simplified Chinese and back."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from alma.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_switch_to_simplified_chinese(live_server, page: Page, sign_in, screenshot, carol: User):
    # Read the expected words from the shipped catalog, so the test follows the translators;
    # a missing translation still fails, because it must differ from the English.
    sign_out = in_chinese("Sign out")
    assert sign_out != "Sign out", "alma/locale/zh_Hans has no compiled translation of 'Sign out'"

    sign_in(page, "carol@example.edu")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option(label="简体中文")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    logout = page.locator(f"header form[action='{reverse('accounts:logout')}'] button")
    expect(logout).to_have_text(sign_out)
    nav = page.locator("nav.mainnav")
    expect(nav.get_by_role("link", name=in_chinese("My profile"), exact=True)).to_be_visible()

    # The choice sticks to the browser, not to one page.
    page.goto(live_server.url + reverse("activity:received"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(in_chinese("Services received"))
    screenshot(page, "zh-hans")

    page.locator("#language").select_option(label="English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(logout).to_have_text("Sign out")
