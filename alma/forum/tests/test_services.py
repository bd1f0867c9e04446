"""The forum's rules: asking routes and invites, answers notify, the ledger records once,
escalation happens once, one-to-one limits, anonymity, moderation and rate limits."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alma.activity.models import Activity
from alma.comms.models import Notification
from alma.forum import services
from alma.forum.models import Invitation, Question, Report
from alma.forum.selectors import questions_listed
from alma.lib.errors import ApplicationError
from alma.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def student():
    return f.StudentFactory(full_name="王小明")


def ask(student, **kwargs):
    fields = {"title": "How to start in Software?", "body": "python or java", "topic": "career"}
    fields.update(kwargs)
    return services.question_ask(asker=student, **fields)


def test_asking_invites_the_fitting_alumni_by_inbox_and_mail(
    student, expert, django_capture_on_commit_callbacks
):
    coder = expert(name="Coder", industry="Software", expertise="python")
    expert(name="Chef", industry="Hospitality", expertise="cooking")
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(student)
    invited = list(Invitation.objects.filter(question=question).values_list("person_id", flat=True))
    assert invited == [coder.pk]
    note = Notification.objects.get(recipient=coder, kind="forum.invitation")
    assert f"/forum/questions/{question.pk}/" in note.link
    assert any("How to start in Software?" in m.subject for m in mail.outbox)


def test_an_answer_notifies_the_asker_and_is_searchable(
    student, django_capture_on_commit_callbacks
):
    alumnus = f.AlumnusFactory()
    question = ask(student, title="考研经验", body="计算机专业")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_post(
            question=question, author=alumnus, body="Start with **data structures**"
        )
    assert Notification.objects.filter(recipient=student, kind="forum.answered").count() == 1
    rows, total = questions_listed(None, q="kaoyan")
    assert [q.pk for q in rows] == [question.pk] and total == 1
    rows, _total = questions_listed(None, q="structures")
    assert [q.pk for q in rows] == [question.pk]


def test_the_ledger_records_an_answer_once_when_accepted_or_upvoted(student):
    alumnus = f.AlumnusFactory()
    question = ask(student)
    answer = services.answer_post(question=question, author=alumnus, body="Try it")
    other = f.StudentFactory()
    services.answer_vote(answer=answer, voter=other, value=1)  # not the asker: no record
    assert not Activity.objects.filter(kind="forum.answer").exists()
    services.answer_vote(answer=answer, voter=student, value=1)
    services.answer_accept(answer=answer, by=student)
    services.answer_vote(answer=answer, voter=student, value=0)
    services.answer_vote(answer=answer, voter=student, value=1)
    [activity] = Activity.objects.filter(kind="forum.answer")
    assert (activity.actor_id, activity.beneficiary_id) == (alumnus.pk, student.pk)
    assert activity.aspect == "work" and activity.engagement_mode == "volunteer"
    answer.refresh_from_db()
    assert answer.score == 2


def test_only_the_asker_accepts(student):
    question = ask(student)
    answer = services.answer_post(question=question, author=f.AlumnusFactory(), body="x")
    with pytest.raises(ApplicationError):
        services.answer_accept(answer=answer, by=f.StudentFactory())
    assert Question.objects.get(pk=question.pk).accepted_answer is None


def test_unanswered_questions_escalate_once_after_48_hours(student, expert):
    first = expert(name="First", expertise="python", industry="Software")
    question = ask(student)
    services.question_route(question_id=question.pk)
    assert list(question.invitations.values_list("person_id", flat=True)) == [first.pk]
    second = expert(name="Second", expertise="python")
    assert services.questions_escalate_due() == 0  # not yet 48 hours
    Question.objects.filter(pk=question.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    call_command("forum_escalate")
    call_command("forum_escalate")  # again: nothing more
    rows = list(question.invitations.order_by("id").values_list("person_id", "escalation"))
    assert rows == [(first.pk, False), (second.pk, True)]


def test_answered_questions_do_not_escalate(student, expert):
    expert(name="Someone", expertise="python")
    question = ask(student)
    services.answer_post(question=question, author=f.AlumnusFactory(), body="x")
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert services.questions_escalate_due() == 0


def test_one_to_one_questions_respect_the_weekly_limit_and_the_alumnus_choice(student, expert):
    alumnus = expert(name="Mentor", expertise="python")
    for n in range(services.PRIVATE_PER_WEEK):
        ask(student, title=f"private {n}", private_to=alumnus)
    with pytest.raises(ApplicationError):
        ask(student, title="one too many", private_to=alumnus)
    closed = f.AlumnusFactory()  # never opted in, does not mentor
    with pytest.raises(ApplicationError):
        ask(f.StudentFactory(), title="x", private_to=closed)


def test_a_private_question_stays_out_of_search_until_published_anonymised(student, expert):
    alumnus = expert(name="Mentor", expertise="python")
    question = ask(student, title="secret plan", private_to=alumnus)
    assert questions_listed(None, q="secret")[1] == 0
    with pytest.raises(ApplicationError):
        services.answer_post(question=question, author=f.AlumnusFactory(), body="intruding")
    with pytest.raises(ApplicationError):
        services.question_publish(question=question, by=alumnus)  # not answered yet
    services.answer_post(question=question, author=alumnus, body="Here is how")
    services.question_publish(question=question, by=alumnus)
    question.refresh_from_db()
    assert question.private_to is None and question.anonymous
    assert [q.pk for q in questions_listed(None, q="secret")[0]] == [question.pk]


def test_edits_keep_history(student):
    question = ask(student)
    services.question_edit(
        question=question, editor=student, title="New title", body="new", tags="a"
    )
    [revision] = question.revisions.all()
    assert revision.title == "How to start in Software?"
    assert [q.pk for q in questions_listed(None, q="new title")[0]] == [question.pk]
    assert questions_listed(None, q="java")[1] == 0


def test_moderation_hides_locks_and_resolves_reports(student):
    question = ask(student)
    answer = services.answer_post(question=question, author=f.AlumnusFactory(), body="spam spam")
    report = services.report_file(
        reporter=f.StudentFactory(), question=question, answer=answer, reason="spam"
    )
    services.report_resolve(report=report, hide=True)
    answer.refresh_from_db()
    assert answer.hidden and Report.objects.get(pk=report.pk).status == "hidden"
    services.question_moderate(question=question, locked=True)
    with pytest.raises(ApplicationError):
        services.answer_post(question=question, author=f.AlumnusFactory(), body="late")
    services.question_moderate(question=question, hidden=True)
    assert questions_listed(None, q="software")[1] == 0


def test_rate_limits_stop_floods_and_change_nothing(student):
    for n in range(services.QUESTIONS_PER_HOUR):
        ask(student, title=f"q{n}")
    with pytest.raises(ApplicationError):
        ask(student, title="flood")
    assert Question.objects.filter(asker=student).count() == services.QUESTIONS_PER_HOUR


def test_bad_input_is_refused_clearly(student):
    with pytest.raises(ApplicationError) as error:
        ask(student, title="  ")
    assert error.value.field == "title"
    with pytest.raises(ApplicationError):
        ask(student, topic="astrology")
    with pytest.raises(ApplicationError):
        ask(student, tags="a,b,c,d,e,f")
    assert not Question.objects.exists()


def test_a_forum_talk_s_questions_go_to_its_speakers(
    student, expert, django_capture_on_commit_callbacks
):
    from alma.events.models import EventRole
    from alma.events.tests.factories import EventFactory
    from alma.forum.routing import reason_text

    expert(name="Coder", industry="Software", expertise="python")  # fits, but it is a talk
    speaker = f.AlumnusFactory(full_name="Speaker")
    event = EventFactory(title="Alumni forum: careers in Software", kind="forum")
    EventRole.objects.create(event=event, person=speaker, role=EventRole.Role.SPEAKER)
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(student, event=event)
    [invitation] = Invitation.objects.filter(question=question)
    assert invitation.person_id == speaker.pk
    assert reason_text(invitation.reasons[0]) == "Speaker at “Alumni forum: careers in Software”"
    assert Notification.objects.filter(recipient=speaker, kind="forum.invitation").exists()
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert services.questions_escalate_due() == 0  # a talk's thread waits for its speakers
