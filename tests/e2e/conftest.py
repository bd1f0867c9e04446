"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test thread from the moment it starts
until it stops, so Django's async-safety check would refuse the ORM calls the tests make to set
up personas and to check the database. These tests are plain synchronous code that never shares
a connection with that loop, so the check is switched off while the browser runs. The browser
tests run after all others (see `pytest_collection_modifyitems`), so every other test still runs
with the check on.
"""

import os
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from alma.testing.factories import PASSWORD
from alma.testing.personas import ALICE_TOTP_SECRET, totp_code

CHROMIUM = os.environ.get("ALMA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Fail in seconds, not the default half minute: every page here is local and small.
TIMEOUT_MS = 10_000
# Set ALMA_SCREENSHOTS=/some/dir to keep pictures of chosen pages, and of every page of a
# failed test.
SCREENSHOTS = os.environ.get("ALMA_SCREENSHOTS", "")

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering by database use
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests last (the sort is stable): once the browser starts, its loop stays.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium), "
            "or run `make test-fast` to leave them out."
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


FAILED_KEY = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[FAILED_KEY] = report.failed
    return report


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """A page in a fresh browser context (own cookies): one per user in a test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        # An English browser, so the language under test is the one the user picks.
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    if SCREENSHOTS and request.node.stash.get(FAILED_KEY, False):
        # What each user saw when the test failed.
        for n, context in enumerate(contexts):
            for page in context.pages:
                _save(page, f"failed-{request.node.name}-{n}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def sign_in(live_server) -> Callable[[Page, str], None]:
    """Sign in through the login page, as a person would."""

    def do(page: Page, email: str, password: str = PASSWORD) -> None:
        page.goto(live_server.url + reverse("accounts:login"))
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if email == "alice@example.edu":
            # The alumni office signs in with two-factor: Alice's app shows the code.
            page.get_by_label("Code").fill(unused_code(ALICE_TOTP_SECRET))
            page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return do


_USED_CODES: set[str] = set()


def unused_code(secret: str) -> str:
    """A code the server takes now and has not seen yet. allauth refuses a code used once
    (replay), within the steps it accepts (this one and its neighbours, MFA_TOTP_TOLERANCE),
    and several tests sign the same persona in within a minute."""
    while True:
        now = time.time()
        for at in (now, now + 30):
            code = totp_code(secret, at=at)
            if code not in _USED_CODES:
                _USED_CODES.add(code)
                return code
        time.sleep(30 - now % 30 + 0.5)


def _save(page: Page, name: str) -> None:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SCREENSHOTS) / f"alma-{name}.png"), full_page=True)


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Keep a picture of a page for a human to look at, when ALMA_SCREENSHOTS names a folder."""

    def take(page: Page, name: str) -> None:
        if SCREENSHOTS:
            _save(page, name)

    return take
