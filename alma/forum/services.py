"""Writes of the forum: asking, answering, voting, accepting, moderating, routing, preferences.

Side effects (routing, mail) run after the transaction commits, as background jobs.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.activity.services import activity_record
from alma.forum import routing
from alma.forum.models import (
    TOPIC_ASPECT,
    Answer,
    AnswerPreference,
    Comment,
    Invitation,
    Question,
    Report,
    Revision,
    RoutingProfile,
    Topic,
    Vote,
)
from alma.lib.errors import ApplicationError
from alma.people.models import Person, Stage
from alma.search.services import search_index, search_remove

QUESTION_KIND = "forum.question"
ESCALATE_AFTER = dt.timedelta(hours=48)
ESCALATION_LIMIT = 5
PRIVATE_PER_WEEK = 2  # one-to-one questions a student may ask a week
# Against spam: what one person may post in an hour. Students are never held back by
# reputation, only by these plain counts.
QUESTIONS_PER_HOUR = 5
POSTS_PER_HOUR = 30
REPORTS_PER_HOUR = 10
MAX_TAGS = 5


def _clean_tags(tags: str) -> str:
    items = [t.strip()[:30] for t in tags.replace("，", ",").split(",") if t.strip()]
    if len(items) > MAX_TAGS:
        raise ApplicationError(_("At most %(n)d tags.") % {"n": MAX_TAGS}, field="tags")
    return ", ".join(dict.fromkeys(items))


def _check_text(value: str, field: str, *, required: bool = True, maximum: int = 20_000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("This field is required."), field=field)
    if len(value) > maximum:
        raise ApplicationError(_("At most %(n)d characters.") % {"n": maximum}, field=field)
    return value


def _rate_limit(count: int, limit: int) -> None:
    if count >= limit:
        raise ApplicationError(_("You have posted a lot in the last hour; please wait a while."))


def _hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


def question_index(question: Question) -> None:
    """Keep the question's search document current: public questions only, with their answers."""
    if question.hidden or question.is_private:
        search_remove(QUESTION_KIND, question.pk)
        return
    answers = question.answers.filter(hidden=False).values_list("body", flat=True)
    text = "\n".join([question.title, question.body, question.tags, *answers])
    search_index(
        QUESTION_KIND,
        question.pk,
        text,
        facets={"topic": question.topic, "tag": question.tag_list()},
    )


@transaction.atomic
def question_ask(
    *,
    asker: Person,
    title: str,
    body: str = "",
    topic: str,
    tags: str = "",
    anonymous: bool = False,
    event: Any = None,
    private_to: Person | None = None,
) -> Question:
    """Post a question; a public one is routed to alumni after the transaction commits."""
    title = _check_text(title, "title", maximum=200)
    body = _check_text(body, "body", required=False)
    if topic not in Topic.values:
        raise ApplicationError(_("Choose a topic."), field="topic")
    tags = _clean_tags(tags)
    recent = Question.objects.filter(asker=asker, created_at__gte=_hour_ago()).count()
    _rate_limit(recent, QUESTIONS_PER_HOUR)
    if private_to is not None:
        _check_private(asker, private_to)
    question = Question.objects.create(
        asker=asker,
        title=title,
        body=body,
        topic=topic,
        tags=tags,
        anonymous=anonymous,
        event=event,
        private_to=private_to,
    )
    question_index(question)
    from alma.forum import tasks

    if private_to is None:
        transaction.on_commit(lambda: tasks.question_route_task.enqueue(question.pk))
        _schedule_escalation(question)
    else:
        transaction.on_commit(lambda: tasks.private_question_notify_task.enqueue(question.pk))
    return question


def may_take_private(person: Person) -> bool:
    if person.stage != Stage.ALUMNUS or person.deceased:
        return False
    pref = AnswerPreference.objects.filter(person=person).first()
    if pref is not None:
        return pref.accepts_private and pref.accepts_questions
    return bool(routing.default_accepts([person.pk]))


