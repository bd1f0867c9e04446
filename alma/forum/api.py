"""API: the alumni forum, with the pages' services, selectors, permissions and rate limits.

List and search questions; a question with its answers and comments; ask, answer, comment,
vote, accept (the asker); my invitations to answer (alumni); report. A question the caller may
not open (someone else's one-to-one question, a hidden one) is a 404, as on the pages.
Markdown (questions, answers) comes as its source (`body`) and as the pages' sanitised HTML
(`body_html`); comments are plain text.
"""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alma.accounts.roles import Role, has_role
from alma.forum import selectors, services
from alma.forum.markdown import markdown_html
from alma.forum.models import Answer, Comment, Question, Topic
from alma.lib.openapi import ErrorOut, errors
from alma.people.models import Person

router = Router(tags=["forum"])
PAGE_SIZE = 20
MAX_PAGE = 500
MEMBERS = (Role.ALUMNI_OFFICE, Role.STAFF, Role.STUDENT, Role.ALUMNUS)
FORBIDDEN = {403: ErrorOut}


# -- schemas ---------------------------------------------------------------------------------


class QuestionSummaryOut(Schema):
    id: int
    title: str
    topic: str
    topic_label: str
    tags: list[str]
    asker: str = Field(description="The asker's name as you may see it, or 'Anonymous student'.")
    answer_count: int
    answered: bool = Field(description="The asker accepted an answer.")
    locked: bool
    event_id: int | None
    created_at: dt.datetime


class QuestionPageOut(Schema):
    total: int
    page: int
    num_pages: int
    results: list[QuestionSummaryOut]


class CommentOut(Schema):
    id: int
    answer_id: int | None
    author: str
    body: str = Field(description="Plain text.")
    created_at: dt.datetime


class AnswerOut(Schema):
    id: int
    question_id: int
    author: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="The Markdown rendered and sanitised, as on the page.")
    score: int
    my_vote: Literal[-1, 0, 1]
    accepted: bool
    hidden: bool = Field(description="Hidden by moderation (only the alumni office sees these).")
    created_at: dt.datetime
    updated_at: dt.datetime
    comments: list[CommentOut]


class InvitedOut(Schema):
    name: str = Field(description="The alumnus invited (the alumni office sees every one).")
    reasons: list[str]
    escalation: bool


class QuestionOut(Schema):
    id: int
    title: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="The Markdown rendered and sanitised, as on the page.")
    topic: str
    topic_label: str
    tags: list[str]
    asker: str = Field(description="Anonymous askers are named to the alumni office only.")
    anonymous: bool
    private_to: str | None = Field(description="The alumnus asked, for a one-to-one question.")
    event_id: int | None
    locked: bool
    hidden: bool
    accepted_answer_id: int | None
    answer_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    comments: list[CommentOut]
    answers: list[AnswerOut]
    invitations: list[InvitedOut] = Field(
        description="Who was invited and why: all for the alumni office, your own otherwise."
    )


class QuestionIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field("", max_length=20_000)
    topic: Topic
    tags: str = Field("", max_length=200, description="Comma-separated, at most 5.")
    anonymous: bool = False
    to: int | None = Field(
        None, ge=1, description="Ask this alumnus one-to-one (if they take such questions)."
    )
    event_id: int | None = Field(None, ge=1, description="Ask into a forum talk's thread.")


class AnswerIn(Schema):
    body: str = Field(max_length=20_000)


class CommentIn(Schema):
    body: str = Field(max_length=2000)
    answer_id: int | None = Field(None, ge=1, description="Comment on this answer.")


class VoteIn(Schema):
    value: Literal[-1, 0, 1] = Field(description="1 helpful, -1 not helpful, 0 takes it back.")


class ReportIn(Schema):
    reason: str = Field(max_length=500)
    answer_id: int | None = Field(None, ge=1, description="Report this answer.")


class ReportOut(Schema):
    id: int
    question_id: int
    answer_id: int | None
    status: str


class InvitationOut(Schema):
    id: int
    question_id: int
    title: str
    topic: str
    answer_count: int
    escalation: bool
    created_at: dt.datetime


class InvitationPageOut(Schema):
    total: int
    page: int
    num_pages: int
    results: list[InvitationOut]


class ListFilters(Schema):
    q: str = Field("", max_length=200, description="Words (Chinese, pinyin, prefixes).")
    topic: Topic | None = None
    tag: str = Field("", max_length=30)
    event_id: int | None = Field(None, ge=1, description="A forum talk's thread.")
    page: int = Field(1, ge=1, le=MAX_PAGE)


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)


# -- helpers ---------------------------------------------------------------------------------


def _member(request: HttpRequest) -> Person:
    """The caller's person, if they are a member who may write (students, alumni, staff)."""
    if not has_role(request.user, *MEMBERS):
        raise HttpError(403, _("Members of the university only."))
    return _own_person(request)


