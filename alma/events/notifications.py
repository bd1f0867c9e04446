"""Mail about events: confirmations with the check-in QR, waitlist news, reminders, invitations.

Called from background jobs (tasks.py), never inside a request's transaction.
"""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from alma.events.models import Event, Registration
from alma.events.qr import checkin_url, qr_png
from alma.people.models import Person


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


def registration_message(registration: Registration, reason: str) -> EmailMultiAlternatives | None:
    person, event = registration.person, registration.event
    if not person.email:
        return None
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
    return _message(
        to=person.email,
        subject=subjects[reason] % {"title": event.title},
        template=f"registration_{reason}",
        context=context,
        qr_for=qr_for,
    )


def send_registration_mails(registration_ids: list[int], reason: str) -> int:
    registrations = Registration.objects.filter(pk__in=registration_ids).select_related(
        "person", "event", "event__host_chapter", "event__host_unit"
    )
    messages = [m for r in registrations if (m := registration_message(r, reason)) is not None]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def send_reminder(registration: Registration) -> bool:
    person, event = registration.person, registration.event
    if not person.email:
        return False
    url = checkin_url(registration)
    message = _message(
        to=person.email,
        subject=_("Reminder: %(title)s") % {"title": event.title},
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
    message.send()
    return True


def send_invitations(event_id: int, person_ids: list[int]) -> int:
    event = Event.objects.select_related("host_chapter", "host_unit").get(pk=event_id)
    people = Person.objects.filter(pk__in=person_ids).exclude(email="")
    messages = [
        _message(
            to=p.email,
            subject=_("You are invited: %(title)s") % {"title": event.title},
            template="invitation",
            context={"event": event, "person": p, "link": _event_link(event)},
        )
        for p in people
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
