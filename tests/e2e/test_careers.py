"""A representative posts an internship, the office approves it, a student finds it among her
recommendations and applies with her CV, the representative moves her to interview, and she
sees it (on a phone too)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.careers.models import JobApplication, Posting
from alma.careers.tests.world import PDF, member
from alma.people.models import Organization

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Data Engineering Intern"


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_internship_from_posting_to_interview(
    live_server, browser, new_page, sign_in, screenshot, tmp_path,
    alice: User, carol: User, frank: User,
):  # fmt: skip
    member(Organization.objects.get(name="Partner Co"))
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    # Frank posts an internship for his company.
    rep: Page = new_page()
    sign_in(rep, "frank@example.edu")
    rep.get_by_role("navigation", name="Main").get_by_role("link", name="Careers").click()
    rep.get_by_role("link", name="Post an internship or job").click()
    rep.get_by_label("Organisation").select_option(label="Partner Co")
    rep.get_by_label("Kind").select_option(label="Internship")
    rep.get_by_label("Title").fill(TITLE)
    rep.get_by_label("Description").fill("Build **data pipelines** with our alumni team.")
    rep.get_by_label("Target majors").fill("Computer Science, Statistics")
    rep.get_by_label("Skills").fill("Python, SQL")
    rep.get_by_label("Cities").fill("Shanghai")
    rep.get_by_label("Openings").fill("2")
    rep.get_by_label("Deadline").fill(deadline)
    rep.get_by_role("button", name="Submit for review").click()
    expect(rep.get_by_role("status")).to_contain_text("The career office reviews it")
    posting = Posting.objects.get(title=TITLE)
    assert posting.status == "pending"

    # The office approves it.
    office: Page = new_page()
    sign_in(office, "alice@example.edu")
    office.goto(f"{live_server.url}/careers/review/")
    row = office.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="Approve").click()
    expect(office.get_by_role("status")).to_contain_text("Posting live.")

    # Carol, on her phone, finds it among her recommendations and applies with her CV.
    phone = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    student = phone.new_page()
    sign_in(student, "carol@example.edu")
    student.goto(f"{live_server.url}/careers/recommended/")
    card = student.get_by_role("article").filter(has_text=TITLE)
    expect(card).to_contain_text("Same major: Computer Science")
    assert fits_the_width(student)
    screenshot(student, "careers-recommended-phone")
    card.get_by_role("link", name=TITLE).click()
    student.get_by_role("link", name="Apply").click()
    cv = tmp_path / "my résumé.pdf"
    cv.write_bytes(PDF)
    student.get_by_label("CV").set_input_files(str(cv))
    student.get_by_label("Note to the employer").fill("I build pipelines for fun.")
    student.get_by_role("button", name="Send application").click()
    expect(student.get_by_role("status")).to_contain_text("Applied.")
    application = JobApplication.objects.get(posting=posting, student=carol.person)
    assert application.cv and "résumé" not in application.cv.name

    # Frank moves her to interview.
    rep.goto(f"{live_server.url}/careers/postings/{posting.pk}/applicants/")
    rep.get_by_label("Carol Student").check()
    rep.get_by_label("Move to").select_option(label="Interview")
    rep.get_by_role("button", name="Move the chosen applicants").click()
    expect(rep.get_by_role("status")).to_contain_text("1 applications moved.")

    # Carol sees it.
    student.goto(f"{live_server.url}/careers/applications/")
    expect(student.get_by_role("article").filter(has_text=TITLE)).to_contain_text("Interview")
    assert fits_the_width(student)
    phone.close()
    assert JobApplication.objects.get(pk=application.pk).status == "interview"