def _check_private(asker: Person, recipient: Person) -> None:
    if recipient.pk == asker.pk or not may_take_private(recipient):
        raise ApplicationError(_("This alumnus does not take one-to-one questions."))
    since = timezone.now() - routing.WEEK
    asked = Question.objects.filter(
        asker=asker, private_to__isnull=False, created_at__gte=since
    ).count()
    if asked >= PRIVATE_PER_WEEK:
        raise ApplicationError(
            _("You may ask %(n)d one-to-one questions a week; please wait a few days.")
            % {"n": PRIVATE_PER_WEEK}
        )


def _schedule_escalation(question: Question) -> None:
    from alma.forum.tasks import question_escalate_task

    def enqueue() -> None:
        if question_escalate_task.get_backend().supports_defer:
            run_after = question.created_at + ESCALATE_AFTER
            question_escalate_task.using(run_after=run_after).enqueue(question.pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def question_edit(
    *, question: Question, editor: Person, title: str, body: str, tags: str
) -> Question:
    title = _check_text(title, "title", maximum=200)
    body = _check_text(body, "body", required=False)
    tags = _clean_tags(tags)
    if (title, body, tags) == (question.title, question.body, question.tags):
        return question
    Revision.objects.create(
        question=question, title=question.title, body=question.body, editor=editor
    )
    question.title, question.body, question.tags = title, body, tags
    question.updated_at = timezone.now()
    question.save(update_fields=["title", "body", "tags", "updated_at"])
    question_index(question)
    return question


def _writable(question: Question) -> None:
    if question.locked:
        raise ApplicationError(_("This question is locked."))
    if question.hidden:
        raise ApplicationError(_("This question is hidden."))


@transaction.atomic
def answer_post(*, question: Question, author: Person, body: str) -> Answer:
    body = _check_text(body, "body")
    question = Question.objects.select_for_update().get(pk=question.pk)
    _writable(question)
    if question.is_private and author.pk != question.private_to_id:
        raise ApplicationError(_("Only the alumnus asked may answer a one-to-one question."))
    recent = Answer.objects.filter(author=author, created_at__gte=_hour_ago()).count()
    _rate_limit(recent, POSTS_PER_HOUR)
    answer = Answer.objects.create(question=question, author=author, body=body)
    Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
    question.answer_count += 1
    question_index(question)
    from alma.forum import tasks

    transaction.on_commit(lambda: tasks.answer_notify_task.enqueue(answer.pk))
    transaction.on_commit(lambda: tasks.routing_profiles_refresh_task.enqueue([author.pk]))
    return answer


@transaction.atomic
def answer_edit(*, answer: Answer, editor: Person, body: str) -> Answer:
    body = _check_text(body, "body")
    if body == answer.body:
        return answer
    Revision.objects.create(answer=answer, body=answer.body, editor=editor)
    answer.body = body
    answer.updated_at = timezone.now()
    answer.save(update_fields=["body", "updated_at"])
    question_index(answer.question)
    return answer


@transaction.atomic
def comment_post(
    *, question: Question, author: Person, body: str, answer: Answer | None = None
) -> Comment:
    body = _check_text(body, "body", maximum=2000)
    _writable(question)
    recent = Comment.objects.filter(author=author, created_at__gte=_hour_ago()).count()
    _rate_limit(recent, POSTS_PER_HOUR)
    if answer is not None and answer.question_id != question.pk:
        raise ApplicationError(_("That answer belongs to another question."))
    return Comment.objects.create(question=question, answer=answer, author=author, body=body)


def _answer_record(answer: Answer) -> bool:
    """Write the answer to the ledger once (accepted or upvoted by the asker)."""
    answer = Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    if answer.recorded_at is not None:
        return False
    question = answer.question
    activity_record(
        kind="forum.answer",
        actor=answer.author,
        beneficiary=question.asker,
        aspect=TOPIC_ASPECT[Topic(question.topic)],
        note=question.title[:200],
        source=answer,
    )
    answer.recorded_at = timezone.now()
    answer.save(update_fields=["recorded_at"])
    return True


@transaction.atomic
def answer_vote(*, answer: Answer, voter: Person, value: int) -> Answer:
    """Vote an answer up (1) or down (-1); 0 takes the vote back. The asker's upvote records it."""
    if value not in (-1, 0, 1):
        raise ApplicationError(_("A vote is up or down."))
    if answer.author_id == voter.pk:
        raise ApplicationError(_("You cannot vote on your own answer."))
    if value == 0:
        Vote.objects.filter(answer=answer, voter=voter).delete()
    else:
        Vote.objects.update_or_create(answer=answer, voter=voter, defaults={"value": value})
    total = Vote.objects.filter(answer=answer).aggregate(s=Sum("value"))["s"] or 0
    Answer.objects.filter(pk=answer.pk).update(score=total)
    answer.score = total
    if value == 1 and voter.pk == answer.question.asker_id:
        _answer_record(answer)
    return answer


@transaction.atomic
def answer_accept(*, answer: Answer, by: Person) -> Question:
    question = Question.objects.select_for_update().get(pk=answer.question_id)
    if question.asker_id != by.pk:
        raise ApplicationError(_("Only the asker may accept an answer."))
    if answer.hidden:
        raise ApplicationError(_("This answer is hidden."))
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer"])
    if answer.author_id != by.pk:
        _answer_record(answer)
    return question


@transaction.atomic
def question_publish(*, question: Question, by: Person) -> Question:
    """The alumnus asked one-to-one makes the exchange public, with the asker anonymous."""
    if question.private_to_id != by.pk:
        raise ApplicationError(_("Only the alumnus asked may publish this question."))
    if not question.answers.exists():
        raise ApplicationError(_("Answer the question before publishing it."))
    question.private_to = None
    question.anonymous = True
    question.save(update_fields=["private_to", "anonymous"])
    question_index(question)
    return question


# -- moderation ----------------------------------------------------------------------------


@transaction.atomic
def report_file(
    *, reporter: Person, question: Question, reason: str, answer: Answer | None = None
) -> Report:
    reason = _check_text(reason, "reason", maximum=500)
    recent = Report.objects.filter(reporter=reporter, created_at__gte=_hour_ago()).count()
    _rate_limit(recent, REPORTS_PER_HOUR)
    return Report.objects.create(reporter=reporter, question=question, answer=answer, reason=reason)


@transaction.atomic
def question_moderate(
    *, question: Question, hidden: bool | None = None, locked: bool | None = None
) -> Question:
    if hidden is not None:
        question.hidden = hidden
    if locked is not None:
        question.locked = locked
    question.save(update_fields=["hidden", "locked"])
    question_index(question)
    return question


@transaction.atomic
def answer_moderate(*, answer: Answer, hidden: bool) -> Answer:
    answer.hidden = hidden
    answer.save(update_fields=["hidden"])
    question_index(answer.question)
    return answer


@transaction.atomic
def report_resolve(*, report: Report, hide: bool) -> Report:
    """Hide what was reported (the answer, or else the question), or dismiss the report."""
    if hide:
        if report.answer is not None:
            answer_moderate(answer=report.answer, hidden=True)
        else:
            question_moderate(question=report.question, hidden=True)
    report.status = Report.Status.HIDDEN if hide else Report.Status.DISMISSED
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_at"])
    return report


# -- preferences and routing -----------------------------------------------------------------


@transaction.atomic
def preference_set(
    *, person: Person, accepts_questions: bool, accepts_private: bool, invitations_per_week: int
) -> AnswerPreference:
    if not 0 <= invitations_per_week <= 20:
        raise ApplicationError(
            _("Choose 0 to 20 invitations a week."), field="invitations_per_week"
        )
    pref, _created = AnswerPreference.objects.update_or_create(
        person=person,
        defaults={
            "accepts_questions": accepts_questions,
            "accepts_private": accepts_private,
            "invitations_per_week": invitations_per_week,
        },
    )
    from alma.forum.tasks import routing_profiles_refresh_task

    transaction.on_commit(lambda: routing_profiles_refresh_task.enqueue([person.pk]))
    return pref


def preference_of(person: Person) -> AnswerPreference:
    """The stored preference, or the default one (not saved) for someone who never chose."""
    pref = AnswerPreference.objects.filter(person=person).first()
    if pref is not None:
        return pref
    mentor = bool(routing.default_accepts([person.pk])) and person.stage == Stage.ALUMNUS
    return AnswerPreference(person=person, accepts_questions=mentor, accepts_private=True)


def _invite(
    question: Question, routed: list[routing.Routed], *, escalation: bool
) -> list[Invitation]:
    rows = [
        Invitation(
            question=question,
            person_id=item.person,
            score=item.score,
            reasons=item.reasons,
            escalation=escalation,
        )
        for item in routed
    ]
    created = Invitation.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Invitation.objects.filter(
            question=question, person_id__in=[r.person for r in routed], escalation=escalation
        ).values_list("pk", flat=True)
    )
    from alma.forum.tasks import invitations_send_task

    if ids:
        transaction.on_commit(lambda: invitations_send_task.enqueue(ids))
    return created


