"""Mailings: compose, preview, test, schedule, queue, send with claims, track, unsubscribe.

The audience is a saved directory segment (searched as the mailing's author may see it)
narrowed by activity filters; people who withdrew consent for the mailing's purpose, have no
address or an address that bounced never receive it. A transactional mailing (a notice people
need) ignores consent and preferences.

Sending is safe against a worker killed at any moment: each recipient is claimed with a
conditional update (pending → claimed, committed) before its mail goes, and confirmed
(claimed → sent) after. A claim left unconfirmed is reported (`mailing_stats`), never resent:
the mail may or may not have left. Workers started again (or several at once) take only
pending recipients. Throttling: each sending job sends at most `rate_per_minute` mails, then
queues the next job a minute after it started.
"""

import datetime as dt
import functools
import html
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.activity.models import Activity
from alma.comms import tokens
from alma.comms.kinds import MAILING_CLICK
from alma.comms.models import (
    MagazineIssue,
    Mailing,
    MailingClick,
    MailingPurpose,
    MailingRecipient,
    MailSettings,
)
from alma.comms.rendering import BodyTemplate, body_template
from alma.comms.selectors import latest_consent
from alma.comms.services import UnsubscribeTarget, list_unsubscribe_headers
from alma.lib.errors import ApplicationError
from alma.people.models import ConsentPurpose, Person, Stage

QUEUE_CHUNK = 2000
SEARCH_PAGE = 5000
MAX_RATE = 100_000
LANGUAGES = ("en", "zh-hans")
ENGAGEMENT_CHOICES = ("", "engaged", "not_engaged")


# --- Composing ----------------------------------------------------------------------------


def _clean_audience(audience: dict[str, Any] | None) -> dict[str, Any]:
    audience = dict(audience or {})
    stages = [s for s in audience.get("stages", []) if s in Stage.values]
    engagement = audience.get("engagement", "") or ""
    if engagement not in ENGAGEMENT_CHOICES:
        raise ApplicationError(_("Choose engaged, not engaged, or either."), field="engagement")
    since = audience.get("since") or ""
    if engagement:
        try:
            since = dt.date.fromisoformat(str(since)).isoformat()
        except ValueError:
            raise ApplicationError(
                _("Give the date from which engagement counts."), field="since"
            ) from None
    return {"stages": sorted(set(stages)), "engagement": engagement, "since": since}


def _check_content(
    *, name: str, purpose: str, subject_en: str, subject_zh: str, body_en: str, body_zh: str
) -> None:
    if not name.strip():
        raise ApplicationError(_("Give the mailing a name."), field="name")
    if purpose not in MailingPurpose.values:
        raise ApplicationError(_("Choose what the mailing is for."), field="purpose")
    if not (subject_en.strip() and body_en.strip()) and not (
        subject_zh.strip() and body_zh.strip()
    ):
        raise ApplicationError(
            _("Write the subject and the text in at least one language."), field="subject_en"
        )
    for subject in (subject_en, subject_zh):
        if len(subject) > 300:
            raise ApplicationError(_("The subject is too long."), field="subject_en")


@transaction.atomic
def mailing_create(
    *,
    by: User,
    name: str,
    purpose: str,
    subject_en: str = "",
    subject_zh: str = "",
    body_en: str = "",
    body_zh: str = "",
    segment: Any = None,
    audience: dict[str, Any] | None = None,
    rate_per_minute: int = 600,
    issue: MagazineIssue | None = None,
) -> Mailing:
    _check_content(
        name=name,
        purpose=purpose,
        subject_en=subject_en,
        subject_zh=subject_zh,
        body_en=body_en,
        body_zh=body_zh,
    )
    if not 1 <= rate_per_minute <= MAX_RATE:
        raise ApplicationError(
            _("Send between 1 and %(n)d mails a minute.") % {"n": MAX_RATE},
            field="rate_per_minute",
        )
    return Mailing.objects.create(
        name=name.strip()[:200],
        purpose=purpose,
        subject_en=subject_en.strip(),
        subject_zh=subject_zh.strip(),
        body_en=body_en,
        body_zh=body_zh,
        segment=segment,
        audience=_clean_audience(audience),
        rate_per_minute=rate_per_minute,
        issue=issue,
        created_by=by,
    )


