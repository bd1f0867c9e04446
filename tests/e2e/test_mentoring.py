"""A student browses the mentors with free places and asks one; the alumnus accepts, and the
pair logs its first meeting, which lands in the activity ledger."""

import pytest
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.activity.models import Activity
from alma.mentoring import services
from alma.mentoring.models import Mentorship
from alma.mentoring.tests.world import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_student_requests_a_mentor_and_the_mentor_accepts(
    live_server, new_page, sign_in, screenshot, alice: User, carol: User, dave: User
):
    cycle = make_cycle(alice, "Alumni career mentors")
    services.mentor_sign_up(
        cycle=cycle,
        person=dave.person,
        by=dave,
        capacity=1,
        topics="careers, interviews",
        industries="Software",
        expertise="software engineering",
    )

    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring").click()
    student.get_by_role("link", name="Alumni career mentors — Spring").click()
    student.get_by_role("link", name="Browse mentors").click()
    card = student.get_by_role("region", name="Dave Alumnus")
    expect(card).to_contain_text("careers, interviews")
    card.get_by_label("Message to the mentor").fill("I would like advice on interviews.")
    card.get_by_role("button", name="Ask for this mentor").click()
    expect(student.get_by_role("status")).to_contain_text("Your request is sent")
    expect(student.locator("#pair-status")).to_have_text("Requested by the student")
    screenshot(student, "mentoring-requested")

    mentor: Page = new_page()
    sign_in(mentor, "dave@example.edu")
    mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring").click()
    mentor.get_by_role("link", name="Alumni career mentors — Spring").first.click()
    expect(mentor.get_by_role("main")).to_contain_text("Carol Student")
    mentor.get_by_role("button", name="Accept").click()
    expect(mentor.get_by_role("status")).to_contain_text("you are now a mentoring pair")
    expect(mentor.locator("#pair-status")).to_have_text("Active")
    assert Mentorship.objects.get().status == "active"

    mentor.get_by_label("Topic").select_option("work")
    mentor.get_by_label("Note").fill("Mock interview")
    mentor.get_by_role("button", name="Log meeting").click()
    expect(mentor.get_by_role("status")).to_contain_text("Meeting logged.")
    activity = Activity.objects.get(kind="mentoring.meeting")
    assert activity.actor == dave.person and activity.beneficiary == carol.person
    assert activity.engagement_mode == "volunteer"
    screenshot(mentor, "mentoring-active")