def _invite_speakers(question: Question) -> list[Invitation]:
    """A forum talk's question goes to the talk's speakers (they answer before or after it)."""
    from alma.events.models import EventRole

    speakers = (
        EventRole.objects.filter(event=question.event, role=EventRole.Role.SPEAKER)
        .exclude(person_id=question.asker_id)
        .values_list("person_id", flat=True)
        .distinct()
    )
    event_title = question.event.title if question.event else ""
    routed = [
        routing.Routed(
            person=person_id,
            score=1.0,
            reasons=[{"code": "event_speaker", "params": {"event": event_title}}],
        )
        for person_id in sorted(set(speakers))
    ]
    return _invite(question, routed, escalation=False)


def _route_text(question: Question) -> str:
    return f"{question.title}\n{question.body}"


@transaction.atomic
def question_route(*, question_id: int) -> list[Invitation]:
    """Invite the best-placed alumni to answer a new public question (once)."""
    question = Question.objects.select_for_update().filter(pk=question_id).first()
    if question is None or question.is_private or question.hidden:
        return []
    if question.invitations.exists():
        return []
    if question.event_id is not None:
        return _invite_speakers(question)
    routed = routing.route_question(
        text=_route_text(question),
        topic=question.topic,
        tags=question.tag_list(),
        asker=question.asker,
    )
    return _invite(question, routed, escalation=False)


