"""Reads of the forum: who may see a question, lists, the page of one question, queues."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from alma.accounts.roles import Role, roles_of
from alma.forum.models import Answer, Comment, Invitation, Question, Report, Revision
from alma.forum.routing import reason_text
from alma.people.models import Person
from alma.people.privacy import may_see_profile
from alma.search.selectors import search_query

QUESTION_KIND = "forum.question"


def is_office(user: Any) -> bool:
    return Role.ALUMNI_OFFICE in roles_of(user)


def questions_visible_q(user: Any) -> Q:
    """Questions a signed-in user may open: public and not hidden, or their own one-to-one
    questions (asked or received); the alumni office also sees hidden public ones."""
    person_id = getattr(user, "person_id", None)
    public = Q(private_to__isnull=True)
    if not is_office(user):
        public &= Q(hidden=False)
    if person_id:
        return (
            public | Q(asker_id=person_id, hidden=False) | Q(private_to_id=person_id, hidden=False)
        )
    return public


def question_for(user: Any, pk: int) -> Question:
    """The question, if the user may open it; 404 otherwise (a private one is not revealed)."""
    question = (
        Question.objects.filter(questions_visible_q(user), pk=pk)
        .select_related("asker", "private_to", "event", "accepted_answer")
        .first()
    )
    if question is None:
        raise Http404
    return question


def questions_listed(
    user: Any,
    *,
    q: str = "",
    topic: str = "",
    tag: str = "",
    event_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Question], int]:
    """Public questions matching the words, topic and tag, best first (newest first without
    words)."""
    if event_id is not None:
        qs = Question.objects.filter(event_id=event_id, private_to__isnull=True, hidden=False)
        total = qs.count()
        rows = list(qs.select_related("asker")[(page - 1) * per_page : page * per_page])
        return rows, total
    facets = {name: value for name, value in (("topic", topic), ("tag", tag)) if value}
    result = search_query(
        QUESTION_KIND, q, facets=facets, limit=per_page, offset=(page - 1) * per_page
    )
    found = {
        question.pk: question
        for question in Question.objects.filter(
            pk__in=result.ids, hidden=False, private_to__isnull=True
        ).select_related("asker")
    }
    return [found[i] for i in result.ids if i in found], result.total


def private_recipient_for(user: Any, asker: Person, person_id: int) -> Person:
    """The alumnus this user may ask one-to-one, or 404 (unknown, not taking one-to-one
    questions, the asker themself, or someone whose profile the user may not see)."""
    from alma.forum.services import may_take_private
    from alma.people.privacy import person_view_for

    recipient = Person.objects.filter(pk=person_id).first() if 0 < person_id < 2**62 else None
    if (
        recipient is None
        or recipient.pk == asker.pk
        or not may_take_private(recipient)
        or person_view_for(user, recipient) is None
    ):
        raise Http404
    return recipient


def event_for(user: Any, event_id: int) -> Any:
    """The event (a forum talk) whose thread this user may read and ask into, or 404."""
    from alma.events.access import may_see_event
    from alma.events.models import Event

    event = Event.objects.filter(pk=event_id).first() if 0 < event_id < 2**62 else None
    if event is None or not may_see_event(user, event):
        raise Http404
    return event


def my_private_questions(person_id: int | None) -> QuerySet[Question]:
    if not person_id:
        return Question.objects.none()
    return (
        Question.objects.filter(Q(asker_id=person_id) | Q(private_to_id=person_id))
        .filter(private_to__isnull=False, hidden=False)
        .select_related("asker", "private_to")
    )


def invitations_of(person_id: int | None) -> QuerySet[Invitation]:
    if not person_id:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(person_id=person_id, question__hidden=False)
        .select_related("question")
        .order_by("-created_at", "-id")
    )


def open_reports() -> QuerySet[Report]:
    return Report.objects.filter(status=Report.Status.OPEN).select_related(
        "question", "answer", "reporter"
    )


def shown_name(viewer: Any, person: Person | None, *, fallback: str) -> str:
    """A person's name as the viewer may see it (people.privacy), or the fallback."""
    if person is None:
        return fallback
    # Only the name, which people.privacy shows with the profile (ALWAYS_SHOWN).
    return person.full_name if may_see_profile(viewer, person) else fallback


def asker_name(viewer: Any, question: Question, *, fallback: str, anonymous: str) -> str:
    """The asker as this viewer sees them: anonymous questions name the asker to the alumni
    office and to the asker only."""
    if (
        question.anonymous
        and not is_office(viewer)
        and getattr(viewer, "person_id", None) != question.asker_id
    ):
        return anonymous
    return shown_name(viewer, question.asker, fallback=fallback)


@dataclass
class AnswerShown:
    answer: Answer
    author: str
    comments: list[tuple[Comment, str]] = field(default_factory=list)
    my_vote: int = 0
    revisions: list[Revision] = field(default_factory=list)
    takes_private: bool = False


@dataclass
class InvitationShown:
    invitation: Invitation
    name: str
    reasons: list[str]


def question_page(user: Any, question: Question, *, fallback: str) -> dict[str, Any]:
    """What the question page shows this viewer, read in a fixed number of queries."""
    office = is_office(user)
    person_id = getattr(user, "person_id", None)
    answers_qs = question.answers.select_related("author").prefetch_related(
        Prefetch(
            "comments", queryset=Comment.objects.filter(hidden=False).select_related("author")
        ),
        "revisions",
    )
    if not office:
        answers_qs = answers_qs.filter(hidden=False)
    votes = {}
    if person_id:
        votes = dict(
            question.answers.filter(votes__voter_id=person_id).values_list("pk", "votes__value")
        )
    answers_list = list(answers_qs)
    private_ok = takes_private_ids({a.author_id for a in answers_list} - {person_id})
    answers = [
        AnswerShown(
            answer=a,
            author=shown_name(user, a.author, fallback=fallback),
            comments=[(c, shown_name(user, c.author, fallback=fallback)) for c in a.comments.all()],
            my_vote=votes.get(a.pk, 0),
            revisions=list(a.revisions.all()),
            takes_private=a.author_id in private_ok,
        )
        for a in answers_list
    ]
    comments = [
        (c, shown_name(user, c.author, fallback=fallback))
        for c in question.comments.filter(answer__isnull=True, hidden=False).select_related(
            "author"
        )
    ]
    invitations: list[InvitationShown] = []
    invitation_rows = question.invitations.select_related("person")
    if not office:
        invitation_rows = invitation_rows.filter(person_id=person_id or 0)
    for invitation in invitation_rows:
        invitations.append(
            InvitationShown(
                invitation=invitation,
                name=shown_name(user, invitation.person, fallback=fallback),
                reasons=[reason_text(r) for r in invitation.reasons],
            )
        )
    return {
        "answers": answers,
        "comments": comments,
        "invitations": invitations,
        "revisions": list(question.revisions.all()),
        "is_office": office,
        "is_asker": person_id == question.asker_id,
        "is_invited": any(i.invitation.person_id == person_id for i in invitations),
    }


def takes_private_ids(person_ids: set[Any]) -> set[int]:
    """Of these people, the alumni who take one-to-one questions (a fixed number of queries)."""
    from alma.forum.models import AnswerPreference
    from alma.forum.routing import accepting_ids

    ids = {pk for pk in person_ids if pk}
    if not ids:
        return set()
    accepting = set(accepting_ids(ids))
    refused = set(
        AnswerPreference.objects.filter(person_id__in=accepting, accepts_private=False).values_list(
            "person_id", flat=True
        )
    )
    return accepting - refused
