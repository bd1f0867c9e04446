"""Notifications: the one way every module tells a person something, in the inbox and by mail.

`notification_send` (or `notifications_send` for many) is called from a module's background
job, never inside a request's transaction: the notifications are written and the mail that is
due at once goes right away, through one connection. A request that wants to tell someone
enqueues its module's job after commit (as every module does), or `notify_later` for a plain
text notice.

What mail goes follows, in order: a transactional kind (a registration's QR code) is always
mailed; a kind governed by a consent purpose the person withdrew is never mailed; an address
that bounced is not mailed again; otherwise the person's preference for the kind (at once, in
the daily digest, not by email), or the kind's default.
"""

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alma.comms import tokens
from alma.comms.kinds import (
    CONVERSATION_MESSAGE,
    DIGEST,
    IMMEDIATE,
    OFF,
    NotificationKind,
    get_notification_kind,
)
from alma.comms.models import (
    Conversation,
    ConversationMember,
    ConversationMessage,
    EmailDelivery,
    MailSettings,
    Notification,
    NotificationPreference,
)
from alma.comms.selectors import mail_language_of, withdrawn_consents
from alma.lib.errors import ApplicationError
from alma.lib.reasons import Reason, stored_reason_text
from alma.people.models import Person

DIGEST_HOUR = 8  # local time the daily digest goes


@dataclass
class Notice:
    """What to tell one person. `email` is a prepared message (attachments, an HTML part);
    without it the mail is the subject, the text and the link."""

    recipient: Person
    kind: str
    subject: str
    body: str = ""
    link: str = ""
    email: EmailMessage | None = None


def absolute(link: str) -> str:
    return link if not link.startswith("/") else settings.SITE_URL + link


def unsubscribe_kind_url(person_id: int, kind: str) -> str:
    token = tokens.make({"p": person_id, "k": kind}, tokens.UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("comms:unsubscribe", args=[token])


def preference_centre_url(person_id: int) -> str:
    token = tokens.make({"p": person_id}, tokens.PREFERENCES_SALT)
    return settings.SITE_URL + reverse("comms:preference-centre", args=[token])


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST to the address to unsubscribe."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _delivery(
    kind: NotificationKind,
    preference: NotificationPreference | None,
    person: Person,
    withdrawn: set[tuple[int, str]],
    bounced: dict[int, str],
) -> str:
    if not person.email:
        return OFF
    if kind.transactional:
        return IMMEDIATE
    if kind.consent_purpose and (person.pk, kind.consent_purpose) in withdrawn:
        return OFF
    if bounced.get(person.pk, "").lower() == person.email.lower():
        return OFF
    return preference.email if preference is not None else kind.default_email


STATE_FOR = {
    IMMEDIATE: Notification.EmailState.PENDING,
    DIGEST: Notification.EmailState.DIGEST,
    OFF: Notification.EmailState.NONE,
}


def _email_for(notice: Notice, kind: NotificationKind, row: Notification) -> EmailMessage:
    message = notice.email
    if message is None:
        body = notice.body
        if notice.link:
            body = f"{body}\n\n{absolute(notice.link)}".strip()
        message = EmailMessage(notice.subject, body, None, [notice.recipient.email])
    message.to = [notice.recipient.email]
    if not kind.transactional:
        message.extra_headers.update(
            list_unsubscribe_headers(unsubscribe_kind_url(row.recipient_id, kind.slug))
        )
    return message


def notifications_send(notices: Sequence[Notice]) -> list[Notification]:
    """Write each notice to its person's inbox and mail those due at once; returns the rows.

    `Notification.email_state` of each row says what happened to the mail (sent, waiting for
    the digest, none). Preferences, consents and bounces are read in three queries.
    """
    if not notices:
        return []
    kinds = {n.kind: get_notification_kind(n.kind) for n in notices}
    person_ids = {n.recipient.pk for n in notices}
    preferences = {
        (p.person_id, p.kind): p
        for p in NotificationPreference.objects.filter(person_id__in=person_ids, kind__in=kinds)
    }
    withdrawn = withdrawn_consents(
        person_ids=person_ids,
        purposes={k.consent_purpose for k in kinds.values() if k.consent_purpose},
    )
    bounced = dict(
        MailSettings.objects.filter(person_id__in=person_ids)
        .exclude(bounced_email="")
        .values_list("person_id", "bounced_email")
    )
    rows: list[Notification] = []
    for notice in notices:
        kind = kinds[notice.kind]
        preference = preferences.get((notice.recipient.pk, kind.slug))
        delivery = _delivery(kind, preference, notice.recipient, withdrawn, bounced)
        rows.append(
            Notification(
                recipient=notice.recipient,
                kind=kind.slug,
                subject=notice.subject[:300],
                body=notice.body,
                link=notice.link[:500],
                in_inbox=kind.transactional or preference is None or preference.in_app,
                email_state=STATE_FOR[delivery],
            )
        )
    digest_people = {
        r.recipient_id for r in rows if r.email_state == Notification.EmailState.DIGEST
    }
    waiting = set(
        Notification.objects.filter(
            recipient_id__in=digest_people, email_state=Notification.EmailState.DIGEST
        ).values_list("recipient_id", flat=True)
    )
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
        for person_id in digest_people - waiting:
            transaction.on_commit(functools.partial(_schedule_digest, person_id))
    due = [
        (row, notice)
        for row, notice in zip(rows, notices, strict=True)
        if row.email_state == Notification.EmailState.PENDING
    ]
    if due:
        messages = [_email_for(notice, kinds[notice.kind], row) for row, notice in due]
        get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=[row.pk for row, _notice in due]).update(
            email_state=Notification.EmailState.SENT, emailed_at=timezone.now()
        )
        for row, _notice in due:
            row.email_state = Notification.EmailState.SENT
    return rows


