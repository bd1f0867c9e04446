"""Communications pages: the inbox, notification preferences, the preference centre reached
from mail (signed links, no sign-in), one-click unsubscribe."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role, has_role
from alma.comms import magazine, mailings, selectors, services, tokens, wechat
from alma.comms.forms import (
    ArticleForm,
    IssueForm,
    MailingForm,
    MessageInviteForm,
    MessageWriteForm,
    ScheduleForm,
)
from alma.comms.models import (
    EmailDelivery,
    MagazineArticle,
    MagazineIssue,
    Mailing,
    MailingRecipient,
    MailSettings,
    Notification,
)
from alma.events import services as event_services
from alma.events.models import EventMessage
from alma.events.selectors import cohort_messages
from alma.lib.errors import ApplicationError
from alma.people.models import ConsentPurpose, Person
from alma.people.privacy import person_view_for
from alma.people.services import consent_current, consent_record

INBOX_PAGE_SIZE = 20
# The purposes people receive mail for (the others are not about mail).
MAIL_PURPOSES = [ConsentPurpose.NEWSLETTER, ConsentPurpose.EVENTS, ConsentPurpose.FUNDRAISING]


def _person_or_404(request: HttpRequest) -> Person:
    person = signed_in_user(request).person
    if person is None:
        raise Http404
    return person


# --- The inbox ----------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    person = _person_or_404(request)
    page = Paginator(selectors.inbox_of(person=person), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "comms/inbox.html", {"page": page})


@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, loaded by htmx (so pages' own query counts stay theirs)."""
    user = signed_in_user(request)
    count = selectors.unread_count(person_id=user.person_id) if user.person_id else 0
    return render(request, "comms/unread_badge.html", {"count": count})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=person)
    services.notification_mark_read(notification=notification, person=person)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("inbox:index")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    person = _person_or_404(request)
    services.notifications_mark_all_read(person=person)
    messages.success(request, _("Everything is marked as read."))
    return redirect("inbox:index")


# --- Preferences --------------------------------------------------------------------------


def _preferences_context(person: Person) -> dict[str, Any]:
    current = consent_current(person=person)
    settings_row = MailSettings.objects.filter(person=person).first()
    return {
        "person": person,
        "kinds": selectors.preferences_of(person=person),
        "deliveries": EmailDelivery.choices,
        "purposes": [(p.value, p.label, current.get(p.value, True)) for p in MAIL_PURPOSES],
        "language": selectors.mail_language_of(
            person, settings_row.language if settings_row else ""
        ),
    }


def _save_preferences(request: HttpRequest, person: Person) -> None:
    """The form of comms/preferences_form.html, applied through the services."""
    data = request.POST
    for kind, preference in selectors.preferences_of(person=person):
        email = data.get(f"email:{kind.slug}")  # type: ignore[attr-defined]
        in_app = f"inbox:{kind.slug}" in data  # type: ignore[attr-defined]
        if kind.transactional or email is None:  # type: ignore[attr-defined]
            continue  # always sent, or not on the form that was sent
        current_email = preference.email if preference else kind.default_email  # type: ignore[attr-defined]
        current_in_app = preference.in_app if preference else True
        if email != current_email or in_app != current_in_app:
            services.notification_preference_set(
                person=person,
                kind=kind.slug,  # type: ignore[attr-defined]
                email=email,
                in_app=in_app,
            )
    current = consent_current(person=person)
    decisions = {
        p.value: f"consent:{p.value}" in data
        for p in MAIL_PURPOSES
        if (f"consent:{p.value}" in data) != current.get(p.value, True)
    }
    if decisions:
        user = request.user if request.user.is_authenticated else None
        consent_record(person=person, by=user, decisions=decisions, source="preference centre")  # type: ignore[arg-type]
    if data.get("language"):
        services.mail_language_set(person=person, language=data["language"])


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    person = _person_or_404(request)
    if request.method == "POST":
        try:
            _save_preferences(request, person)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("inbox:preferences")
    return render(request, "comms/preferences.html", _preferences_context(person))


def preference_centre(request: HttpRequest, token: str) -> HttpResponse:
    """The same choices, reached from a mail's link without signing in."""
    value = tokens.read(token, tokens.PREFERENCES_SALT)
    person = (
        Person.objects.filter(pk=int(value.get("p") or 0)).first()
        if isinstance(value, dict)
        else None
    )
    if person is None:
        raise Http404
    if request.method == "POST":
        try:
            _save_preferences(request, person)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("comms:preference-centre", token=token)
    context = _preferences_context(person)
    context["token"] = token
    return render(request, "comms/preference_centre.html", context)