@transaction.atomic
def mailing_update(*, mailing: Mailing, by: User, **fields: Any) -> Mailing:
    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if locked.status != Mailing.Status.DRAFT:
        raise ApplicationError(_("Only a draft can be changed."))
    for name in ("name", "purpose", "subject_en", "subject_zh", "body_en", "body_zh"):
        if name in fields:
            setattr(locked, name, fields[name])
    if "segment" in fields:
        locked.segment = fields["segment"]
    if "rate_per_minute" in fields:
        if not 1 <= int(fields["rate_per_minute"]) <= MAX_RATE:
            raise ApplicationError(
                _("Send between 1 and %(n)d mails a minute.") % {"n": MAX_RATE},
                field="rate_per_minute",
            )
        locked.rate_per_minute = int(fields["rate_per_minute"])
    if "audience" in fields:
        locked.audience = _clean_audience(fields["audience"])
    _check_content(
        name=locked.name,
        purpose=locked.purpose,
        subject_en=locked.subject_en,
        subject_zh=locked.subject_zh,
        body_en=locked.body_en,
        body_zh=locked.body_zh,
    )
    locked.save()
    return locked


# --- The audience -------------------------------------------------------------------------


def segment_person_ids(*, segment: Any, viewer: Any) -> set[int]:
    """Everyone the segment's search finds now, as `viewer` may see them (the directory's
    own search and privacy: a person hidden from the viewer is not in the audience)."""
    from alma.directory.search import DirectoryQuery, directory_search
    from alma.imports.export import segment_query

    query = segment_query(segment)
    found: set[int] = set()
    page = 1
    while True:
        result = directory_search(
            viewer=viewer,
            query=DirectoryQuery(
                text=query.text,
                filters=query.filters,
                sort="name",
                page=page,
                page_size=SEARCH_PAGE,
            ),
        )
        if not result.person_ids or result.page != page:
            return found
        found.update(result.person_ids)
        if len(result.person_ids) < SEARCH_PAGE:
            return found
        page += 1


def audience_of(mailing: Mailing) -> QuerySet[Person]:
    """Who would receive the mailing now (before the segment, which `recipients_plan` applies).

    People with an address; the activity filters; not withdrawn from the purpose (unless the
    mailing is transactional); not at an address that bounced.
    """
    people = Person.objects.exclude(email="")
    audience = mailing.audience or {}
    if audience.get("stages"):
        people = people.filter(stage__in=audience["stages"])
    if audience.get("engagement"):
        since = timezone.make_aware(
            dt.datetime.combine(dt.date.fromisoformat(audience["since"]), dt.time.min)
        )
        engaged = Exists(
            Activity.objects.filter(actor=OuterRef("pk"), occurred_at__gte=since).exclude(
                engagement_mode=""
            )
        )
        people = people.filter(engaged if audience["engagement"] == "engaged" else ~engaged)
    if not mailing.is_transactional:
        # Never asked (NULL) or yes: a withdrawn consent ('no' in force) is left out.
        people = people.alias(consent=latest_consent(mailing.purpose)).filter(
            Q(consent__isnull=True) | Q(consent=True)
        )
    bounced = MailSettings.objects.filter(
        person=OuterRef("pk"), bounced_email__iexact=OuterRef("email")
    )
    return people.exclude(Exists(bounced))


def recipients_plan(mailing: Mailing) -> Iterator[tuple[int, str, str]]:
    """(person id, address, language) of every recipient, in id order."""
    wanted = (
        segment_person_ids(segment=mailing.segment, viewer=mailing.created_by)
        if mailing.segment_id
        else None
    )
    chosen = dict(MailSettings.objects.exclude(language="").values_list("person_id", "language"))
    rows = audience_of(mailing).order_by("pk").values_list("pk", "email", "full_name")
    for pk, email, full_name in rows.iterator(chunk_size=QUEUE_CHUNK):
        if wanted is not None and pk not in wanted:
            continue
        language = chosen.get(pk) or ("zh-hans" if _has_cjk(full_name) else "en")
        yield pk, email, language


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def audience_count(mailing: Mailing) -> int:
    return sum(1 for _row in recipients_plan(mailing))


# --- Rendering ----------------------------------------------------------------------------


@dataclass
class Rendered:
    subject: str
    html: str  # the whole mail's HTML part
    text: str
    fragment: str = ""  # the text's HTML alone (for the preview page)


