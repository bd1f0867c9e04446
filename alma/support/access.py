"""Who may see what of a support case. Everyone else gets 404, the site's admins included."""

from typing import Any

from django.db.models import Q, QuerySet

from alma.accounts.roles import Role, roles_of
from alma.people.models import ChapterMembership
from alma.support.models import Case, CaseOfficer, HelpRequest

STAFF_ROLES = {Role.STAFF, Role.ALUMNI_OFFICE}


def person_id_of(user: Any) -> int | None:
    return getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None


def is_staff(user: Any) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def is_case_officer(user: Any) -> bool:
    """Named to open every case: on the list of case officers and in the alumni office now."""
    person_id = person_id_of(user)
    if person_id is None or Role.ALUMNI_OFFICE not in roles_of(user):
        return False
    return CaseOfficer.objects.filter(person_id=person_id).exists()


def cases_open_to(user: Any) -> QuerySet[Case]:
    """The cases a user may open: those whose team they are on; all of them for case officers."""
    person_id = person_id_of(user)
    if person_id is None:
        return Case.objects.none()
    if is_case_officer(user):
        return Case.objects.all()
    return Case.objects.filter(team__person_id=person_id).distinct()


def may_open_case(user: Any, case: Case) -> bool:
    person_id = person_id_of(user)
    if person_id is None:
        return False
    return is_case_officer(user) or case.team.filter(person_id=person_id).exists()


def officer_chapter_ids(user: Any) -> set[int]:
    person_id = person_id_of(user)
    if person_id is None:
        return set()
    return set(
        ChapterMembership.objects.filter(
            person_id=person_id, role=ChapterMembership.Role.OFFICER
        ).values_list("chapter_id", flat=True)
    )


def requests_to(user: Any) -> QuerySet[HelpRequest]:
    """Requests this user receives: to a chapter they are an officer of, or to them by name.

    Only while the consent they were sent under stands: a withdrawn consent hides them.
    """
    person_id = person_id_of(user)
    if person_id is None:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(
        Q(chapter_id__in=officer_chapter_ids(user)) | Q(alumnus_id=person_id),
        consent__withdrawn_at__isnull=True,
        case__purged_at__isnull=True,
    )