def _own_person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise HttpError(403, _("Your account is not linked to a person record."))
    return person


def _anonymous() -> dict[str, str]:
    return {"fallback": _("A member"), "anonymous": _("Anonymous student")}


def _summary(request: HttpRequest, question: Question) -> QuestionSummaryOut:
    return QuestionSummaryOut(
        id=question.pk,
        title=question.title,
        topic=question.topic,
        topic_label=str(Topic(question.topic).label),
        tags=question.tag_list(),
        asker=selectors.asker_name(request.user, question, **_anonymous()),
        answer_count=question.answer_count,
        answered=question.accepted_answer_id is not None,
        locked=question.locked,
        event_id=question.event_id,
        created_at=question.created_at,
    )


def _comment(comment: Comment, name: str) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        answer_id=comment.answer_id,
        author=name,
        body=comment.body,
        created_at=comment.created_at,
    )


def _detail(request: HttpRequest, question: Question) -> QuestionOut:
    shown = selectors.question_page(request.user, question, fallback=_("A member"))
    answers = [
        AnswerOut(
            id=a.answer.pk,
            question_id=question.pk,
            author=a.author,
            body=a.answer.body,
            body_html=str(markdown_html(a.answer.body)),
            score=a.answer.score,
            my_vote=a.my_vote,  # type: ignore[arg-type]
            accepted=question.accepted_answer_id == a.answer.pk,
            hidden=a.answer.hidden,
            created_at=a.answer.created_at,
            updated_at=a.answer.updated_at,
            comments=[_comment(c, name) for c, name in a.comments],
        )
        for a in shown["answers"]
    ]
    return QuestionOut(
        id=question.pk,
        title=question.title,
        body=question.body,
        body_html=str(markdown_html(question.body)),
        topic=question.topic,
        topic_label=str(Topic(question.topic).label),
        tags=question.tag_list(),
        asker=selectors.asker_name(request.user, question, **_anonymous()),
        anonymous=question.anonymous,
        private_to=selectors.shown_name(request.user, question.private_to, fallback=_("A member"))
        if question.private_to_id
        else None,
        event_id=question.event_id,
        locked=question.locked,
        hidden=question.hidden,
        accepted_answer_id=question.accepted_answer_id,
        answer_count=question.answer_count,
        created_at=question.created_at,
        updated_at=question.updated_at,
        comments=[_comment(c, name) for c, name in shown["comments"]],
        answers=answers,
        invitations=[
            InvitedOut(name=i.name, reasons=i.reasons, escalation=i.invitation.escalation)
            for i in shown["invitations"]
        ],
    )


def _question(request: HttpRequest, question_id: int) -> Question:
    return selectors.question_for(request.user, question_id)


def _answer(request: HttpRequest, answer_id: int) -> Answer:
    """The answer, if its question shows to the caller and it is not hidden from them."""
    found = get_object_or_404(Answer.objects.select_related("question"), pk=answer_id)
    selectors.question_for(request.user, found.question_id)
    if found.hidden and not selectors.is_office(request.user):
        raise Http404
    return found


def _answer_of(question: Question, answer_id: int | None) -> Answer | None:
    if answer_id is None:
        return None
    found = Answer.objects.filter(pk=answer_id, question=question).first()
    if found is None:
        raise Http404
    return found


def _num_pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


# -- operations ------------------------------------------------------------------------------


@router.get(
    "/questions",
    response=QuestionPageOut,
    summary="Public questions: search by words, topic, tag or forum talk (20 a page)",
    openapi_extra=errors(404),
)
def forum_questions(request: HttpRequest, filters: Query[ListFilters]) -> QuestionPageOut:
    event = selectors.event_for(request.user, filters.event_id) if filters.event_id else None
    rows, total = selectors.questions_listed(
        request.user,
        q=filters.q,
        topic=filters.topic or "",
        tag=filters.tag.strip(),
        event_id=event.pk if event else None,
        page=filters.page,
        per_page=PAGE_SIZE,
    )
    return QuestionPageOut(
        total=total,
        page=filters.page,
        num_pages=_num_pages(total),
        results=[_summary(request, q) for q in rows],
    )


@router.post(
    "/questions",
    response={201: QuestionOut, 403: ErrorOut},
    summary="Ask a question (members; `to` asks one alumnus one-to-one)",
    openapi_extra=errors(404),
)
def forum_ask(request: HttpRequest, payload: QuestionIn) -> Status:
    person = _member(request)
    recipient = (
        selectors.private_recipient_for(request.user, person, payload.to) if payload.to else None
    )
    event = selectors.event_for(request.user, payload.event_id) if payload.event_id else None
    question = services.question_ask(
        asker=person,
        title=payload.title,
        body=payload.body,
        topic=payload.topic,
        tags=payload.tags,
        anonymous=payload.anonymous,
        event=event,
        private_to=recipient,
    )
    return Status(201, _detail(request, _question(request, question.pk)))


