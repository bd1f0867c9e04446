"""The registry of activity kinds. A module adds a kind, not a new report."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect, EngagementMode


@dataclass(frozen=True)
class ActivityKind:
    slug: str  # "<module>.<what>", e.g. "mentoring.meeting"
    label: Any
    default_aspect: Aspect | None = None
    # CASE mode applied when the actor is an alumnus (None: not an engagement).
    alumni_mode: EngagementMode | None = None
    beneficiary_may_rate: bool = False


_REGISTRY: dict[str, ActivityKind] = {}


def register_kind(kind: ActivityKind) -> ActivityKind:
    existing = _REGISTRY.get(kind.slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Activity kind {kind.slug!r} is already registered differently.")
    _REGISTRY[kind.slug] = kind
    return kind


def get_kind(slug: str) -> ActivityKind:
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise LookupError(f"Unknown activity kind {slug!r}.") from None


def all_kinds() -> list[ActivityKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.slug)


STAFF_SERVICE = ActivityKind(
    slug="staff.service",
    label=_("Service given by staff"),
    alumni_mode=EngagementMode.VOLUNTEER,
    beneficiary_may_rate=True,
)


def register_builtin_kinds() -> None:
    register_kind(STAFF_SERVICE)
