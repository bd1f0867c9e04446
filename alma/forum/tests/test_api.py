"""The forum API: the pages' rules (privacy of one-to-one and anonymous questions, moderation,
who may write, accept and see invitations, rate limits) and their sanitised Markdown."""

import pytest

from alma.forum import services
from alma.forum.models import AnswerPreference, Invitation, Question, Vote
from alma.forum.routing import routing_profiles_refresh
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post(user, url, data=None):
    return client_for(user).post(url, data or {}, content_type=JSON)


@pytest.fixture
def thread(carol, dave, bob):
    """carol asks anonymously and dave answers (with a comment by bob); carol also asks dave
    one-to-one; a hidden answer and a hidden comment sit on the public question."""
    AnswerPreference.objects.create(person=dave.person, accepts_questions=True)
    question = services.question_ask(
        asker=carol.person,
        title="Which postgraduate programme?",
        body="In **Software** <script>alert(1)</script> [x](javascript:alert(1))",
        topic="postgraduate",
        tags="masters, software",
        anonymous=True,
    )
    answer = services.answer_post(question=question, author=dave.person, body="Look at *ML*")
    services.comment_post(question=question, author=bob.person, body="Agreed", answer=answer)
    hidden_comment = services.comment_post(question=question, author=bob.person, body="Rude")
    hidden_comment.hidden = True
    hidden_comment.save()
    hidden = services.answer_post(question=question, author=bob.person, body="Spam answer")
    services.answer_moderate(answer=hidden, hidden=True)
    private = services.question_ask(
        asker=carol.person, title="A private worry", topic="life", private_to=dave.person
    )
    return {"question": question, "answer": answer, "hidden": hidden, "private": private}


def test_the_list_searches_by_words_topic_and_tag(thread, dave):
    services.question_ask(asker=dave.person, title="Living in Chengdu", topic="city", tags="food")
    client = client_for(dave)
    everything = client.get("/api/forum/questions").json()
    assert everything["total"] == 2 and everything["page"] == 1 and everything["num_pages"] == 1
    assert "A private worry" not in {q["title"] for q in everything["results"]}
    by_word = client.get("/api/forum/questions", {"q": "postgraduate"}).json()
    assert [q["title"] for q in by_word["results"]] == ["Which postgraduate programme?"]
    assert by_word["results"][0]["asker"] == "Anonymous student"
    assert by_word["results"][0]["tags"] == ["masters", "software"]
    by_topic = client.get("/api/forum/questions", {"topic": "city"}).json()
    assert [q["title"] for q in by_topic["results"]] == ["Living in Chengdu"]
    by_tag = client.get("/api/forum/questions", {"tag": "software"}).json()
    assert [q["id"] for q in by_tag["results"]] == [thread["question"].pk]
    assert client.get("/api/forum/questions", {"page": 2}).json()["results"] == []
    assert client.get("/api/forum/questions", {"topic": "nonsense"}).status_code == 422


def test_a_question_comes_with_its_answers_comments_and_sanitised_markdown(thread, dave):
    url = f"/api/forum/questions/{thread['question'].pk}"
    data = client_for(dave).get(url).json()
    assert data["body"].startswith("In **Software** <script>")  # the source, as written
    assert "<strong>Software</strong>" in data["body_html"]
    assert "<script" not in data["body_html"] and "&lt;script&gt;" in data["body_html"]
    assert "href" not in data["body_html"]  # no javascript: link
    assert data["asker"] == "Anonymous student" and data["anonymous"] is True
    [answer] = data["answers"]  # the hidden answer is left out
    assert answer["author"] == "Dave Alumnus"
    assert answer["body_html"] == "<p>Look at <em>ML</em></p>\n"
    assert [c["body"] for c in answer["comments"]] == ["Agreed"]
    assert data["comments"] == []  # the question's only comment is hidden
    assert data["private_to"] is None


def test_anonymous_askers_are_named_to_the_alumni_office_and_to_themselves(thread, alice, carol):
    url = f"/api/forum/questions/{thread['question'].pk}"
    assert client_for(alice).get(url).json()["asker"] == "Carol Student"
    assert client_for(carol).get(url).json()["asker"] == "Carol Student"


def test_the_alumni_office_sees_hidden_answers_flagged(thread, alice):
    data = client_for(alice).get(f"/api/forum/questions/{thread['question'].pk}").json()
    assert {(a["body"], a["hidden"]) for a in data["answers"]} == {
        ("Look at *ML*", False),
        ("Spam answer", True),
    }


def test_a_one_to_one_question_shows_to_the_two_of_them_and_the_office(
    thread, carol, dave, erin, bob, alice
):
    url = f"/api/forum/questions/{thread['private'].pk}"
    assert client_for(carol).get(url).json()["private_to"] == "Dave Alumnus"
    assert client_for(dave).get(url).status_code == 200
    for other in (erin, bob):
        assert client_for(other).get(url).status_code == 404
    # The pages show it to the two of them only (selectors.questions_visible_q); so does the API.
    assert client_for(alice).get(url).status_code == 404
    assert post(erin, f"{url}/answers", {"body": "Me too"}).status_code == 404
    assert post(carol, f"{url}/answers", {"body": "Me"}).status_code == 422  # not the one asked
    assert post(dave, f"{url}/answers", {"body": "Talk to your tutor"}).status_code == 201


