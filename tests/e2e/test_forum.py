"""A student asks the forum; Alma invites a fitting alumnus, who opens the invitation from the
inbox and answers; the student accepts the answer, which lands once in the activity ledger."""

import re

import pytest
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.activity.models import Activity
from alma.forum.models import AnswerPreference, Invitation, Question
from alma.forum.routing import routing_profiles_refresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_student_asks_an_invited_alumnus_answers_and_the_student_accepts(
    live_server, settings, new_page, sign_in, screenshot, carol: User, dave: User
):
    settings.SITE_URL = live_server.url  # the inbox follows links to this site only
    dave.person.expertise = "machine learning"
    dave.person.save()
    AnswerPreference.objects.create(person=dave.person, accepts_questions=True)
    routing_profiles_refresh([dave.person_id])

    student: Page = new_page()
    sign_in(student, "carol@example.edu")
    student.get_by_role("navigation", name="Main").get_by_role("link", name="Forum").click()
    student.get_by_role("link", name="Ask a question").click()
    student.get_by_label("Your question in one line").fill("How do I get into machine learning?")
    student.get_by_label("Details").fill("I study **Computer Science** and like data.")
    student.get_by_label("Topic").select_option("career")
    student.get_by_role("button", name="Post the question").click()
    expect(student.get_by_role("status")).to_contain_text("Your question is posted.")
    expect(student.locator("h1")).to_have_text("How do I get into machine learning?")
    question = Question.objects.get()
    assert list(Invitation.objects.values_list("person_id", flat=True)) == [dave.person_id]

    alumnus: Page = new_page()
    sign_in(alumnus, "dave@example.edu")
    alumnus.get_by_role("link", name=re.compile("^Inbox")).click()
    alumnus.get_by_role(
        "button", name="A student asks: How do I get into machine learning?"
    ).click()
    expect(alumnus.locator("h1")).to_have_text("How do I get into machine learning?")
    expect(alumnus.get_by_role("main")).to_contain_text("Why you were invited")
    expect(alumnus.get_by_role("main")).to_contain_text("machine learning")
    alumnus.get_by_label("Your answer").fill("Start with a small **project** and a course.")
    alumnus.get_by_role("button", name="Post the answer").click()
    expect(alumnus.get_by_role("status")).to_contain_text("Thank you for your answer.")
    screenshot(alumnus, "forum-answered")

    student.reload()
    expect(student.locator(".forum-answer strong").first).to_have_text("Dave Alumnus")
    student.get_by_role("button", name="Accept this answer").click()
    expect(student.get_by_role("status")).to_contain_text("You accepted this answer.")
    expect(student.get_by_role("main")).to_contain_text("Accepted by the asker")
    question.refresh_from_db()
    assert question.accepted_answer is not None
    [activity] = Activity.objects.filter(kind="forum.answer")
    assert (activity.actor_id, activity.beneficiary_id) == (dave.person_id, carol.person_id)
    screenshot(student, "forum-accepted")


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_forum_pages_fit_a_phone_in_both_languages(
    live_server, browser, carol, dave, alice, locale
):
    from django.urls import reverse

    from alma.forum import services
    from alma.testing.factories import PASSWORD

    AnswerPreference.objects.create(person=dave.person, accepts_questions=True)
    question = services.question_ask(
        asker=carol.person,
        title="一个很长的问题标题" * 6,
        body="A long word: " + "x" * 120 + "\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        topic="career",
        tags="careers, internships",
    )
    services.answer_post(question=question, author=dave.person, body="An answer " + "y" * 100)
    pages = {
        "carol@example.edu": ["/forum/", f"/forum/questions/{question.pk}/", "/forum/ask/"],
        "dave@example.edu": [
            "/forum/invitations/",
            "/forum/preferences/",
            f"/forum/ask/?to={dave.person_id}",
        ],
    }
    wide: dict[str, int] = {}
    for email, paths in pages.items():
        context = browser.new_context(locale=locale, viewport=PHONE)
        context.set_default_timeout(10_000)
        phone = context.new_page()
        phone.goto(live_server.url + reverse("accounts:login"))
        phone.locator("input[name=login]").fill(email)
        phone.locator("input[name=password]").fill(PASSWORD)
        phone.locator("form:has(input[name=login]) button[type=submit]").click()
        expect(phone.locator("input[name=login]")).to_have_count(0)
        for path in paths:
            response = phone.goto(live_server.url + path)
            if path.endswith(f"?to={dave.person_id}"):
                continue  # dave cannot ask himself: a 404, checked in the URL x role table
            assert response is not None and response.status == 200, path
            if locale == "zh-CN":
                expect(phone.locator("nav.mainnav")).to_contain_text("论坛")
            overflow = int(
                phone.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
            )
            if overflow:
                wide[path] = overflow
        context.close()
    assert wide == {}, "forum pages wider than a 390 px phone (path: extra pixels)"
