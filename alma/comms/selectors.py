"""Reads for communications: inboxes, preferences, consent in force, mail language."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from alma.comms.kinds import all_notification_kinds
from alma.comms.models import (
    Conversation,
    ConversationMember,
    ConversationMessage,
    MailSettings,
    Notification,
    NotificationPreference,
)
from alma.people.models import Consent, Person

CJK = re.compile(r"[\u4e00-\u9fff]")


def inbox_of(*, person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person, in_inbox=True).order_by(
        "-created_at", "-id"
    )


def unread_count(*, person_id: int) -> int:
    return Notification.objects.filter(
        recipient_id=person_id, in_inbox=True, read_at__isnull=True
    ).count()


def preferences_of(*, person: Person) -> list[tuple[object, NotificationPreference | None]]:
    """Every registered kind with the person's row for it (None: the kind's default)."""
    rows = {p.kind: p for p in NotificationPreference.objects.filter(person=person)}
    return [(kind, rows.get(kind.slug)) for kind in all_notification_kinds()]


def latest_consent(purpose: str) -> Subquery:
    """The decision in force for `purpose` of the person in the outer query (None if never asked).

    Consent is append-only (people.models.Consent); the latest row per person and purpose is in
    force, read here through the (person, purpose, -recorded_at) index.
    """
    return Subquery(
        Consent.objects.filter(person=OuterRef("pk"), purpose=purpose)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )


def withdrawn_consents(
    *, person_ids: Iterable[int], purposes: Iterable[str]
) -> set[tuple[int, str]]:
    """(person, purpose) pairs whose decision in force is 'no', for a few people (notifications)."""
    person_ids, purposes = list(person_ids), list(purposes)
    if not person_ids or not purposes:
        return set()
    latest: dict[tuple[int, str], bool] = {}
    rows = (
        Consent.objects.filter(person_id__in=person_ids, purpose__in=purposes)
        .order_by("recorded_at", "id")
        .values_list("person_id", "purpose", "granted")
    )
    for person_id, purpose, granted in rows:
        latest[(person_id, purpose)] = granted
    return {key for key, granted in latest.items() if not granted}


def guess_language(full_name: str) -> str:
    """A person who never chose: Chinese for a name in Chinese characters, else English."""
    return "zh-hans" if CJK.search(full_name or "") else "en"


def mail_language_of(person: Person, chosen: str = "") -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in codes else guess_language(person.full_name)


def recipient_language(person: Person) -> str:
    """The language to tell the person something in: their mail settings' choice, else guessed
    from their name (never the language of whoever caused the notice)."""
    row = MailSettings.objects.filter(person=person).only("language").first()
    return mail_language_of(person, row.language if row else "")


def mail_settings_for(*, person_ids: Iterable[int]) -> dict[int, MailSettings]:
    return {s.person_id: s for s in MailSettings.objects.filter(person_id__in=list(person_ids))}


def conversations_of(*, person: Person) -> QuerySet[Conversation]:
    """The person's conversations, latest message first, each with `unread` (messages from
    others since the person last read it) and `last_at`."""
    # The person's membership of the message's conversation (the message is the outer row here).
    mine = ConversationMember.objects.filter(conversation=OuterRef("conversation"), person=person)
    unread = (
        ConversationMessage.objects.filter(conversation=OuterRef("pk"))
        .exclude(author=person)
        .filter(
            Q(sent_at__gt=Subquery(mine.values("last_read_at")[:1]))
            | Q(Exists(mine.filter(last_read_at__isnull=True)))
        )
        .order_by()
        .values("conversation")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Conversation.objects.filter(members__person=person)
        .annotate(
            last_at=Max("messages__sent_at"),
            unread=Coalesce(Subquery(unread[:1]), 0),
        )
        .order_by(F("last_at").desc(nulls_last=True), "-id")
    )


def conversation_for(*, pk: int, person: Person) -> Conversation | None:
    """The conversation if the person is in it (anyone else: None, answered as not found)."""
    return Conversation.objects.filter(pk=pk, members__person=person).first()


def conversation_messages(*, conversation: Conversation) -> QuerySet[ConversationMessage]:
    return conversation.messages.select_related("author").order_by("sent_at", "id")


def conversation_people(*, conversation: Conversation) -> list[Person]:
    return [m.person for m in conversation.members.select_related("person").order_by("id")]
