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


def test_upload_a_photo_choose_its_square_and_members_see_it(
    live_server, new_page, sign_in, screenshot, dave: User, carol: User, frank: User
):
    from alma.people.tests.world import picture

    person = dave.person
    assert person is not None
    profile_url = live_server.url + reverse("people:detail", args=[person.pk])
    page: Page = new_page()
    sign_in(page, "dave@example.edu")
    page.goto(live_server.url + reverse("people:edit"))
    expect(page.locator("#photo .avatar-initials")).to_have_text("DA")
    page.get_by_label("Photo", exact=True).set_input_files(
        {"name": "holiday.png", "mimeType": "image/png", "buffer": picture(600, 400)}
    )
    page.get_by_role("button", name="Upload a photo").click()

    # The crop page: the centred square is filled in and drawn over the picture; the slider
    # shrinks it around its centre, and dragging moves it.
    expect(page.get_by_role("spinbutton", name="Side of the square (pixels)")).to_have_value("400")
    expect(page.locator(".crop-box")).to_be_visible()
    page.get_by_role("slider", name="Size of the square").fill("200")
    expect(page.get_by_role("spinbutton", name="Side of the square (pixels)")).to_have_value("200")
    expect(page.get_by_role("spinbutton", name="From the left (pixels)")).to_have_value("200")
    box = page.locator(".crop-box").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] - 400, box["y"] - 400, steps=4)
    page.mouse.up()
    expect(page.get_by_role("spinbutton", name="From the left (pixels)")).to_have_value("0")
    expect(page.get_by_role("spinbutton", name="From the top (pixels)")).to_have_value("0")
    screenshot(page, "photo-crop")
    page.get_by_role("button", name="Save photo").click()

    expect(page.get_by_role("status")).to_contain_text("Your photo was saved.")
    expect(page).to_have_url(profile_url)
    own = page.get_by_role("img", name="Photo of Dave Alumnus")
    expect(own).to_be_visible()
    assert own.evaluate("image => image.naturalWidth") == 160

    # A verified member sees it; a partner (outside the photo's audience) sees initials.
    member: Page = new_page()
    sign_in(member, "carol@example.edu")
    member.goto(profile_url)
    expect(member.get_by_role("img", name="Photo of Dave Alumnus")).to_be_visible()
    assert member.get_by_role("img", name="Photo of Dave Alumnus").evaluate(
        "image => image.complete && image.naturalWidth"
    )
    person.refresh_from_db()
    person.privacy = {**person.privacy, "profile": Audience.SIGNED_IN}
    person.save()
    partner: Page = new_page()
    sign_in(partner, "frank@example.edu")
    partner.goto(profile_url)
    expect(partner.get_by_role("img", name="Initials of Dave Alumnus")).to_have_text("DA")
    expect(partner.locator("img.avatar")).to_have_count(0)

    # On a 390 px phone the profile and the crop page fit the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (profile_url, live_server.url + reverse("people:edit")):
        page.goto(url)
        extra = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert extra <= 0, url
        expect(page.get_by_role("img", name="Photo of Dave Alumnus")).to_be_visible()
    screenshot(page, "photo-profile-phone")
