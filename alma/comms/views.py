"""Communications pages: the inbox, notification preferences, the preference centre reached
from mail (signed links, no sign-in), one-click unsubscribe."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alma.comms import selectors, services, tokens
from alma.comms.models import EmailDelivery, MailSettings, Notification
from alma.lib.errors import ApplicationError
from alma.lib.views import login_required, signed_in_user
from alma.people.models import ConsentPurpose, Person
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
    target = services.unsubscribe_target(value)
    if target is None:
        raise Http404
    done = False
    if request.method == "POST":
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