@transaction.atomic
def question_escalate(*, question_id: int, now: dt.datetime | None = None) -> list[Invitation]:
    """An unanswered question, ESCALATE_AFTER after it was asked, goes to more alumni (once)."""
    now = now or timezone.now()
    question = Question.objects.select_for_update().filter(pk=question_id).first()
    if (
        question is None
        or question.escalated_at is not None
        or question.answer_count > 0
        or question.is_private
        or question.event_id is not None
        or question.hidden
        or question.locked
        or question.created_at > now - ESCALATE_AFTER
    ):
        return []
    question.escalated_at = now
    question.save(update_fields=["escalated_at"])
    invited = list(question.invitations.values_list("person_id", flat=True))
    routed = routing.route_question(
        text=_route_text(question),
        topic=question.topic,
        tags=question.tag_list(),
        asker=question.asker,
        limit=ESCALATION_LIMIT,
        exclude=invited,
    )
    return _invite(question, routed, escalation=True)


def questions_escalate_due(*, now: dt.datetime | None = None) -> int:
    """Escalate every question that is due (for cron: `alma forum_escalate`); safe to repeat."""
    now = now or timezone.now()
    due = Question.objects.filter(
        answer_count=0,
        escalated_at__isnull=True,
        created_at__lte=now - ESCALATE_AFTER,
        private_to__isnull=True,
        event__isnull=True,
        hidden=False,
        locked=False,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        count += len(question_escalate(question_id=pk, now=now))
    return count


def forum_reindex() -> tuple[int, int]:
    """Rebuild every routing profile and every question's search document."""
    candidates = set(AnswerPreference.objects.values_list("person_id", flat=True))
    candidates |= routing.mentor_alumni_ids()
    candidates |= set(RoutingProfile.objects.values_list("person_id", flat=True))
    profiles = routing.routing_profiles_refresh(sorted(candidates))
    count = 0
    for question in Question.objects.all().iterator(chunk_size=500):
        with transaction.atomic():
            question_index(question)
        count += 1
    return profiles, count