_templates: dict[tuple[int, str, str], tuple[str, BodyTemplate]] = {}


def _language_content(mailing: Mailing, language: str) -> tuple[str, str]:
    """The subject and text for a language, falling back to the other if it is missing."""
    zh = (mailing.subject_zh, mailing.body_zh)
    en = (mailing.subject_en, mailing.body_en)
    first, second = (zh, en) if language == "zh-hans" else (en, zh)
    return first if first[0].strip() and first[1].strip() else second


def _template(mailing: Mailing, language: str) -> tuple[str, BodyTemplate]:
    subject, body = _language_content(mailing, language)
    key = (mailing.pk or 0, language, subject + "\n" + body)
    if key not in _templates:
        if len(_templates) > 64:
            _templates.clear()
        _templates[key] = (subject, body_template(body))
    return _templates[key]


@functools.cache
def _url_pattern(name: str) -> str:
    """The absolute address of a token route with a placeholder: reverse() once, not per mail."""
    return settings.SITE_URL + reverse(name, args=["TOKEN"])


def click_url(recipient_id: int, url: str) -> str:
    token = tokens.make({"r": recipient_id, "u": url}, tokens.CLICK_SALT)
    return _url_pattern("comms:click").replace("TOKEN", token)


def recipient_unsubscribe_url(recipient_id: int) -> str:
    token = tokens.make({"r": recipient_id}, tokens.UNSUBSCRIBE_SALT)
    return _url_pattern("comms:unsubscribe").replace("TOKEN", token)


def _preferences_url(person_id: int) -> str:
    token = tokens.make({"p": person_id}, tokens.PREFERENCES_SALT)
    return _url_pattern("comms:preference-centre").replace("TOKEN", token)


_FRAMES: dict[tuple[int, str, str, bool, bool], tuple[str, str]] = {}
BODY, UNSUBSCRIBE, PREFERENCES = "almaBODYx", "almaUNSUBSCRIBEx", "almaPREFERENCESx"


def _frame(
    mailing: Mailing, language: str, subject: str, unsubscribe: bool, preferences: bool
) -> tuple[str, str]:
    """The mail around the text (footer links), rendered once per language with placeholders."""
    key = (mailing.pk or 0, language, subject, unsubscribe, preferences)
    if key not in _FRAMES:
        if len(_FRAMES) > 64:
            _FRAMES.clear()
        context = {
            "mailing": mailing,
            "subject": subject,
            "unsubscribe": UNSUBSCRIBE if unsubscribe else "",
            "preferences": PREFERENCES if preferences else "",
        }
        with translation.override(language):
            _FRAMES[key] = (
                render_to_string("comms/email/mailing.html", {**context, "body": BODY}),
                render_to_string("comms/email/mailing.txt", {**context, "body": BODY}),
            )
    return _FRAMES[key]


def render_for(
    mailing: Mailing, *, language: str, name: str, recipient_id: int | None, person_id: int | None
) -> Rendered:
    """One person's copy: tracked links when it is a recipient's (a preview or test has none)."""
    subject, template = _template(mailing, language)
    links = [
        click_url(recipient_id, url) if recipient_id is not None else url for url in template.links
    ]
    html_part, text_part = template.fill(name=name, links=links)
    unsubscribe = (
        recipient_unsubscribe_url(recipient_id)
        if recipient_id is not None and not mailing.is_transactional
        else ""
    )
    preferences = _preferences_url(person_id) if person_id is not None else ""
    html_frame, text_frame = _frame(
        mailing, language, subject, bool(unsubscribe), bool(preferences)
    )
    whole_html = (
        html_frame.replace(UNSUBSCRIBE, html.escape(unsubscribe))
        .replace(PREFERENCES, html.escape(preferences))
        .replace(BODY, html_part)
    )
    whole_text = (
        text_frame.replace(UNSUBSCRIBE, unsubscribe)
        .replace(PREFERENCES, preferences)
        .replace(BODY, text_part)
    )
    return Rendered(subject=subject, html=whole_html, text=whole_text, fragment=html_part)


