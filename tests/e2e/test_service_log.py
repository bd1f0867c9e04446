"""Staff record a service to a student through the htmx search; the student sees and rates it."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.activity.models import Activity, Aspect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Helped plan next term's course load"


def test_staff_records_a_service_and_the_student_rates_it(
    live_server, new_page, sign_in, screenshot, bob: User, carol: User, dave: User
):
    page: Page = new_page()
    sign_in(page, "bob@example.edu")
    page.get_by_role("link", name="Record a service to a student").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a service to a student")

    search = page.get_by_label("Student", exact=True)
    results = page.locator("#student-results")
    # Alumni are not offered: the log is for services to students.
    search.press_sequentially("Dave Al", delay=30)
    expect(results).to_contain_text("No student matches.")
    search.fill("")
    search.press_sequentially("Caro", delay=30)
    results.get_by_label("Carol Student").check()
    page.get_by_label("Study", exact=True).check()
    page.get_by_label("What did you do?").fill(NOTE)
    screenshot(page, "service-form")
    page.get_by_role("button", name="Record service").click()

    expect(page.get_by_role("status")).to_contain_text("Service to Carol Student recorded.")
    expect(page).to_have_url(live_server.url + reverse("activity:service-log"))
    expect(page.locator("table.table tbody")).to_contain_text("Carol Student")

    activity = Activity.objects.get()
    assert activity.kind == "staff.service"
    assert activity.actor == bob.person
    assert activity.beneficiary == carol.person
    assert activity.aspect == Aspect.STUDY
    assert activity.note == NOTE
    assert activity.rating is None

    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Services received"
    ).click()
    row = student.locator("table.table tbody tr", has_text=NOTE)
    expect(row).to_contain_text("Bob Teacher")
    expect(row).to_contain_text("Study")
    row.get_by_label("How helpful was it?").select_option("5")
    row.get_by_role("button", name="Rate").click()

    expect(student.get_by_role("status")).to_contain_text("Thank you for your rating.")
    expect(student.locator("table.table tbody tr", has_text=NOTE)).to_contain_text("5/5")
    screenshot(student, "services-received")
    activity.refresh_from_db()
    assert activity.rating == 5


def test_service_without_a_student_is_refused_clearly(
    live_server, page: Page, sign_in, bob: User, carol: User
):
    sign_in(page, "bob@example.edu")
    page.goto(live_server.url + reverse("activity:service-new"))
    page.get_by_label("Life", exact=True).check()
    page.get_by_label("What did you do?").fill(NOTE)
    page.get_by_role("button", name="Record service").click()

    expect(page.locator(".field-error")).to_have_text(["Choose the student you served."])
    expect(page).to_have_url(live_server.url + reverse("activity:service-new"))
    # What the user typed is kept for the second try.
    expect(page.get_by_label("What did you do?")).to_have_value(NOTE)
    assert not Activity.objects.exists()
