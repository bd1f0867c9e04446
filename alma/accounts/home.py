"""The home page's cards: each module registers what it has for the person signed in.

Home imports no module. A module's `AppConfig.ready()` registers its cards with
`home_card_register(HomeCard(...))`; a card's `context(viewer)` reads through the module's own
selectors and returns the card template's context, or None when it has nothing for this viewer
(the card is then left out). Cards are shown in `order`: what the person is asked to do first,
then what is coming, then what they did.

The alumni office's queues (duplicates to review, letters to approve, messages to read) are one
card: a module registers each queue with `office_queue_register(OfficeQueue(...))`, and the card
lists those with something waiting, each linking to where the work is done.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.people.models import Person
from alma.people.privacy import person_view_for


@dataclass(frozen=True)
class HomeViewer:
    user: User
    person: Person | None
    roles: frozenset[Role]
    today: date

    def holds(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class HomeCard:
    key: str
    order: int
    template: str
    context: Callable[[HomeViewer], dict[str, Any] | None]


@dataclass(frozen=True)
class OfficeQueue:
    key: str
    label: str | Promise
    count: Callable[[], int]
    url: Callable[[], str]


# Orders: 10s asks (rate, answer, accept), 20s what is coming, 30s what the person did,
# 40s numbers; the office's queues open the office's home.
ASKS, COMING, DONE, NUMBERS = 10, 20, 30, 40

_CARDS: dict[str, HomeCard] = {}
_QUEUES: dict[str, OfficeQueue] = {}


def home_card_register(card: HomeCard) -> None:
    _CARDS[card.key] = card


def office_queue_register(queue: OfficeQueue) -> None:
    _QUEUES[queue.key] = queue


def home_viewer(user: User) -> HomeViewer:
    return HomeViewer(
        user=user, person=user.person, roles=roles_of(user), today=timezone.localdate()
    )


def home_cards_for(viewer: HomeViewer) -> list[tuple[HomeCard, dict[str, Any]]]:
    """The cards this viewer gets, in order, each with its context."""
    shown = []
    for card in sorted(_CARDS.values(), key=lambda c: (c.order, c.key)):
        context = card.context(viewer)
        if context is not None:
            shown.append((card, context))
    return shown


def office_queues(viewer: HomeViewer) -> dict[str, Any] | None:
    """The office's queues with something waiting (none: the card says all is done)."""
    if not viewer.holds(Role.ALUMNI_OFFICE):
        return None
    waiting = []
    for queue in sorted(_QUEUES.values(), key=lambda q: q.key):
        count = queue.count()
        if count:
            waiting.append({"label": queue.label, "count": count, "url": queue.url()})
    return {"queues": waiting}


def profile_card(viewer: HomeViewer) -> dict[str, Any] | None:
    """What the person's own profile still lacks of what others find people by."""
    person = viewer.person
    if person is None:
        return None
    fields = [
        ("current_city", Person._meta.get_field("current_city").verbose_name),
        ("headline", Person._meta.get_field("headline").verbose_name),
        ("expertise", Person._meta.get_field("expertise").verbose_name),
        ("interests", Person._meta.get_field("interests").verbose_name),
    ]
    missing = [label for name, label in fields if not getattr(person, name)]
    if not person.photo_version:
        missing.append(_("photo"))
    return {"missing": missing, "view": person_view_for(viewer.user, person)}


def _claims_waiting() -> int:
    from alma.accounts.models import SignUpInvitation

    return SignUpInvitation.objects.filter(status=SignUpInvitation.Status.AWAITING_APPROVAL).count()


home_card_register(HomeCard("office-queues", 0, "home/office_queues.html", office_queues))
office_queue_register(
    OfficeQueue(
        "accounts.claims",
        _("Claims of a record to approve"),
        _claims_waiting,
        lambda: reverse("accounts:invitations"),
    )
)
home_card_register(HomeCard("profile", 50, "home/profile.html", profile_card))
