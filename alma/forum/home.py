"""The forum on the home page: questions an alumnus was asked to answer, a student's questions
with answers to accept, and the office's reports to moderate (see alma/accounts/home.py)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alma.accounts.home import (
    ASKS,
    HomeCard,
    HomeViewer,
    OfficeQueue,
    home_card_register,
    office_queue_register,
)
from alma.forum.models import Question
from alma.forum.selectors import invitations_of, open_reports


def forum(viewer: HomeViewer) -> dict[str, Any] | None:
    person = viewer.person
    if person is None:
        return None
    asked = list(
        invitations_of(person.pk)
        .filter(question__accepted_answer__isnull=True, question__locked=False)
        .exclude(question__answers__author=person)[:3]
    )
    to_accept = list(
        Question.objects.filter(
            asker=person, hidden=False, accepted_answer__isnull=True, answer_count__gt=0
        ).order_by("-updated_at", "-id")[:3]
    )
    if not asked and not to_accept:
        return None
    return {"asked": asked, "to_accept": to_accept}


def register_home_cards() -> None:
    home_card_register(HomeCard("forum", ASKS + 3, "forum/home/card.html", forum))
    office_queue_register(
        OfficeQueue(
            "forum.reports",
            _("Forum reports to moderate"),
            lambda: open_reports().count(),
            lambda: reverse("forum:moderation"),
        )
    )
