"""A student registers for an event and gets a QR code; staff open its link on a phone and
check her in (twice: the second scan is harmless)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.activity.models import Activity
from alma.events.models import EventRole, Registration
from alma.events.tests.factories import EventFactory, ProgramFactory
from alma.testing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Lunch-time career talk with alumni"


def test_a_student_registers_gets_the_qr_and_staff_check_her_in(
    live_server, browser, new_page, sign_in, screenshot, bob: User, carol: User, dave: User
):
    # Bob teaches in the School of Engineering, which hosts today's talk; Dave speaks.
    unit = f.OrganizationFactory(name="School of Engineering", kind="school_unit")
    bob.person.staff_posts.update(unit=unit)
    start = timezone.now() - dt.timedelta(minutes=10)
    event = EventFactory(
        program=ProgramFactory(name="Career talks", stage="in_school", aspect="work"),
        title=TITLE,
        aspect="work",
        host_unit=unit,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        registration_closes_at=start + dt.timedelta(hours=1),
        capacity=40,
    )
    EventRole.objects.create(event=event, person=dave.person, role="speaker")

    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    student.get_by_role("link", name=TITLE).click()
    expect(student.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(student.get_by_role("main")).to_contain_text("Dave Alumnus")  # the speaker
    student.locator("#registration").get_by_role("button", name="Register").click()

    expect(student.get_by_role("status")).to_contain_text("You are registered.")
    code = student.get_by_role("figure", name="Check-in code")
    expect(code.locator("svg")).to_be_visible()
    screenshot(student, "event-registered")

    # The same code came by email: a PNG, and the link it encodes.
    confirmation = next(m for m in mail.outbox if m.subject == f"You are registered: {TITLE}")
    assert confirmation.to == [carol.person.email]
    assert any(a.get_content_type() == "image/png" for a in confirmation.attachments)
    link = re.search(r"http://\S+/events/check-in/(\S+)/", confirmation.body)
    assert link is not None
    check_in_path = reverse("events:check-in", args=[link.group(1)])
    # The QR on the page encodes the same link.
    expect(code.locator("svg title")).to_have_text(re.compile(re.escape(check_in_path) + "$"))

    # Bob opens the link with his phone's camera: a small screen, his own session.
    phone_context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = phone_context.new_page()
        sign_in(phone, "bob@example.edu")
        phone.goto(live_server.url + check_in_path)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Carol Student")
        phone.get_by_role("button", name="Check in").click()
        expect(phone.get_by_role("status")).to_have_text("Checked in. Welcome!")
        screenshot(phone, "event-check-in-phone")
        # A second scan changes nothing and says so.
        phone.goto(live_server.url + check_in_path)
        expect(phone.get_by_role("status")).to_contain_text("Already checked in at")
        expect(phone.get_by_role("button", name="Check in")).to_have_count(0)

        # The attendee list shows her in, and its search finds her by name.
        phone.get_by_role("link", name="Attendee list").click()
        phone.get_by_label("Find an attendee").press_sequentially("Carol", delay=20)
        expect(phone.locator("#registrations tbody tr")).to_have_count(1)
        expect(phone.locator("#registrations")).to_contain_text("In at")
    finally:
        phone_context.close()

    registration = Registration.objects.get(event=event, person=carol.person)
    assert registration.checked_in_by == bob and registration.checked_in_at is not None
    attended = Activity.objects.get(kind="events.attended")
    assert (attended.beneficiary, attended.aspect) == (carol.person, "work")

    # Carol's page now says she is checked in.
    student.reload()
    expect(student.locator("#registration")).to_contain_text("Checked in at")