@csrf_exempt  # RFC 8058: mail clients POST here from outside the site, with no cookie
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe: GET asks to confirm (link scanners must not unsubscribe anyone),
    POST unsubscribes, from the page's button or a mail client's List-Unsubscribe-Post."""
    value = tokens.read(token, tokens.UNSUBSCRIBE_SALT)
    if not isinstance(value, dict):
        raise Http404
    from_mailing = "r" in value
    target = (
        mailings.recipient_unsubscribe_target(value["r"])
        if from_mailing
        else services.unsubscribe_target(value)
    )
    if target is None:
        raise Http404
    done = False
    if request.method == "POST":
        if from_mailing:
            mailings.recipient_unsubscribe(recipient_id=value["r"])
        else:
            services.unsubscribe(value)
        done = True
    return render(
        request,
        "comms/unsubscribe.html",
        {
            "target": target,
            "done": done,
            "token": token,
            "preferences": services.preference_centre_url(target.person.pk),
        },
    )


# --- Mailings (alumni office) -------------------------------------------------------------

OFFICE = Role.ALUMNI_OFFICE
RECIPIENTS_PAGE_SIZE = 50


def _mailing_or_404(pk: int) -> Mailing:
    return get_object_or_404(
        Mailing.objects.select_related("segment", "created_by", "issue"), pk=pk
    )


@role_required(OFFICE)
def comms_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        Mailing.objects.select_related("segment").order_by("-created_at", "-id"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "comms/index.html", {"page": page})


def _mailing_form_initial(mailing: Mailing) -> dict[str, Any]:
    audience = mailing.audience or {}
    return {
        "name": mailing.name,
        "purpose": mailing.purpose,
        "segment": mailing.segment_id,
        "stages": audience.get("stages", []),
        "engagement": audience.get("engagement", ""),
        "since": audience.get("since") or None,
        "subject_en": mailing.subject_en,
        "body_en": mailing.body_en,
        "subject_zh": mailing.subject_zh,
        "body_zh": mailing.body_zh,
        "rate_per_minute": mailing.rate_per_minute,
    }


@role_required(OFFICE)
def mailing_new(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("segment", "").isdigit():
        initial["segment"] = int(request.GET["segment"])
    form = MailingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailing = mailings.mailing_create(by=signed_in_user(request), **form.service_fields())
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The mailing is saved as a draft."))
            return redirect("comms:mailing", pk=mailing.pk)
    return render(request, "comms/mailing_form.html", {"form": form, "mailing": None})


@role_required(OFFICE)
def mailing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing_or_404(pk)
    if mailing.status != Mailing.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("comms:mailing", pk=pk)
    form = MailingForm(request.POST or None, initial=_mailing_form_initial(mailing))
    if request.method == "POST" and form.is_valid():
        try:
            mailings.mailing_update(
                mailing=mailing, by=signed_in_user(request), **form.service_fields()
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The mailing is saved."))
            return redirect("comms:mailing", pk=pk)
    return render(request, "comms/mailing_form.html", {"form": form, "mailing": mailing})


@role_required(OFFICE)
def mailing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing_or_404(pk)
    context: dict[str, Any] = {
        "mailing": mailing,
        "stats": mailings.mailing_stats(mailing),
        "schedule_form": ScheduleForm(),
        "preview_languages": [("en", _("English")), ("zh-hans", _("Chinese"))],
    }
    if mailing.status == Mailing.Status.DRAFT:
        try:
            context["audience_count"] = mailings.audience_count(mailing)
        except ApplicationError as error:
            context["audience_error"] = error.message
    context["percent"] = _percent(context["stats"], mailing)
    return render(request, "comms/mailing.html", context)


def _percent(stats: mailings.MailingStats, mailing: Mailing) -> int:
    total = mailing.recipients_total or stats.recipients
    done = stats.sent + stats.failed + stats.claimed_unconfirmed
    return (
        int(100 * done / total) if total else (100 if mailing.status == Mailing.Status.SENT else 0)
    )


@role_required(OFFICE)
def mailing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing_or_404(pk)
    stats = mailings.mailing_stats(mailing)
    return render(
        request,
        "comms/mailing_progress.html",
        {"mailing": mailing, "stats": stats, "percent": _percent(stats, mailing)},
    )


@role_required(OFFICE)
def mailing_preview(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    mailing = _mailing_or_404(pk)
    try:
        rendered = mailings.mailing_preview(
            mailing=mailing, language=language, viewer=signed_in_user(request)
        )
    except ApplicationError:
        raise Http404 from None
    return render(
        request,
        "comms/mailing_preview.html",
        {"mailing": mailing, "rendered": rendered, "language": language},
    )


def _act(request: HttpRequest, pk: int, success: str, action: Any, **kwargs: Any) -> HttpResponse:
    mailing = _mailing_or_404(pk)
    try:
        action(mailing=mailing, by=signed_in_user(request), **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("comms:mailing", pk=pk)


@role_required(OFFICE)
@require_POST
def mailing_test(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, _("A test in each language went to your address."), mailings.mailing_test_send
    )


@role_required(OFFICE)
@require_POST
def mailing_send(request: HttpRequest, pk: int) -> HttpResponse:
    form = ScheduleForm(request.POST)
    at = form.cleaned_data.get("scheduled_at") if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, _("Give a valid date and time, or leave it empty to send now."))
        return redirect("comms:mailing", pk=pk)
    success = _("The mailing is scheduled.") if at else _("The mailing is being sent.")
    return _act(request, pk, success, mailings.mailing_schedule, at=at)


@role_required(OFFICE)
@require_POST
def mailing_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _("The mailing is cancelled."), mailings.mailing_cancel)


@role_required(OFFICE)
@require_POST
def mailing_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        _("Sending starts again with the recipients still waiting."),
        mailings.mailing_resume,
    )


@role_required(OFFICE)
def mailing_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    """Per-recipient state; addresses only where the viewer may see them (people.privacy)."""
    mailing = _mailing_or_404(pk)
    recipients = (
        MailingRecipient.objects.filter(mailing=mailing).select_related("person").order_by("pk")
    )
    state = request.GET.get("state", "")
    if state in MailingRecipient.State.values:
        recipients = recipients.filter(state=state)
    page = Paginator(recipients, RECIPIENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    viewer = request.user
    rows = []
    for recipient in page.object_list:
        view = person_view_for(viewer, recipient.person)
        rows.append(
            {
                "recipient": recipient,
                "name": view["full_name"] if view else _("(hidden)"),
                "person_id": recipient.person_id if view else None,
                # The address mailed is the person's: shown only to whoever may see it.
                "email": recipient.email if view and "email" in view else "",
            }
        )
    return render(
        request,
        "comms/mailing_recipients.html",
        {
            "mailing": mailing,
            "page": page,
            "rows": rows,
            "states": MailingRecipient.State.choices,
            "state": state,
        },
    )


def click(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link of a mailing: counted, then on to the address (only addresses we signed)."""
    url = mailings.click_record(token=token)
    if url is None:
        raise Http404
    return HttpResponseRedirect(url)