def notification_send(
    *,
    recipient: Person,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    email: EmailMessage | None = None,
) -> Notification:
    """Tell one person something (see the module's docstring for what mail goes)."""
    notice = Notice(
        recipient=recipient, kind=kind, subject=subject, body=body, link=link, email=email
    )
    return notifications_send([notice])[0]


def notify_later(
    *,
    recipient_ids: list[int],
    kind: str,
    subject: str | Reason,
    body: str | Reason = "",
    link: str = "",
) -> None:
    """From inside a request's transaction: a plain notice to each person, by a job after commit.
    A subject or body given as a `Reason` is worded in each recipient's own language."""
    from alma.comms.tasks import notices_send

    get_notification_kind(kind)  # an unknown kind fails here, in the caller, not in the job
    stored_subject, stored_body = _kept(subject), _kept(body)
    transaction.on_commit(
        lambda: notices_send.enqueue(recipient_ids, kind, stored_subject, stored_body, link)
    )


def _kept(text: str | Reason) -> str | dict[str, Any]:
    return text.as_dict() if isinstance(text, Reason) else text


def notices_to(
    recipient_ids: list[int],
    kind: str,
    subject: str | dict[str, Any],
    body: str | dict[str, Any],
    link: str,
) -> list[Notification]:
    """The notices of `notify_later`, each worded in its recipient's language."""
    people = list(Person.objects.filter(pk__in=recipient_ids).order_by("pk"))
    chosen = {
        row.person_id: row.language
        for row in MailSettings.objects.filter(person_id__in=[p.pk for p in people])
    }
    notices = []
    for person in people:
        with translation.override(mail_language_of(person, chosen.get(person.pk, ""))):
            notices.append(
                Notice(
                    recipient=person,
                    kind=kind,
                    subject=_worded(subject),
                    body=_worded(body),
                    link=link,
                )
            )
    return notifications_send(notices)


def _worded(text: str | dict[str, Any]) -> str:
    return stored_reason_text({"reason": text}) if isinstance(text, dict) else text


def mailed(rows: Sequence[Notification]) -> int:
    """How many of the notifications were mailed at once (what the modules' jobs report)."""
    return sum(1 for row in rows if row.email_state == Notification.EmailState.SENT)


# --- The inbox ----------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, person: Person) -> Notification:
    if notification.recipient_id != person.pk:
        raise ApplicationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences --------------------------------------------------------------------------


@transaction.atomic
def notification_preference_set(
    *, person: Person, kind: str, email: str | None = None, in_app: bool | None = None
) -> NotificationPreference:
    try:
        registered = get_notification_kind(kind)
    except LookupError:
        raise ApplicationError(_("Unknown kind of notification.")) from None
    if email is not None and email not in EmailDelivery.values:
        raise ApplicationError(_("Choose how this is mailed."), field="email")
    if registered.transactional and (email == EmailDelivery.OFF or in_app is False):
        raise ApplicationError(
            _("%(kind)s is always sent: it carries what you need (a code, a notice).")
            % {"kind": registered.label}
        )
    preference, _created = NotificationPreference.objects.get_or_create(
        person=person, kind=kind, defaults={"email": registered.default_email}
    )
    if email is not None:
        preference.email = email
    if in_app is not None:
        preference.in_app = in_app
    preference.save()
    return preference


@transaction.atomic
def mail_language_set(*, person: Person, language: str) -> MailSettings:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(_("Choose a language."), field="language")
    row, _created = MailSettings.objects.get_or_create(person=person)
    row.language = language
    row.save(update_fields=["language"])
    return row


# --- The daily digest ---------------------------------------------------------------------


