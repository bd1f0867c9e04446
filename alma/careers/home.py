"""Careers on the home page: a student's applications and the way to postings recommended for
them, a representative's new applicants, and the office's postings and alliance requests to
review (see alma/accounts/home.py)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alma.accounts.home import (
    COMING,
    HomeCard,
    HomeViewer,
    OfficeQueue,
    home_card_register,
    office_queue_register,
)
from alma.accounts.roles import Role
from alma.careers.models import ApplicationStatus, JobApplication
from alma.careers.selectors import (
    alliance_requests,
    applications_of_student,
    employer_links_uncertain_count,
    postings_pending,
    represented_ids,
)

OPEN_STEPS = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.SCREENING,
    ApplicationStatus.INTERVIEW,
    ApplicationStatus.OFFER,
)


def careers(viewer: HomeViewer) -> dict[str, Any] | None:
    person = viewer.person
    if person is None:
        return None
    applications = list(applications_of_student(person).filter(status__in=OPEN_STEPS)[:3])
    organizations = represented_ids(viewer.user)
    new_applicants = (
        JobApplication.objects.filter(
            posting__organization_id__in=organizations, status=ApplicationStatus.APPLIED
        ).count()
        if organizations
        else 0
    )
    student = viewer.holds(Role.STUDENT)
    if not applications and not new_applicants and not student:
        return None
    return {"applications": applications, "new_applicants": new_applicants, "student": student}


def register_home_cards() -> None:
    home_card_register(HomeCard("careers", COMING + 2, "careers/home/card.html", careers))
    office_queue_register(
        OfficeQueue(
            "careers.postings",
            _("Job postings to review"),
            lambda: postings_pending().count(),
            lambda: reverse("careers:review"),
        )
    )
    office_queue_register(
        OfficeQueue(
            "careers.alliance",
            _("Requests to join the alliance"),
            lambda: alliance_requests().count(),
            lambda: reverse("careers:organizations"),
        )
    )
    office_queue_register(
        OfficeQueue(
            "careers.employer_links",
            _("Uncertain employer links to confirm"),
            employer_links_uncertain_count,
            lambda: reverse("careers:employer-links"),
        )
    )
