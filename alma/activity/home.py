"""The ledger's cards on the home page: services waiting for the student's rating, and what
staff recorded lately (see alma/accounts/home.py)."""

from typing import Any

from alma.accounts.home import ASKS, DONE, HomeCard, HomeViewer, home_card_register
from alma.accounts.roles import Role
from alma.activity.kinds import all_kinds
from alma.activity.selectors import activities_given, activities_received


def to_rate(viewer: HomeViewer) -> dict[str, Any] | None:
    if viewer.person is None:
        return None
    rated_kinds = [kind.slug for kind in all_kinds() if kind.beneficiary_may_rate]
    waiting = activities_received(person=viewer.person).filter(
        rating__isnull=True, kind__in=rated_kinds
    )
    shown = list(waiting[:3])
    if not shown:
        return None
    return {"activities": shown, "count": waiting.count()}


def given(viewer: HomeViewer) -> dict[str, Any] | None:
    if viewer.person is None or not viewer.holds(Role.STAFF, Role.ALUMNI_OFFICE):
        return None
    return {"activities": list(activities_given(person=viewer.person)[:5])}


def register_home_cards() -> None:
    home_card_register(HomeCard("activity.to-rate", ASKS, "activity/home/to_rate.html", to_rate))
    home_card_register(HomeCard("activity.given", DONE, "activity/home/given.html", given))