@router.get(
    "/questions/{int:question_id}",
    response=QuestionOut,
    summary="A question with its answers and comments",
    openapi_extra=errors(404),
)
def forum_question(request: HttpRequest, question_id: int) -> QuestionOut:
    return _detail(request, _question(request, question_id))


@router.post(
    "/questions/{int:question_id}/answers",
    response={201: AnswerOut, 403: ErrorOut},
    summary="Answer a question (members; a one-to-one question: the alumnus asked)",
    openapi_extra=errors(404),
)
def forum_answer(request: HttpRequest, question_id: int, payload: AnswerIn) -> Status:
    person = _member(request)
    question = _question(request, question_id)
    answer = services.answer_post(question=question, author=person, body=payload.body)
    return Status(
        201,
        AnswerOut(
            id=answer.pk,
            question_id=question.pk,
            author=selectors.shown_name(request.user, person, fallback=_("A member")),
            body=answer.body,
            body_html=str(markdown_html(answer.body)),
            score=answer.score,
            my_vote=0,
            accepted=False,
            hidden=answer.hidden,
            created_at=answer.created_at,
            updated_at=answer.updated_at,
            comments=[],
        ),
    )


@router.post(
    "/questions/{int:question_id}/comments",
    response={201: CommentOut, 403: ErrorOut},
    summary="Comment on a question or one of its answers (members)",
    openapi_extra=errors(404),
)
def forum_comment(request: HttpRequest, question_id: int, payload: CommentIn) -> Status:
    person = _member(request)
    question = _question(request, question_id)
    target = _answer_of(question, payload.answer_id)
    comment = services.comment_post(
        question=question, author=person, body=payload.body, answer=target
    )
    name = selectors.shown_name(request.user, person, fallback=_("A member"))
    return Status(201, _comment(comment, name))


@router.post(
    "/questions/{int:question_id}/reports",
    response={201: ReportOut, 403: ErrorOut},
    summary="Report a question or one of its answers to the alumni office",
    openapi_extra=errors(404),
)
def forum_report(request: HttpRequest, question_id: int, payload: ReportIn) -> Status:
    question = _question(request, question_id)
    person = _own_person(request)
    target = _answer_of(question, payload.answer_id)
    report = services.report_file(
        reporter=person, question=question, answer=target, reason=payload.reason
    )
    return Status(
        201,
        ReportOut(
            id=report.pk,
            question_id=question.pk,
            answer_id=report.answer_id,
            status=report.status,
        ),
    )


@router.post(
    "/answers/{int:answer_id}/vote",
    response={200: AnswerOut, 403: ErrorOut},
    summary="Vote an answer helpful (1) or not (-1), or take the vote back (0) (members)",
    openapi_extra=errors(404),
)
def forum_vote(request: HttpRequest, answer_id: int, payload: VoteIn) -> Status:
    person = _member(request)
    target = _answer(request, answer_id)
    services.answer_vote(answer=target, voter=person, value=payload.value)
    return Status(200, _answer_out(request, target.question_id, target.pk))


@router.post(
    "/answers/{int:answer_id}/accept",
    response={200: QuestionOut, 403: ErrorOut},
    summary="Accept an answer (the asker only)",
    openapi_extra=errors(404),
)
def forum_accept(request: HttpRequest, answer_id: int) -> Status:
    person = _member(request)
    target = _answer(request, answer_id)
    services.answer_accept(answer=target, by=person)
    return Status(200, _detail(request, _question(request, target.question_id)))


def _answer_out(request: HttpRequest, question_id: int, answer_id: int) -> AnswerOut:
    detail = _detail(request, _question(request, question_id))
    return next(a for a in detail.answers if a.id == answer_id)


@router.get(
    "/invitations",
    response={200: InvitationPageOut, 403: ErrorOut},
    summary="The questions I was invited to answer, newest first (alumni; 20 a page)",
)
def forum_invitations(request: HttpRequest, paging: Query[PageIn]) -> Status:
    if not has_role(request.user, Role.ALUMNUS):
        raise HttpError(403, _("Alumni only."))
    rows = selectors.invitations_of(getattr(request.user, "person_id", None))
    total = rows.count()
    start = (paging.page - 1) * PAGE_SIZE
    return Status(
        200,
        InvitationPageOut(
            total=total,
            page=paging.page,
            num_pages=_num_pages(total),
            results=[_invitation(i) for i in rows[start : start + PAGE_SIZE]],
        ),
    )


def _invitation(invitation: Any) -> InvitationOut:
    question = invitation.question
    return InvitationOut(
        id=invitation.pk,
        question_id=question.pk,
        title=question.title,
        topic=question.topic,
        answer_count=question.answer_count,
        escalation=invitation.escalation,
        created_at=invitation.created_at,
    )