def test_ask_answer_comment_vote_accept_through_the_api(carol, dave, erin):
    AnswerPreference.objects.create(person=dave.person, accepts_questions=True)
    asked = post(
        carol,
        "/api/forum/questions",
        {"title": "How do I start?", "body": "*Help*", "topic": "career", "tags": "a, b"},
    )
    assert asked.status_code == 201
    question_id = asked.json()["id"]
    assert asked.json()["body_html"] == "<p><em>Help</em></p>\n"
    assert asked.json()["tags"] == ["a", "b"]
    answered = post(dave, f"/api/forum/questions/{question_id}/answers", {"body": "A project"})
    assert answered.status_code == 201
    answer_id = answered.json()["id"]
    commented = post(
        erin,
        f"/api/forum/questions/{question_id}/comments",
        {"body": "Good one", "answer_id": answer_id},
    )
    assert commented.status_code == 201 and commented.json()["answer_id"] == answer_id
    voted = post(erin, f"/api/forum/answers/{answer_id}/vote", {"value": 1})
    assert voted.json()["score"] == 1 and voted.json()["my_vote"] == 1
    assert post(erin, f"/api/forum/answers/{answer_id}/vote", {"value": 0}).json()["score"] == 0
    assert post(erin, f"/api/forum/answers/{answer_id}/vote", {"value": 2}).status_code == 422
    assert post(dave, f"/api/forum/answers/{answer_id}/vote", {"value": 1}).status_code == 422
    assert post(erin, f"/api/forum/answers/{answer_id}/accept").status_code == 422
    accepted = post(carol, f"/api/forum/answers/{answer_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["accepted_answer_id"] == answer_id
    assert accepted.json()["answers"][0]["accepted"] is True
    assert not Vote.objects.exists()


def test_a_one_to_one_question_and_a_comment_on_another_questions_answer(thread, carol, erin):
    asked = post(
        carol,
        "/api/forum/questions",
        {"title": "Just you", "topic": "life", "to": thread["answer"].author_id},
    )
    assert asked.status_code == 201 and asked.json()["private_to"] == "Dave Alumnus"
    # erin does not take one-to-one questions: the same 404 as an unknown person.
    refused = post(
        carol, "/api/forum/questions", {"title": "x", "topic": "life", "to": erin.person_id}
    )
    assert refused.status_code == 404
    other = services.question_ask(asker=erin.person, title="Other", topic="city")
    wrong = post(
        carol,
        f"/api/forum/questions/{other.pk}/comments",
        {"body": "x", "answer_id": thread["answer"].pk},
    )
    assert wrong.status_code == 404


def test_bad_input_is_a_422_and_writes_nothing(carol):
    for payload in (
        {"title": "   ", "topic": "career"},
        {"title": "Fine", "topic": "nonsense"},
        {"title": "Fine", "topic": "career", "tags": "a,b,c,d,e,f"},
    ):
        response = post(carol, "/api/forum/questions", payload)
        assert response.status_code == 422, payload
        assert response.json()["detail"][0]["msg"]
    assert not Question.objects.exists()


def test_the_rate_limit_of_the_pages_holds(carol):
    for n in range(services.QUESTIONS_PER_HOUR):
        assert (
            post(carol, "/api/forum/questions", {"title": f"Q{n}", "topic": "life"}).status_code
            == 201
        )
    response = post(carol, "/api/forum/questions", {"title": "One more", "topic": "life"})
    assert response.status_code == 422
    assert "last hour" in response.json()["detail"][0]["msg"]
    assert Question.objects.count() == services.QUESTIONS_PER_HOUR


def test_partners_and_logins_without_a_person_may_read_but_not_write(thread, frank, hank):
    question = thread["question"].pk
    assert client_for(frank).get(f"/api/forum/questions/{question}").status_code == 200
    assert client_for(hank).get("/api/forum/questions").status_code == 200
    for user in (frank, hank):
        assert (
            post(user, "/api/forum/questions", {"title": "x", "topic": "life"}).status_code == 403
        )
        assert (
            post(user, f"/api/forum/questions/{question}/answers", {"body": "x"}).status_code == 403
        )
    assert (
        post(frank, f"/api/forum/questions/{question}/reports", {"reason": "r"}).status_code == 201
    )
    assert (
        post(hank, f"/api/forum/questions/{question}/reports", {"reason": "r"}).status_code == 403
    )


def test_invitations_list_the_alumnus_own_only(carol, dave, erin):
    dave.person.expertise = "machine learning"
    dave.person.save()
    AnswerPreference.objects.create(person=dave.person, accepts_questions=True)
    routing_profiles_refresh([dave.person_id])
    question = services.question_ask(
        asker=carol.person, title="Machine learning careers?", topic="career"
    )
    services.question_route(question_id=question.pk)
    assert Invitation.objects.filter(person=dave.person).exists()
    mine = client_for(dave).get("/api/forum/invitations").json()
    assert mine["total"] == 1 and mine["results"][0]["question_id"] == question.pk
    assert client_for(erin).get("/api/forum/invitations").json()["total"] == 0
    assert client_for(carol).get("/api/forum/invitations").status_code == 403
    # The reason dave was invited shows to him on the question, as on the page.
    detail = client_for(dave).get(f"/api/forum/questions/{question.pk}").json()
    assert "machine learning" in " ".join(detail["invitations"][0]["reasons"])
    assert client_for(carol).get(f"/api/forum/questions/{question.pk}").json()["invitations"] == []
