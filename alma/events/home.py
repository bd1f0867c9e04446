"""Events on the home page: those the person goes to that are not over yet (each links to its
check-in code) and where they serve (see alma/accounts/home.py)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.accounts.home import (
    COMING,
    HomeCard,
    HomeViewer,
    OfficeQueue,
    home_card_register,
    office_queue_register,
)
from alma.events.models import Event, EventMessage, EventRole, Registration
from alma.events.selectors import registrations_of


def upcoming(viewer: HomeViewer) -> dict[str, Any] | None:
    if viewer.person is None:
        return None
    now = timezone.now()
    registrations = list(
        registrations_of(person=viewer.person)
        .filter(event__ends_at__gte=now, event__status=Event.Status.PUBLISHED)
        .order_by("event__starts_at", "id")[:3]
    )
    serving = list(
        EventRole.objects.filter(
            person=viewer.person, event__ends_at__gte=now, event__status=Event.Status.PUBLISHED
        )
        .select_related("event")
        .order_by("event__starts_at", "id")[:3]
    )
    if not registrations and not serving:
        return None
    return {
        "registrations": registrations,
        "serving": serving,
        "waitlisted": Registration.Status.WAITLISTED,
    }


def register_home_cards() -> None:
    home_card_register(HomeCard("events", COMING, "events/home/card.html", upcoming))
    office_queue_register(
        OfficeQueue(
            "events.messages",
            _("Alumni messages to review"),
            lambda: EventMessage.objects.filter(status=EventMessage.Status.SUBMITTED).count(),
            lambda: reverse("comms:messages"),
        )
    )