def _message(mailing: Mailing, recipient: MailingRecipient, name: str) -> EmailMultiAlternatives:
    rendered = render_for(
        mailing,
        language=recipient.language,
        name=name,
        recipient_id=recipient.pk,
        person_id=recipient.person_id,
    )
    headers = {"Message-ID": make_msgid(domain=_mail_domain())}
    if not mailing.is_transactional:
        headers.update(list_unsubscribe_headers(recipient_unsubscribe_url(recipient.pk)))
    message = EmailMultiAlternatives(
        rendered.subject, rendered.text, None, [recipient.email], headers=headers
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"


def mailing_preview(*, mailing: Mailing, language: str, viewer: User) -> Rendered:
    if language not in LANGUAGES:
        raise ApplicationError(_("Choose a language."))
    name = viewer.person.full_name if viewer.person else viewer.email
    return render_for(mailing, language=language, name=name, recipient_id=None, person_id=None)


def mailing_test_send(*, mailing: Mailing, by: User) -> int:
    """A copy in each language to the sender's own address, marked as a test."""
    if not by.email:
        raise ApplicationError(_("Your account has no address to send a test to."))
    sent = 0
    messages = []
    for language in LANGUAGES:
        subject, body = _language_content(mailing, language)
        if not subject.strip():
            continue
        rendered = mailing_preview(mailing=mailing, language=language, viewer=by)
        message = EmailMultiAlternatives(
            _("[Test] %(subject)s") % {"subject": rendered.subject}, rendered.text, None, [by.email]
        )
        message.attach_alternative(rendered.html, "text/html")
        messages.append(message)
    if messages:
        sent = get_connection().send_messages(messages) or len(messages)
    return sent


# --- Scheduling, queueing -----------------------------------------------------------------


@transaction.atomic
def mailing_schedule(*, mailing: Mailing, by: User, at: dt.datetime | None = None) -> Mailing:
    """Send now (at=None) or at a time: the recipients are taken when it is queued."""
    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if locked.status != Mailing.Status.DRAFT:
        raise ApplicationError(_("This mailing was already scheduled or sent."))
    if at is not None and at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."), field="scheduled_at")
    if locked.segment_id and locked.created_by_id is None:
        raise ApplicationError(_("The mailing's author is gone: save it again as yours."))
    locked.status = Mailing.Status.SCHEDULED
    locked.scheduled_at = at or timezone.now()
    locked.save(update_fields=["status", "scheduled_at"])
    pk = locked.pk
    transaction.on_commit(lambda: _enqueue_queue(pk, at))
    return locked


def _enqueue_queue(mailing_id: int, at: dt.datetime | None) -> None:
    from alma.comms.mailing_tasks import mailing_queue_task

    if at is not None and mailing_queue_task.get_backend().supports_defer:
        mailing_queue_task.using(run_after=at).enqueue(mailing_id)
    else:
        mailing_queue_task.enqueue(mailing_id)


@transaction.atomic
def mailing_cancel(*, mailing: Mailing, by: User) -> Mailing:
    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if locked.status not in (
        Mailing.Status.DRAFT,
        Mailing.Status.SCHEDULED,
        Mailing.Status.SENDING,
    ):
        raise ApplicationError(_("This mailing cannot be cancelled now."))
    locked.status = Mailing.Status.CANCELLED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    return locked


def mailing_queue(*, mailing_id: int) -> int:
    """Take the recipients (once), then start sending. Returns the number of recipients."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status != Mailing.Status.SCHEDULED:
            return 0
        batch: list[MailingRecipient] = []
        for person_id, email, language in list(recipients_plan(mailing)):
            batch.append(
                MailingRecipient(
                    mailing=mailing, person_id=person_id, email=email, language=language
                )
            )
            if len(batch) >= QUEUE_CHUNK:
                MailingRecipient.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        MailingRecipient.objects.bulk_create(batch, ignore_conflicts=True)
        total = MailingRecipient.objects.filter(mailing=mailing).count()
        mailing.recipients_total = total
        mailing.status = Mailing.Status.SENDING
        mailing.queued_at = timezone.now()
        mailing.save(update_fields=["recipients_total", "status", "queued_at"])
        transaction.on_commit(lambda: _enqueue_send(mailing_id, None))
    return total


def _enqueue_send(mailing_id: int, at: dt.datetime | None) -> None:
    from alma.comms.mailing_tasks import mailing_send_task

    if at is not None and mailing_send_task.get_backend().supports_defer:
        mailing_send_task.using(run_after=at).enqueue(mailing_id)
    else:
        mailing_send_task.enqueue(mailing_id)


# --- Sending ------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claim(recipient_id: int, worker: str) -> bool:
    """pending → claimed, committed before the mail goes (autocommit: its own transaction)."""
    return bool(
        MailingRecipient.objects.filter(
            pk=recipient_id, state=MailingRecipient.State.PENDING
        ).update(state=MailingRecipient.State.CLAIMED, claimed_by=worker, claimed_at=timezone.now())
    )


def mailing_send(
    *,
    mailing_id: int,
    limit: int | None = None,
    pause: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Send to pending recipients (at most `limit`), claiming each first. Returns mails sent.

    Safe to run in several workers at once and to run again after a worker died: only pending
    recipients are taken, and each only by the worker whose claim succeeded.
    """
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.SENDING:
        return 0
    worker = worker_name()
    sent = 0
    names = {}
    with get_connection() as connection:
        while limit is None or sent < limit:
            window = limit - sent if limit is not None else QUEUE_CHUNK
            pending = list(
                MailingRecipient.objects.filter(
                    mailing_id=mailing_id, state=MailingRecipient.State.PENDING
                ).order_by("pk")[: min(window, 200)]
            )
            if not pending:
                break
            names = dict(
                Person.objects.filter(pk__in=[r.person_id for r in pending]).values_list(
                    "pk", "full_name"
                )
            )
            if Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.CANCELLED).exists():
                return sent
            for recipient in pending:
                if limit is not None and sent >= limit:
                    break
                if not _claim(recipient.pk, worker):
                    continue  # another worker took it
                message = _message(mailing, recipient, names.get(recipient.person_id, ""))
                try:
                    connection.send_messages([message])
                except Exception as error:  # noqa: BLE001 - an address the server refuses
                    MailingRecipient.objects.filter(pk=recipient.pk).update(
                        state=MailingRecipient.State.FAILED, error=str(error)[:300]
                    )
                    continue
                status = getattr(message, "anymail_status", None)
                message_id = (
                    getattr(status, "message_id", None) or message.extra_headers["Message-ID"]
                )
                MailingRecipient.objects.filter(pk=recipient.pk).update(
                    state=MailingRecipient.State.SENT,
                    sent_at=timezone.now(),
                    message_id=str(message_id)[:300],
                )
                sent += 1
                if progress is not None:
                    progress(sent, mailing.recipients_total)
                if pause:
                    time.sleep(pause)
    _finish_if_done(mailing_id)
    return sent


