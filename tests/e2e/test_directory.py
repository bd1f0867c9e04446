"""The directory in a browser: type, click facets, open a profile, come back with the back button."""

import pytest
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.testing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_filter_open_a_profile_and_go_back(
    live_server, page: Page, sign_in, screenshot, dave: User
):
    wang = f.AlumnusFactory(full_name="王芳", name_latin="Wang Fang", current_city="Hangzhou")
    f.EmploymentFactory(person=wang, title="Data Scientist")
    f.AlumnusFactory(full_name="王伟", name_latin="Wang Wei", current_city="Chengdu")
    f.AlumnusFactory(
        full_name="Wang Hidden", current_city="Hangzhou", privacy={"profile": "only_me"}
    )

    sign_in(page, "dave@example.edu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    hits = page.locator(".hit-list")

    page.get_by_label("Search").press_sequentially("wang", delay=40)
    expect(page.locator(".total")).to_have_text("2 people found")
    expect(hits).to_contain_text("王芳")
    expect(hits).to_contain_text("王伟")
    expect(hits).not_to_contain_text("Wang Hidden")
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance")

    city = page.locator('fieldset[data-facet="city"]')
    expect(city.locator("label", has_text="Hangzhou")).to_contain_text(
        "1"
    )  # the hidden one is not counted
    city.get_by_label("Hangzhou").check()
    expect(page.locator(".total")).to_have_text("1 person found")
    expect(hits).not_to_contain_text("王伟")
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance&city=Hangzhou")
    screenshot(page, "directory")

    hits.get_by_role("link", name="王芳").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("王芳")
    expect(page.locator("main")).to_contain_text("Data Scientist")

    page.go_back()
    expect(page.get_by_label("Search")).to_have_value("wang")
    expect(page.locator('fieldset[data-facet="city"]').get_by_label("Hangzhou")).to_be_checked()
    expect(page.locator(".total")).to_have_text("1 person found")


def test_back_keeps_the_words_of_the_address_and_the_next_facet_keeps_them(
    live_server, page: Page, sign_in, dave: User
):
    f.AlumnusFactory(full_name="王芳", name_latin="Wang Fang", current_city="Hangzhou")
    f.AlumnusFactory(full_name="王伟", name_latin="Wang Wei", current_city="Chengdu")
    sign_in(page, "dave@example.edu")
    page.goto(f"{live_server.url}/directory/")
    search = page.get_by_label("Search")
    search.press_sequentially("wang", delay=40)
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance")
    city = page.locator('fieldset[data-facet="city"]')
    city.get_by_label("Hangzhou").check()
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance&city=Hangzhou")
    expect(page.locator(".total")).to_have_text("1 person found")

    # Back to the words alone: htmx restores its copy of that page.
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance")
    expect(page.locator(".total")).to_have_text("2 people found")
    expect(search).to_have_value("wang")
    page.locator('fieldset[data-facet="city"]').get_by_label("Chengdu").check()
    expect(page).to_have_url(f"{live_server.url}/directory/?q=wang&sort=relevance&city=Chengdu")
    expect(page.locator(".hit-list")).to_contain_text("王伟")
