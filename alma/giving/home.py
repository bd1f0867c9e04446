"""Giving on the home page: a donor's impact, a student's awards, open rounds and letters to
write, and the office's letters to approve (see alma/accounts/home.py)."""

from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alma.accounts.home import (
    COMING,
    DONE,
    HomeCard,
    HomeViewer,
    OfficeQueue,
    home_card_register,
    office_queue_register,
)
from alma.accounts.roles import Role
from alma.giving.models import Application, Gift, ThankYouLetter
from alma.giving.selectors import awards_of_student, donors_of, rounds_open


def donor(viewer: HomeViewer) -> dict[str, Any] | None:
    donors = list(donors_of(viewer.user))
    if not donors:
        return None
    gifts = Gift.objects.filter(donor__in=donors)
    if not gifts.exists():
        return None
    year = gifts.filter(received_on__year=viewer.today.year).aggregate(total=Sum("amount"))
    return {"year": viewer.today.year, "total": year["total"] or 0, "gifts": gifts.count()}


def student(viewer: HomeViewer) -> dict[str, Any] | None:
    if viewer.person is None or not viewer.holds(Role.STUDENT):
        return None
    awards = list(awards_of_student(person=viewer.person)[:3])
    applied = set(
        Application.objects.filter(student=viewer.person).values_list("round_id", flat=True)
    )
    rounds = [r for r in rounds_open(today=viewer.today).order_by("closes_on")[:5]]
    rounds = [r for r in rounds if r.pk not in applied][:3]
    to_thank = [a for a in awards if not a.letters.all()]
    if not awards and not rounds:
        return None
    return {"awards": awards, "rounds": rounds, "to_thank": to_thank}


def register_home_cards() -> None:
    home_card_register(HomeCard("giving.donor", DONE, "giving/home/donor.html", donor))
    home_card_register(HomeCard("giving.student", COMING + 1, "giving/home/student.html", student))
    office_queue_register(
        OfficeQueue(
            "giving.letters",
            _("Thank-you letters to approve"),
            lambda: ThankYouLetter.objects.filter(status=ThankYouLetter.Status.SUBMITTED).count(),
            lambda: reverse("giving:letters"),
        )
    )
