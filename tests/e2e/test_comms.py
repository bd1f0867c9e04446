"""The alumni office composes a mailing to a segment and sends it; a recipient clicks its link
and the click counts; the recipient's inbox and the mailing page fit a phone."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from alma.accounts.models import User
from alma.comms.models import Mailing, MailingRecipient
from alma.comms.services import notification_send
from alma.directory.indexing import directory_index_people
from alma.imports.models import Segment
from alma.testing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    """No horizontal scroll at the page's width."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_office_mails_a_segment_and_a_recipients_click_counts(
    live_server, browser: Browser, page: Page, sign_in, screenshot, alice: User, dave: User
):
    dave.person.current_city = "Shenzhen"
    dave.person.save()
    elsewhere = f.AlumnusFactory(full_name="Beijing Reader", current_city="Beijing")
    directory_index_people(person_ids=[dave.person_id, elsewhere.pk])
    Segment.objects.create(name="Shenzhen alumni", query={"city": ["Shenzhen"]})
    magazine = live_server.url + reverse("comms:magazine")

    sign_in(page, "alice@example.edu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Communications").click()
    page.get_by_role("link", name="New mailing").click()
    page.get_by_label("Name (for the office)").fill("Shenzhen spring news")
    page.get_by_label("Purpose").select_option("newsletter")
    page.get_by_label("Segment").select_option(label="Shenzhen alumni")
    page.get_by_label("Subject (English)").fill("Spring in Shenzhen")
    page.get_by_label("Text (English)").fill(
        f"Dear {{{{ name }}}},\n\nRead **the magazine** [online]({magazine})."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    expect(page.locator(".facts")).to_contain_text("1 person")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".mail-preview").first).to_contain_text("the magazine")
    page.go_back()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("being sent")
    page.reload()
    expect(page.locator("#mailing-progress")).to_contain_text("Sent")

    mailing = Mailing.objects.get(name="Shenzhen spring news")
    assert mailing.status == "sent"
    assert [m.to for m in mail.outbox] == [[dave.person.email]]
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    click = re.search(r"http://127\.0\.0\.1:8000(/comms/c/[^/\s)]+/)", message.body)
    assert click is not None

    # Dave opens the mail on his phone and follows the link: he lands on the magazine.
    phone_context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = phone_context.new_page()
        phone.goto(live_server.url + click.group(1))
        expect(phone).to_have_url(magazine)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Alumni magazine")
        _fits(phone)
        notification_send(recipient=dave.person, kind="mentoring.proposal", subject="A match")
        sign_in(phone, "dave@example.edu")
        expect(phone.locator("#unread-count")).to_have_text("1")
        phone.get_by_role("button", name="Menu").click()  # the menu folds on a phone
        phone.get_by_role("link", name=re.compile("Inbox")).click()
        expect(phone.locator(".notification.unread")).to_contain_text("A match")
        _fits(phone)
        screenshot(phone, "comms-inbox-phone")
    finally:
        phone_context.close()

    assert MailingRecipient.objects.get(mailing=mailing).clicks == 1
    page.reload()
    expect(page.locator("#click-count")).to_have_text("1")
    screenshot(page, "comms-mailing-sent")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _fits(page)
