"""The registry of notification kinds: each module registers what it tells people about.

A kind says whether its mail is transactional (a QR code for an event, a case notice: it goes
whatever the person's preferences say), which consent purpose governs it (withdrawn consent
means no mail of that kind), and how it is mailed by default (at once, in the daily digest).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import Aspect, EngagementMode

IMMEDIATE = "immediate"
DIGEST = "digest"
OFF = "off"


@dataclass(frozen=True)
class NotificationKind:
    slug: str  # "<module>.<what>", e.g. "events.reminder"
    label: Any
    module: Any
    transactional: bool = False
    consent_purpose: str | None = None
    default_email: str = IMMEDIATE


_REGISTRY: dict[str, NotificationKind] = {}


def register_notification_kind(kind: NotificationKind) -> NotificationKind:
    existing = _REGISTRY.get(kind.slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.slug!r} is already registered differently.")
    _REGISTRY[kind.slug] = kind
    return kind


def get_notification_kind(slug: str) -> NotificationKind:
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise LookupError(f"Unknown notification kind {slug!r}.") from None


def all_notification_kinds() -> list[NotificationKind]:
    return sorted(_REGISTRY.values(), key=lambda k: (str(k.module), k.slug))


COMMS = _("Communications")

MESSAGE_INVITATION = NotificationKind(
    slug="comms.message_invitation",
    label=_("Invitations to write to a cohort"),
    module=COMMS,
)

CONVERSATION_MESSAGE = NotificationKind(
    slug="comms.conversation_message",
    label=_("Messages from the people you are paired with"),
    module=COMMS,
)

# Activity kinds of this module: a click in a mailing (communication), a message to a cohort.
MAILING_CLICK = ActivityKind(
    slug="comms.mailing_click",
    label=_("Followed a link in a mailing"),
    default_aspect=Aspect.LIFE,
    alumni_mode=EngagementMode.COMMUNICATION,
)
COHORT_MESSAGE = ActivityKind(
    slug="comms.cohort_message",
    label=_("Wrote a message to a cohort of students"),
    default_aspect=Aspect.LIFE,
    alumni_mode=EngagementMode.VOLUNTEER,
)


def register_comms_kinds() -> None:
    register_notification_kind(MESSAGE_INVITATION)
    register_notification_kind(CONVERSATION_MESSAGE)
    register_kind(MAILING_CLICK)
    register_kind(COHORT_MESSAGE)