def _finish_if_done(mailing_id: int) -> None:
    if not MailingRecipient.objects.filter(
        mailing_id=mailing_id, state=MailingRecipient.State.PENDING
    ).exists():
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, finished_at=timezone.now()
        )


def mailing_send_step(*, mailing_id: int) -> int:
    """One minute's worth of mail (the throttle), then the next step a minute after this one
    started, while recipients wait. Run by the worker (tasks.mailing_send_task)."""
    started = timezone.now()
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    sent = mailing_send(mailing_id=mailing_id, limit=mailing.rate_per_minute)
    if (
        MailingRecipient.objects.filter(
            mailing_id=mailing_id, state=MailingRecipient.State.PENDING
        ).exists()
        and Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).exists()
    ):
        _enqueue_send(mailing_id, started + dt.timedelta(minutes=1))
    return sent


@transaction.atomic
def mailing_resume(*, mailing: Mailing, by: User) -> Mailing:
    """Start sending again after workers stopped: only pending recipients are taken."""
    if mailing.status != Mailing.Status.SENDING:
        raise ApplicationError(_("Only a mailing being sent can be resumed."))
    pk = mailing.pk
    transaction.on_commit(lambda: _enqueue_send(pk, None))
    return mailing


# --- What happened ------------------------------------------------------------------------


@dataclass
class MailingStats:
    recipients: int
    sent: int
    claimed_unconfirmed: int
    failed: int
    pending: int
    clicks: int
    clicked: int
    unsubscribes: int
    bounces: int

    def contract(self) -> dict[str, int]:
        """What `alma comms status --json` prints."""
        return {
            "recipients": self.recipients,
            "sent": self.sent,
            "claimed_unconfirmed": self.claimed_unconfirmed,
            "clicks": self.clicks,
            "unsubscribes": self.unsubscribes,
            "bounces": self.bounces,
        }


