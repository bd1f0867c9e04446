"""Notifications about events: confirmations with the check-in QR, waitlist news, reminders,
invitations. They go through `alma.comms` (the inbox, and mail by each person's preferences);
a confirmation carrying a check-in code is transactional and is always mailed.

Called from background jobs (tasks.py), never inside a request's transaction.
"""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alma.comms.kinds import NotificationKind, register_notification_kind
from alma.comms.selectors import recipient_language
from alma.comms.services import Notice, mailed, notification_send, notifications_send
from alma.events.models import Event, Registration
from alma.events.qr import checkin_url, qr_png
from alma.people.models import ConsentPurpose, Person

MODULE = gettext_lazy("Events")
REGISTRATION_CODE = NotificationKind(
    slug="events.registration_code",
    label=gettext_lazy("Registration confirmed, with the check-in code"),
    module=MODULE,
    transactional=True,
)
REGISTRATION = NotificationKind(
    slug="events.registration",
    label=gettext_lazy("Waitlist news and cancelled events"),
    module=MODULE,
)
REMINDER = NotificationKind(
    slug="events.reminder", label=gettext_lazy("Reminders the day before"), module=MODULE
)
INVITATION = NotificationKind(
    slug="events.invitation",
    label=gettext_lazy("Invitations to events"),
    module=MODULE,
    consent_purpose=ConsentPurpose.EVENTS,
)
KINDS = [REGISTRATION_CODE, REGISTRATION, REMINDER, INVITATION]


def register_notification_kinds() -> None:
    for kind in KINDS:
        register_notification_kind(kind)


def _event_link(event: Event) -> str:
    return settings.SITE_URL + reverse("events:detail", args=[event.pk])


def _message(
    *, to: str, subject: str, template: str, context: dict, qr_for: str | None = None
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, None, [to])
    if qr_for:
        # The QR travels as an inline image in an HTML part and as a plain attachment.
        html = render_to_string("events/email/qr.html", {**context, "body": body})
        message.attach_alternative(html, "text/html")
        image = MIMEImage(qr_png(qr_for), "png")
        image.add_header("Content-ID", "<checkin-qr>")
        image.add_header("Content-Disposition", "inline", filename="check-in.png")
        message.attach(image)
    return message


def registration_notice(registration: Registration, reason: str) -> Notice | None:
    with translation.override(recipient_language(registration.person)):
        return _registration_notice(registration, reason)


def _registration_notice(registration: Registration, reason: str) -> Notice | None:
    person, event = registration.person, registration.event
    context = {
        "registration": registration,
        "event": event,
        "person": person,
        "link": _event_link(event),
    }
    subjects = {
        "confirmed": _("You are registered: %(title)s"),
        "promoted": _("A place is yours: %(title)s"),
        "waitlisted": _("You are on the waitlist: %(title)s"),
        "event_cancelled": _("Cancelled: %(title)s"),
    }
    if reason not in subjects:
        return None
    qr_for = None
    if reason in ("confirmed", "promoted"):
        if registration.status != Registration.Status.CONFIRMED:
            return None  # the place was given up again before the mail went
        qr_for = checkin_url(registration)
        context["checkin_url"] = qr_for
    subject = subjects[reason] % {"title": event.title}
    message = _message(
        to=person.email,
        subject=subject,
        template=f"registration_{reason}",
        context=context,
        qr_for=qr_for,
    )
    return Notice(
        recipient=person,
        kind=(REGISTRATION_CODE if qr_for else REGISTRATION).slug,
        subject=subject,
        body=str(message.body),
        link=reverse("events:detail", args=[event.pk]),
        email=message,
    )


def send_registration_mails(registration_ids: list[int], reason: str) -> int:
    registrations = Registration.objects.filter(pk__in=registration_ids).select_related(
        "person", "event", "event__host_chapter", "event__host_unit"
    )
    notices = [n for r in registrations if (n := registration_notice(r, reason)) is not None]
    return mailed(notifications_send(notices))


def send_reminder(registration: Registration) -> bool:
    with translation.override(recipient_language(registration.person)):
        return _send_reminder(registration)


def _send_reminder(registration: Registration) -> bool:
    person, event = registration.person, registration.event
    url = checkin_url(registration)
    subject = _("Reminder: %(title)s") % {"title": event.title}
    message = _message(
        to=person.email,
        subject=subject,
        template="reminder",
        context={
            "registration": registration,
            "event": event,
            "person": person,
            "link": _event_link(event),
            "checkin_url": url,
        },
        qr_for=url,
    )
    notification = notification_send(
        recipient=person,
        kind=REMINDER.slug,
        subject=subject,
        body=str(message.body),
        link=reverse("events:detail", args=[event.pk]),
        email=message,
    )
    return bool(mailed([notification]))


def send_invitations(event_id: int, person_ids: list[int]) -> int:
    event = Event.objects.select_related("host_chapter", "host_unit").get(pk=event_id)
    from alma.events.selectors import cohort_messages

    people = Person.objects.filter(pk__in=person_ids)
    # A send-off welcomes a year's freshmen, a welcome gathering a year's graduates: the
    # messages alumni wrote to that cohort travel with the invitation.
    messages: list = []
    if event.audience_entry_year:
        messages = list(cohort_messages(cohort="freshmen", year=event.audience_entry_year))
    elif event.audience_graduation_year:
        messages = list(cohort_messages(cohort="graduates", year=event.audience_graduation_year))
    notices = []
    for p in people:
        with translation.override(recipient_language(p)):
            notices.append(_invitation(event, p, messages))
    return mailed(notifications_send(notices))


def _invitation(event: Event, p: Person, messages: list) -> Notice:
    subject = _("You are invited: %(title)s") % {"title": event.title}
    message = _message(
        to=p.email,
        subject=subject,
        template="invitation",
        context={
            "event": event,
            "person": p,
            "link": _event_link(event),
            "cohort_messages": messages,
        },
    )
    return Notice(
        recipient=p,
        kind=INVITATION.slug,
        subject=subject,
        body=str(message.body),
        link=reverse("events:detail", args=[event.pk]),
        email=message,
    )
