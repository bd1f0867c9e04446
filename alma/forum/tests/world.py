"""The forum's part of the URL x role world, and its place in the privacy canary."""

from typing import Any

from alma.forum import services
from alma.forum.models import Answer, AnswerPreference, Question, Report


def forum_world(users: dict[str, Any]) -> dict[str, Any]:
    """carol asks a public question that dave (who takes one-to-one questions) answers; carol
    also asked dave privately, and he answered; bob's question is hidden; alice's is open; erin
    answered carol's public question too (the API's rows vote on and accept that answer)."""
    carol, dave, bob, alice = (users[k].person for k in ("carol", "dave", "bob", "alice"))
    AnswerPreference.objects.create(person=dave, accepts_questions=True, accepts_private=True)
    question = services.question_ask(
        asker=carol,
        title="Which postgraduate programme?",
        body="In **Software**",
        topic="postgraduate",
    )
    answer = services.answer_post(question=question, author=dave, body="Look at *ML* programmes")
    private = services.question_ask(
        asker=carol, title="A private worry", topic="life", private_to=dave
    )
    services.answer_post(question=private, author=dave, body="Talk to your tutor")
    hidden = services.question_ask(asker=bob, title="Spam here", topic="life")
    services.question_moderate(question=hidden, hidden=True)
    other = services.question_ask(asker=alice, title="Office question", topic="city")
    report = services.report_file(reporter=carol, question=question, answer=answer, reason="rude")
    api_answer = services.answer_post(
        question=question, author=users["erin"].person, body="Ask *the careers office*"
    )
    return {
        "forum_question": question.pk,
        "forum_answer": answer.pk,
        "forum_private": private.pk,
        "forum_hidden": hidden.pk,
        "forum_other": other.pk,
        "forum_report": report.pk,
        "forum_api_answer": api_answer.pk,
    }


def forum_question_count(world: dict[str, Any]) -> int:
    return Question.objects.count()


def forum_answer_count(world: dict[str, Any]) -> int:
    return Answer.objects.count()


def forum_comment_count(world: dict[str, Any]) -> int:
    from alma.forum.models import Comment

    return Comment.objects.count()


def forum_report_state(world: dict[str, Any]) -> list[tuple[int, str]]:
    return list(Report.objects.order_by("pk").values_list("pk", "status"))


def forum_question_state(world: dict[str, Any]) -> tuple[Any, ...]:
    q = Question.objects.get(pk=world["forum_question"])
    return (q.title, q.accepted_answer_id, q.locked, q.hidden)


def forum_other_state(world: dict[str, Any]) -> tuple[bool, bool]:
    q = Question.objects.get(pk=world["forum_other"])
    return (q.locked, q.hidden)


def forum_private_state(world: dict[str, Any]) -> Any:
    return Question.objects.get(pk=world["forum_private"]).private_to_id


def forum_answer_state(world: dict[str, Any]) -> tuple[str, int, bool]:
    a = Answer.objects.get(pk=world["forum_answer"])
    return (a.body, a.score, a.hidden)


def forum_api_answer_state(world: dict[str, Any]) -> tuple[str, int, bool]:
    a = Answer.objects.get(pk=world["forum_api_answer"])
    return (a.body, a.score, a.hidden)


def forum_preference_state(world: dict[str, Any]) -> list[tuple[int, bool, int]]:
    return list(
        AnswerPreference.objects.order_by("person_id").values_list(
            "person_id", "accepts_questions", "invitations_per_week"
        )
    )


def canaries_ask_and_answer(alumna: Any, student: Any) -> None:
    """The canary student asks (once openly, once anonymously) and the canary alumna answers,
    is invited and takes questions: the forum's lists, question pages and invitations show them."""
    AnswerPreference.objects.create(person=alumna, accepts_questions=True, accepts_private=True)
    from alma.forum.routing import routing_profiles_refresh

    routing_profiles_refresh([alumna.pk])
    for anonymous in (False, True):
        question = services.question_ask(
            asker=student, title=f"Canary question {anonymous}", topic="career", anonymous=anonymous
        )
        services.answer_post(question=question, author=alumna, body="Canary answer")
        services.question_route(question_id=question.pk)
