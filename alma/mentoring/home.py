"""Mentoring on the home page: each pair with its next step, and an open cycle to join (see
alma/accounts/home.py)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from alma.accounts.home import ASKS, HomeCard, HomeViewer, home_card_register
from alma.accounts.roles import Role
from alma.mentoring.models import Cycle, MenteeApplication, MentorProfile, Mentorship
from alma.mentoring.selectors import mentorships_of

OPEN = (Mentorship.Status.OFFERED, Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE)


def next_step(pair: Mentorship, person_id: int) -> tuple[Any, bool]:
    """What this side of the pair does next, and whether it is waiting on them."""
    mentor_side = pair.mentor.person_id == person_id
    mine = pair.mentor_accepted if mentor_side else pair.mentee_accepted
    if pair.status == Mentorship.Status.ACTIVE:
        return _("Log your next meeting"), False
    if mine is None and (pair.status == Mentorship.Status.OFFERED or mentor_side):
        return _("Accept or decline"), True
    return _("Waiting for the other side"), False


def mentoring(viewer: HomeViewer) -> dict[str, Any] | None:
    person = viewer.person
    if person is None:
        return None
    pairs = []
    for pair in mentorships_of(person.pk).filter(status__in=OPEN)[:5]:
        mentor_side = pair.mentor.person_id == person.pk
        other = pair.mentee.person if mentor_side else pair.mentor.person
        step, waiting = next_step(pair, person.pk)
        pairs.append(
            {
                "pair": pair,
                "other": other.full_name,
                "mentor_side": mentor_side,
                "step": step,
                "waiting": waiting,
            }
        )
    cycle = (
        Cycle.objects.filter(phase=Cycle.Phase.APPLICATIONS)
        .select_related("program")
        .order_by("-id")
        .first()
    )
    join = None
    if cycle is not None:
        if (
            viewer.holds(Role.STUDENT)
            and not MenteeApplication.objects.filter(cycle=cycle, person=person).exists()
        ):
            join = "apply"
        elif (
            viewer.holds(Role.ALUMNUS, Role.STAFF)
            and not MentorProfile.objects.filter(cycle=cycle, person=person).exists()
        ):
            join = "mentor"
    if not pairs and join is None:
        return None
    return {"pairs": pairs, "cycle": cycle, "join": join}


def register_home_cards() -> None:
    home_card_register(HomeCard("mentoring", ASKS + 1, "mentoring/home/card.html", mentoring))
