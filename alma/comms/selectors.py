"""Reads for communications: inboxes, preferences, consent in force, mail language."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from alma.comms.kinds import all_notification_kinds
from alma.comms.models import MailSettings, Notification, NotificationPreference
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


def mail_settings_for(*, person_ids: Iterable[int]) -> dict[int, MailSettings]:
    return {s.person_id: s for s in MailSettings.objects.filter(person_id__in=list(person_ids))}