def next_digest_at(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def _schedule_digest(person_id: int) -> None:
    from alma.comms.tasks import digest_send

    if digest_send.get_backend().supports_defer:
        digest_send.using(run_after=next_digest_at()).enqueue(person_id)
    # Elsewhere (tests, the immediate backend) `alma comms digest` sends them, as from cron.


def notification_digest_send(*, person_id: int) -> int:
    """Mail the person one digest of what waits for it; returns how many notifications it held.

    The rows are claimed (waiting → digested) in one transaction before the mail goes, so two
    jobs never mail the same notification twice.
    """
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(recipient=person, email_state=Notification.EmailState.DIGEST)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids).update(
            email_state=Notification.EmailState.DIGESTED, emailed_at=timezone.now()
        )
    if not person.email:
        return 0
    rows = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))
    settings_row = MailSettings.objects.filter(person=person).first()
    language = mail_language_of(person, settings_row.language if settings_row else "")
    with translation.override(language):
        body = render_to_string(
            "comms/email/digest.txt",
            {
                "person": person,
                "notifications": [(n, absolute(n.link) if n.link else "") for n in rows],
                "inbox": settings.SITE_URL + reverse("inbox:index"),
                "preferences": preference_centre_url(person.pk),
            },
        )
        subject = _("Your Alma digest: %(n)d new") % {"n": len(rows)}
    message = EmailMessage(subject, body, None, [person.email])
    message.extra_headers.update(list_unsubscribe_headers(preference_centre_url(person.pk)))
    message.send()
    return len(rows)


def notification_digests_send() -> int:
    """Every digest waiting (for `alma comms digest`, from cron). Returns the mails sent."""
    people = (
        Notification.objects.filter(email_state=Notification.EmailState.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(1 for pk in list(people) if notification_digest_send(person_id=pk))


# --- Bounces ------------------------------------------------------------------------------


@transaction.atomic
def bounce_record(
    *, email: str, message_id: str = "", reason: str = "", at: dt.datetime | None = None
) -> int:
    """An address bounced: remember it on everyone who has it, so it is not mailed again
    (until the address changes). Returns the people it concerned."""
    at = at or timezone.now()
    email = email.strip()
    people = (
        list(Person.objects.filter(email__iexact=email).values_list("pk", flat=True))
        if email
        else []
    )
    for person_id in people:
        MailSettings.objects.update_or_create(
            person_id=person_id,
            defaults={"bounced_email": email.lower(), "bounced_at": at, "bounce_reason": reason},
        )
    return len(people)


# --- Unsubscribing ------------------------------------------------------------------------


@dataclass
class UnsubscribeTarget:
    person: Person
    description: str


def unsubscribe_target(value: dict) -> UnsubscribeTarget | None:
    """What a signed unsubscribe token of a notification kind stands for, or None."""
    person = Person.objects.filter(pk=int(value.get("p") or 0)).first()
    try:
        kind = get_notification_kind(str(value.get("k")))
    except LookupError:
        return None
    if person is None:
        return None
    return UnsubscribeTarget(
        person=person, description=_("Mail about: %(kind)s") % {"kind": kind.label}
    )


def unsubscribe(value: dict) -> None:
    """Apply a one-click unsubscribe from a notification kind (harmless to repeat)."""
    target = unsubscribe_target(value)
    if target is not None and not get_notification_kind(value["k"]).transactional:
        notification_preference_set(person=target.person, kind=value["k"], email=EmailDelivery.OFF)


# --- Conversations --------------------------------------------------------------------------

MESSAGE_MAX_LENGTH = 5000


@transaction.atomic
def conversation_open(
    *, topic: str, title: str, members: Sequence[Person], link: str = ""
) -> Conversation:
    """The conversation about `topic` between `members` (made on first use; a member added
    later joins it). Called by the module that paired them, which decides who they are."""
    conversation, _created = Conversation.objects.get_or_create(
        topic=topic, defaults={"title": title[:300], "link": link}
    )
    present = set(conversation.members.values_list("person_id", flat=True))
    ConversationMember.objects.bulk_create(
        [
            ConversationMember(conversation=conversation, person=person)
            for person in {p.pk: p for p in members}.values()
            if person.pk not in present
        ]
    )
    return conversation


@transaction.atomic
def conversation_post(
    *, conversation: Conversation, author: Person, text: str
) -> ConversationMessage:
    """A member writes; the others are told (inbox, and mail by their preference) that a
    message waits, with who wrote it, never what: it is read in Alma."""
    members = list(conversation.members.select_for_update().order_by("id"))
    if author.pk not in {m.person_id for m in members}:
        raise ApplicationError(_("Only the people in this conversation can write in it."))
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write a message."), field="text")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            _("The message is too long (at most %(n)d characters).") % {"n": MESSAGE_MAX_LENGTH},
            field="text",
        )
    message = ConversationMessage.objects.create(
        conversation=conversation, author=author, text=text
    )
    ConversationMember.objects.filter(conversation=conversation, person=author).update(
        last_read_at=message.sent_at
    )
    others = [m.person_id for m in members if m.person_id != author.pk]
    if others:
        notify_later(
            recipient_ids=others,
            kind=CONVERSATION_MESSAGE.slug,
            subject=Reason(
                gettext_noop("%(name)s wrote to you about %(title)s"),
                {"name": author.full_name, "title": conversation.title},
            ),
            link=reverse("inbox:conversation", args=[conversation.pk]),
        )
    return message


def conversation_mark_read(*, conversation: Conversation, person: Person) -> None:
    ConversationMember.objects.filter(conversation=conversation, person=person).update(
        last_read_at=timezone.now()
    )