def mailing_stats(mailing: Mailing) -> MailingStats:
    from django.db.models import Count, Sum

    recipients = MailingRecipient.objects.filter(mailing=mailing)
    by_state = dict(recipients.values_list("state").annotate(n=Count("pk")).order_by())
    totals = recipients.aggregate(
        clicks=Sum("clicks"),
        clicked=Count("pk", filter=Q(first_clicked_at__isnull=False)),
        unsubscribes=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
        bounces=Count("pk", filter=Q(bounced_at__isnull=False)),
    )
    return MailingStats(
        recipients=sum(by_state.values()),
        sent=by_state.get(MailingRecipient.State.SENT, 0),
        claimed_unconfirmed=by_state.get(MailingRecipient.State.CLAIMED, 0),
        failed=by_state.get(MailingRecipient.State.FAILED, 0),
        pending=by_state.get(MailingRecipient.State.PENDING, 0),
        clicks=totals["clicks"] or 0,
        clicked=totals["clicked"],
        unsubscribes=totals["unsubscribes"],
        bounces=totals["bounces"],
    )


# --- Clicks, unsubscribes, bounces --------------------------------------------------------


def click_record(*, token: str) -> str | None:
    """A followed link: counted, the first one per recipient in the activity ledger as CASE
    communication engagement. Returns the address to go to, or None for a bad link."""
    value = tokens.read(token, tokens.CLICK_SALT)
    if not isinstance(value, dict):
        return None
    url = str(value.get("u", ""))
    if not url.startswith(("http://", "https://")):
        return None
    with transaction.atomic():
        recipient = (
            MailingRecipient.objects.select_for_update()
            .select_related("person", "mailing")
            .filter(pk=int(value.get("r") or 0))
            .first()
        )
        if recipient is None:
            return url
        first = recipient.first_clicked_at is None
        now = timezone.now()
        MailingClick.objects.create(recipient=recipient, url=url[:2000], clicked_at=now)
        MailingRecipient.objects.filter(pk=recipient.pk).update(
            clicks=F("clicks") + 1, first_clicked_at=recipient.first_clicked_at or now
        )
        if first:
            _click_to_ledger(recipient)
    return url


def _click_to_ledger(recipient: MailingRecipient) -> None:
    from alma.activity.services import activity_record, provider_of

    try:
        provider = provider_of(recipient.person)
    except ApplicationError:
        return  # a student or someone with no post: not an engagement the ledger counts
    activity_record(
        kind=MAILING_CLICK.slug,
        actor=recipient.person,
        beneficiary=None,
        provider=provider,
        note=recipient.mailing.name[:200],
        source=recipient.mailing,
    )


def recipient_unsubscribe_target(recipient_id: Any) -> UnsubscribeTarget | None:
    recipient = (
        MailingRecipient.objects.select_related("person", "mailing")
        .filter(pk=int(recipient_id or 0))
        .first()
    )
    if recipient is None or recipient.mailing.is_transactional:
        return None
    label = ConsentPurpose(recipient.mailing.purpose).label
    return UnsubscribeTarget(person=recipient.person, description=str(label))


@transaction.atomic
def recipient_unsubscribe(*, recipient_id: Any) -> None:
    """The recipient withdraws consent for the mailing's purpose (append-only consent)."""
    from alma.people.services import consent_record

    recipient = (
        MailingRecipient.objects.select_for_update()
        .select_related("person", "mailing")
        .filter(pk=int(recipient_id or 0))
        .first()
    )
    if recipient is None or recipient.mailing.is_transactional:
        return
    consent_record(
        person=recipient.person,
        by=None,
        decisions={recipient.mailing.purpose: False},
        source=f"unsubscribe: mailing {recipient.mailing_id}",
    )
    if recipient.unsubscribed_at is None:
        MailingRecipient.objects.filter(pk=recipient.pk).update(unsubscribed_at=timezone.now())


def bounce_to_recipient(*, message_id: str, reason: str, at: dt.datetime) -> int:
    if not message_id:
        return 0
    return MailingRecipient.objects.filter(
        message_id__in=[message_id, f"<{message_id.strip('<>')}>"], bounced_at__isnull=True
    ).update(bounced_at=at, bounce_reason=reason)
