"""Every role on a 390 px phone: a menu button instead of a wall of links, filters folded
away from the results, and no page wider than the screen (tables scroll inside themselves,
long emails wrap)."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from alma.accounts.models import User
from alma.activity.services import staff_service_log
from alma.events.tests.world import events_world
from alma.testing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
EVERYONE = [
    "/",
    "/directory/",
    "/people/me/",
    "/events/",
    "/events/mine/",
    "/mentoring/",
    "/forum/",
    "/careers/",
    "/inbox/",
    "/inbox/conversations/",
    "/support/",
]
PAGES = {
    "alice": [
        *EVERYONE,
        "/services/",
        "/events/chapters/",
        "/events/{today_event}/manage/",
        "/people/{dave_person}/",
        "/events/lifecycle/gaps/",
        "/events/lifecycle/admissions/",
        "/imports/",
        "/imports/segments/",
        "/forum/moderation/",
        "/careers/review/",
        "/careers/organisations/",
        "/careers/fairs/",
        "/office/",
        "/office/people/",
        "/office/people/{dave_person}/",
        "/office/organisations/",
        "/office/chapters/",
    ],
    "bob": [*EVERYONE, "/services/", "/services/new/"],
    "carol": [
        *EVERYONE,
        "/services/received/",
        "/events/{public_event}/",
        "/forum/ask/",
        "/careers/recommended/",
        "/careers/applications/",
    ],
    "gina": [*EVERYONE, "/services/received/"],
    "dave": [*EVERYONE, "/events/{public_event}/"],
    "erin": [*EVERYONE, "/events/chapters/", "/events/chapters/{erin_chapter}/"],
    "frank": [*EVERYONE],
}


@pytest.fixture
def world(persona_users: dict[str, User | None]) -> dict[str, object]:
    ids = events_world(persona_users)
    carol, bob = persona_users["carol"], persona_users["bob"]
    assert carol is not None and bob is not None
    staff_service_log(staff=bob, student=carol.person, aspect="study", note="Thesis advice")
    # Long words that would widen a card: an email and an employer without spaces.
    for user in persona_users.values():
        if user is not None and user.person is not None:
            user.person.email = f"{user.person.full_name.split()[0].lower()}.{'x' * 50}@example.edu"
            user.person.save()
    for n in range(30):  # enough facet values for the filters to be long
        f.AlumnusFactory(current_city=f"City {n}", current_country="China")
    return ids


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("persona", list(PAGES))
def test_each_role_s_pages_fit_a_phone(live_server, phone, world, persona, screenshot, sign_in):
    sign_in(phone, f"{persona}@example.edu")
    wide: dict[str, int] = {}
    for path in PAGES[persona]:
        url = live_server.url + path.format(**world)
        response = phone.goto(url)
        assert response is not None and response.status == 200, url
        if overflow := page_overflow(phone):
            wide[path] = overflow
            screenshot(phone, f"phone-{persona}-{path.strip('/').replace('/', '-') or 'home'}")
    assert wide == {}, "pages wider than a 390 px phone (path: extra pixels)"


def test_the_menu_folds_behind_a_button_on_a_phone(live_server, phone, world, sign_in):
    sign_in(phone, "alice@example.edu")
    header = phone.locator("header.topbar")
    box = header.bounding_box()
    assert box is not None and box["height"] < 80  # one row, not 7-11 stacked links
    menu = phone.get_by_role("navigation", name="Main")
    directory = menu.get_by_role("link", name="Directory")
    expect(directory).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    directory.click()
    expect(phone).to_have_url(f"{live_server.url}/directory/")


def test_the_directory_shows_results_before_the_filters_on_a_phone(
    live_server, phone, world, sign_in
):
    sign_in(phone, "dave@example.edu")
    phone.goto(live_server.url + "/directory/")
    first_hit = phone.locator(".hit").first
    expect(first_hit).to_be_visible()
    box = first_hit.bounding_box()
    assert box is not None and box["y"] < PHONE["height"]  # on the first screen
    city = phone.locator('fieldset[data-facet="city"]')
    expect(city).to_be_hidden()
    phone.get_by_text("Filters", exact=True).click()
    expect(city).to_be_visible()
    city.get_by_role("checkbox").first.check()
    expect(phone).to_have_url(re.compile(r"city="))
    expect(city.get_by_role("checkbox").first).to_be_checked()
    expect(city).to_be_visible()  # still open after the results changed


def test_danger_buttons_are_white_on_red(live_server, phone, world, sign_in):
    sign_in(phone, "alice@example.edu")
    phone.goto(live_server.url + "/")  # any page of ours: the rule is the stylesheet's
    colours = phone.evaluate(
        """() => {
            const b = document.createElement("button");
            b.className = "button danger";
            document.querySelector("main").append(b);
            const s = getComputedStyle(b);
            return [s.color, s.backgroundColor];
        }"""
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(179, 38, 30)"]
