"""Forum pages as each person sees them: anonymity, reasons, one-to-one privacy, query counts."""

import pytest

from alma.forum import services
from alma.forum.models import Invitation
from alma.people.models import Audience
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_an_anonymous_asker_is_named_to_the_office_and_themself_only(alice, carol, dave):
    question = services.question_ask(
        asker=carol.person, title="A shy question", topic="life", anonymous=True
    )
    url = f"/forum/questions/{question.pk}/"
    assert "Carol Student" in client_for(alice).get(url).content.decode()
    assert "Carol Student" in client_for(carol).get(url).content.decode()
    page = client_for(dave).get(url).content.decode()
    assert "Carol Student" not in page and "Anonymous student" in page
    listing = client_for(dave).get("/forum/").content.decode()
    assert "A shy question" in listing and "Carol Student" not in listing


def test_reasons_show_to_the_office_and_the_invited_only(alice, carol, dave, erin):
    question = services.question_ask(asker=carol.person, title="Which city?", topic="city")
    Invitation.objects.create(
        question=question,
        person=dave.person,
        score=0.5,
        reasons=[{"code": "same_city", "params": {"city": "Shanghai"}}],
    )
    url = f"/forum/questions/{question.pk}/"
    assert "Same city: Shanghai" in client_for(alice).get(url).content.decode()
    assert "Same city: Shanghai" in client_for(dave).get(url).content.decode()
    for user in (carol, erin):
        assert "Same city: Shanghai" not in client_for(user).get(url).content.decode()


def test_a_name_hidden_from_the_viewer_is_not_shown(carol, dave):
    hidden = f.AlumnusFactory(full_name="Hidden Helper", privacy={"profile": Audience.ONLY_ME})
    question = services.question_ask(asker=carol.person, title="Help", topic="life")
    services.answer_post(question=question, author=hidden, body="Answer from a hidden profile")
    page = client_for(dave).get(f"/forum/questions/{question.pk}/").content.decode()
    assert "Answer from a hidden profile" in page and "Hidden Helper" not in page


def test_hostile_markdown_in_an_answer_is_harmless_on_the_page(carol, dave):
    question = services.question_ask(asker=carol.person, title="XSS?", topic="life")
    services.answer_post(
        question=question,
        author=dave.person,
        body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    page = client_for(carol).get(f"/forum/questions/{question.pk}/").content.decode()
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert "<img src=x" not in page


def test_the_search_box_finds_chinese_by_pinyin(carol):
    services.question_ask(asker=carol.person, title="出国留学的准备", topic="abroad")
    page = client_for(carol).get("/forum/?q=liuxue").content.decode()
    assert "出国留学的准备" in page


def _questions(n, asker, answerer):
    for i in range(n):
        q = services.question_ask(asker=f.StudentFactory(), title=f"Question {i}", topic="career")
        services.answer_post(question=q, author=answerer, body="An answer")


def test_the_list_and_a_question_read_a_fixed_number_of_queries(
    carol, dave, django_assert_max_num_queries
):
    client = client_for(carol)
    _questions(3, carol.person, dave.person)
    client.get("/forum/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/forum/").status_code == 200
    _questions(15, carol.person, dave.person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/forum/").status_code == 200
    question = services.question_ask(asker=carol.person, title="Many answers", topic="life")
    services.answer_post(question=question, author=dave.person, body="one")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/forum/questions/{question.pk}/")
    for _ in range(10):
        services.answer_post(question=question, author=f.AlumnusFactory(), body="more")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/forum/questions/{question.pk}/").status_code == 200


def test_an_answer_by_an_alumnus_who_takes_private_questions_offers_to_ask_privately(carol, dave):
    from alma.forum.models import AnswerPreference

    AnswerPreference.objects.create(
        person=dave.person, accepts_questions=True, accepts_private=True
    )
    question = services.question_ask(asker=carol.person, title="Hello", topic="life")
    services.answer_post(question=question, author=dave.person, body="Hi")
    page = client_for(carol).get(f"/forum/questions/{question.pk}/").content.decode()
    assert f"/forum/ask/?to={dave.person_id}" in page
    AnswerPreference.objects.filter(person=dave.person).update(accepts_private=False)
    page = client_for(carol).get(f"/forum/questions/{question.pk}/").content.decode()
    assert f"/forum/ask/?to={dave.person_id}" not in page
    ask_page = client_for(carol).get(f"/forum/ask/?to={dave.person_id}")
    assert ask_page.status_code == 404
