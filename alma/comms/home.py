"""The inbox on the home page: the latest unread notifications (see alma/accounts/home.py)."""

from typing import Any

from alma.accounts.home import ASKS, HomeCard, HomeViewer, home_card_register
from alma.comms.selectors import inbox_of


def inbox(viewer: HomeViewer) -> dict[str, Any] | None:
    if viewer.person is None:
        return None
    unread = inbox_of(person=viewer.person).filter(read_at__isnull=True)
    latest = list(unread[:3])
    if not latest:
        return None
    return {"notifications": latest, "count": unread.count()}


def register_home_cards() -> None:
    home_card_register(HomeCard("comms.inbox", ASKS - 1, "comms/home/inbox.html", inbox))
