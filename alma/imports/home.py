"""The duplicates review queue among the office's queues (see alma/accounts/home.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alma.accounts.home import OfficeQueue, office_queue_register
from alma.imports.models import DuplicateCandidate


def open_groups() -> int:
    return (
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .values("group")
        .distinct()
        .count()
    )


def register_home_cards() -> None:
    office_queue_register(
        OfficeQueue(
            "imports.duplicates",
            _("Possible duplicates to review"),
            open_groups,
            lambda: reverse("imports:duplicates"),
        )
    )