# --- The magazine -------------------------------------------------------------------------


def magazine_index(request: HttpRequest) -> HttpResponse:
    """The web edition: anyone may read it, signed in or not."""
    issues = magazine.published_issues().prefetch_related("articles")
    return render(request, "comms/magazine_index.html", {"issues": issues})


def _public_issue(request: HttpRequest, number: int) -> MagazineIssue:
    issue = get_object_or_404(MagazineIssue, number=number)
    if not issue.is_published and not has_role(request.user, OFFICE):
        raise Http404
    return issue


def magazine_issue(request: HttpRequest, number: int) -> HttpResponse:
    issue = _public_issue(request, number)
    return render(
        request, "comms/magazine_issue.html", {"issue": issue, "articles": issue.articles.all()}
    )


def magazine_article(request: HttpRequest, number: int, slug: str) -> HttpResponse:
    issue = _public_issue(request, number)
    article = get_object_or_404(MagazineArticle, issue=issue, slug=slug)
    return render(
        request,
        "comms/magazine_article.html",
        {"issue": issue, "article": article, "body": magazine.article_html(article)},
    )


@role_required(OFFICE)
def magazine_manage(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = magazine.issue_create(by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("comms:magazine-manage-issue", pk=issue.pk)
    issues = MagazineIssue.objects.order_by("-number")
    return render(request, "comms/magazine_manage.html", {"form": form, "issues": issues})


@role_required(OFFICE)
def magazine_manage_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(MagazineIssue, pk=pk)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            magazine.article_add(
                issue=issue,
                by=signed_in_user(request),
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
                author_name=form.cleaned_data["author_name"],
                people_named=form.named_ids(),
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The article is added."))
            return redirect("comms:magazine-manage-issue", pk=pk)
    articles = [
        (article, magazine.people_without_consent(article))
        for article in issue.articles.prefetch_related("people_named")
    ]
    return render(
        request,
        "comms/magazine_manage_issue.html",
        {"issue": issue, "form": form, "articles": articles, "wechat": wechat.configured()},
    )


@role_required(OFFICE)
@require_POST
def magazine_publish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(MagazineIssue, pk=pk)
    try:
        magazine.issue_publish(issue=issue, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The issue is published: anyone can read it."))
    return redirect("comms:magazine-manage-issue", pk=pk)


@role_required(OFFICE)
@require_POST
def magazine_digest(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(MagazineIssue, pk=pk)
    try:
        mailing = magazine.issue_digest_mailing(issue=issue, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("comms:magazine-manage-issue", pk=pk)
    messages.success(
        request, _("A draft mailing with the issue's contents is ready: check it and send it.")
    )
    return redirect("comms:mailing", pk=mailing.pk)


@role_required(OFFICE)
@require_POST
def article_wechat(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(MagazineArticle.objects.select_related("issue"), pk=pk)
    try:
        magazine.article_publish_wechat(article=article, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The article is published on the official account."))
    return redirect("comms:magazine-manage-issue", pk=article.issue_id)


# --- Alumni messages to cohorts -----------------------------------------------------------


@role_required(OFFICE)
def messages_index(request: HttpRequest) -> HttpResponse:
    form = MessageInviteForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        author = Person.objects.filter(pk=form.cleaned_data["author"]).first()
        if author is None:
            form.add_error("author", _("No person has this record number."))
        else:
            try:
                event_services.event_message_invite(
                    by=signed_in_user(request),
                    author=author,
                    cohort=form.cleaned_data["cohort"],
                    year=form.cleaned_data["year"],
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, _("%(name)s is invited to write.") % {"name": author.full_name}
                )
                return redirect("comms:messages")
    rows = (
        EventMessage.objects.filter(cohort__in=EventMessage.Cohort.values)
        .select_related("author")
        .order_by("-cohort_year", "cohort", "status", "created_at")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    return render(
        request,
        "comms/messages.html",
        {"form": form, "page": page, "year": year},
    )


@role_required(OFFICE)
@require_POST
def message_review(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(EventMessage, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        event_services.event_message_review(
            message=message, by=signed_in_user(request), approve=approve
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Approved.") if approve else _("Declined."))
    return redirect("comms:messages")


def message_write(request: HttpRequest, token: str) -> HttpResponse:
    """The invited alumnus writes through the signed link of the invitation (no sign-in)."""
    message = event_services.event_message_from_token(token)
    if message is None or message.status == EventMessage.Status.DECLINED:
        raise Http404
    form = MessageWriteForm(
        request.POST or None, initial={"text": message.text, "link": message.link}
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_message_submit(message=message, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you! The alumni office will read your message."))
            return redirect("comms:message-write", token=token)
    return render(request, "comms/message_write.html", {"message": message, "form": form})


def _cohort_or_404(cohort: str, year: int) -> str:
    if cohort not in EventMessage.Cohort.values or not 1900 <= year <= 2200:
        raise Http404
    return str(EventMessage.Cohort(cohort).label)


@login_required
def cohort_page(request: HttpRequest, cohort: str, year: int) -> HttpResponse:
    label = _cohort_or_404(cohort, year)
    return render(
        request,
        "comms/cohort.html",
        {
            "cohort": cohort,
            "label": label,
            "year": year,
            "cohort_messages": cohort_messages(cohort=cohort, year=year),
        },
    )


@role_required(OFFICE)
def cohort_print(request: HttpRequest, cohort: str, year: int) -> HttpResponse:
    """The sheet read out at the ceremony."""
    label = _cohort_or_404(cohort, year)
    return render(
        request,
        "comms/cohort_print.html",
        {
            "label": label,
            "year": year,
            "cohort_messages": cohort_messages(cohort=cohort, year=year),
        },
    )
