"""Forum pages: thin views that parse, authorise, call a service or selector, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role
from alma.forum import selectors, services
from alma.forum.forms import (
    AnswerForm,
    CommentForm,
    PreferenceForm,
    QuestionEditForm,
    QuestionForm,
    ReportForm,
)
from alma.forum.models import Answer, Question, Report, Topic
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.people.models import Person
from alma.people.privacy import person_view_for

PAGE_SIZE = 20
OFFICE = Role.ALUMNI_OFFICE
MEMBERS = (Role.ALUMNI_OFFICE, Role.STAFF, Role.STUDENT, Role.ALUMNUS)


def _person(request: HttpRequest) -> Person:
    person = signed_in_user(request).person
    if person is None:
        raise PermissionDenied
    return person


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(int(raw), 500) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _names(request: HttpRequest, questions: list[Question]) -> list[tuple[Question, str]]:
    return [
        (
            q,
            selectors.asker_name(
                request.user, q, fallback=_("A member"), anonymous=_("Anonymous student")
            ),
        )
        for q in questions
    ]


def _event(request: HttpRequest) -> Any:
    """The forum talk named by `?event=ID` (404 if the user may not see it), or None."""
    raw = request.GET.get("event", "")
    return selectors.event_for(request.user, int(raw)) if raw.isdigit() and len(raw) < 20 else None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    topic = request.GET.get("topic", "")
    topic = topic if topic in Topic.values else ""
    event = _event(request)
    number = _page_number(request)
    rows, total = selectors.questions_listed(
        request.user,
        q=q,
        topic=topic,
        event_id=event.pk if event else None,
        page=number,
        per_page=PAGE_SIZE,
    )
    pages = Paginator(range(total), PAGE_SIZE).get_page(number)
    person_id = signed_in_user(request).person_id
    return render(
        request,
        "forum/index.html",
        {
            "questions": _names(request, rows),
            "total": total,
            "page": pages,
            "q": q,
            "topic": topic,
            "topics": Topic.choices,
            "event": event,
            "private": list(selectors.my_private_questions(person_id)[:20]),
            "is_office": selectors.is_office(request.user),
        },
    )


@role_required(*MEMBERS)
def ask(request: HttpRequest) -> HttpResponse:
    """Ask the forum; `?to=ID` asks one alumnus privately, `?event=ID` asks a forum talk."""
    person = _person(request)
    recipient = None
    to = request.GET.get("to", "")
    if to.isdigit() and len(to) < 20:
        recipient = selectors.private_recipient_for(request.user, person, int(to))
    recipient_view = person_view_for(request.user, recipient) if recipient else None
    event = _event(request)
    form = QuestionForm(request.POST or None, initial={"topic": request.GET.get("topic", "")})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                asker=person,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topic=form.cleaned_data["topic"],
                tags=form.cleaned_data["tags"],
                anonymous=form.cleaned_data["anonymous"],
                event=event,
                private_to=recipient,
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Your question is posted."))
            return redirect("forum:question", pk=question.pk)
    return render(
        request,
        "forum/ask.html",
        {"form": form, "recipient": recipient_view, "event": event},
    )


@login_required
def question(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    context = selectors.question_page(request.user, item, fallback=_("A member"))
    person_id = signed_in_user(request).person_id
    context.update(
        {
            "question": item,
            "asker": selectors.asker_name(
                request.user, item, fallback=_("A member"), anonymous=_("Anonymous student")
            ),
            "answer_form": AnswerForm(),
            "comment_form": CommentForm(),
            "report_form": ReportForm(),
            "may_answer": not item.locked
            and (not item.is_private or item.private_to_id == person_id),
            "may_publish": item.is_private and item.private_to_id == person_id,
            "private_to": selectors.shown_name(
                request.user, item.private_to, fallback=_("A member")
            ),
        }
    )
    return render(request, "forum/question.html", context)


def _post_form(request: HttpRequest, form: Any, pk: int) -> bool:
    if form.is_valid():
        return True
    messages.error(request, _("Please check what you wrote."))
    return False


@require_POST
@role_required(*MEMBERS)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    form = AnswerForm(request.POST)
    if _post_form(request, form, pk):
        services.answer_post(question=item, author=_person(request), body=form.cleaned_data["body"])
        messages.success(request, _("Thank you for your answer."))
    return redirect("forum:question", pk=pk)


@require_POST
@role_required(*MEMBERS)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    form = CommentForm(request.POST)
    if _post_form(request, form, pk):
        target = None
        if form.cleaned_data.get("answer"):
            target = Answer.objects.filter(pk=form.cleaned_data["answer"], question=item).first()
            if target is None:
                raise Http404
        services.comment_post(
            question=item, author=_person(request), body=form.cleaned_data["body"], answer=target
        )
    return redirect("forum:question", pk=pk)


@require_POST
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    form = ReportForm(request.POST)
    if _post_form(request, form, pk):
        target = None
        if form.cleaned_data.get("answer"):
            target = Answer.objects.filter(pk=form.cleaned_data["answer"], question=item).first()
            if target is None:
                raise Http404
        services.report_file(
            reporter=_person(request),
            question=item,
            answer=target,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Thank you; the alumni office will look at it."))
    return redirect("forum:question", pk=pk)


def _answer_for(request: HttpRequest, pk: int) -> Answer:
    found = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    selectors.question_for(request.user, found.question_id)  # 404 unless the question shows
    if found.hidden and not selectors.is_office(request.user):
        raise Http404
    return found


@require_POST
@role_required(*MEMBERS)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    target = _answer_for(request, pk)
    raw = request.POST.get("value", "")
    value = {"1": 1, "-1": -1, "0": 0}.get(raw)
    if value is None:
        raise ApplicationError(_("A vote is up or down."))
    services.answer_vote(answer=target, voter=_person(request), value=value)
    return redirect("forum:question", pk=target.question_id)


@require_POST
@role_required(*MEMBERS)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    target = _answer_for(request, pk)
    services.answer_accept(answer=target, by=_person(request))
    messages.success(request, _("You accepted this answer."))
    return redirect("forum:question", pk=target.question_id)


@role_required(*MEMBERS)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    if item.asker_id != signed_in_user(request).person_id:
        raise PermissionDenied
    form = QuestionEditForm(
        request.POST or None, initial={"title": item.title, "body": item.body, "tags": item.tags}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_edit(question=item, editor=_person(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            return redirect("forum:question", pk=pk)
    return render(request, "forum/edit.html", {"form": form, "question": item})


@role_required(*MEMBERS)
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _answer_for(request, pk)
    if target.author_id != signed_in_user(request).person_id:
        raise PermissionDenied
    form = AnswerForm(request.POST or None, initial={"body": target.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_edit(
                answer=target, editor=_person(request), body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            return redirect("forum:question", pk=target.question_id)
    return render(
        request, "forum/edit.html", {"form": form, "question": target.question, "answer": target}
    )


@require_POST
@role_required(*MEMBERS)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    services.question_publish(question=item, by=_person(request))
    messages.success(request, _("The exchange is public now; the asker stays anonymous."))
    return redirect("forum:question", pk=pk)


_FLAGS = {
    "hide": {"hidden": True},
    "show": {"hidden": False},
    "lock": {"locked": True},
    "unlock": {"locked": False},
}


@require_POST
@role_required(OFFICE)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.question_for(request.user, pk)
    flags = _FLAGS.get(request.POST.get("action", ""))
    if flags is None:
        raise ApplicationError(_("Choose hide, show, lock or unlock."))
    services.question_moderate(question=item, **flags)
    return redirect("forum:question", pk=pk)


@require_POST
@role_required(OFFICE)
def answer_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    target = _answer_for(request, pk)
    action = request.POST.get("action", "")
    if action not in ("hide", "show"):
        raise ApplicationError(_("Choose hide or show."))
    services.answer_moderate(answer=target, hidden=action == "hide")
    return redirect("forum:question", pk=target.question_id)


@role_required(OFFICE)
def moderation(request: HttpRequest) -> HttpResponse:
    reports = Paginator(selectors.open_reports(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "forum/moderation.html", {"page": reports})


@require_POST
@role_required(OFFICE)
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Report, pk=pk, status=Report.Status.OPEN)
    action = request.POST.get("action", "")
    if action not in ("hide", "dismiss"):
        raise ApplicationError(_("Choose hide or dismiss."))
    services.report_resolve(report=item, hide=action == "hide")
    return redirect("forum:moderation")


@role_required(Role.ALUMNUS)
def invitations(request: HttpRequest) -> HttpResponse:
    rows = Paginator(selectors.invitations_of(signed_in_user(request).person_id), PAGE_SIZE)
    return render(
        request, "forum/invitations.html", {"page": rows.get_page(request.GET.get("page"))}
    )


@role_required(Role.ALUMNUS)
def preferences(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    current = services.preference_of(person)
    form = PreferenceForm(
        request.POST or None,
        initial={
            "accepts_questions": current.accepts_questions,
            "accepts_private": current.accepts_private,
            "invitations_per_week": current.invitations_per_week,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(person=person, **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Your forum preferences were saved."))
            return redirect("forum:preferences")
    return render(request, "forum/preferences.html", {"form": form})
