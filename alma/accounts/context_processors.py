"""Puts the signed-in user's roles into every template, for role-based navigation."""

from django.http import HttpRequest

from alma.accounts.roles import Role, roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    held = roles_of(getattr(request, "user", None))
    return {
        "roles": held,
        "is_alumni_office": Role.ALUMNI_OFFICE in held,
        "is_staff_member": Role.STAFF in held or Role.ALUMNI_OFFICE in held,
        "is_student": Role.STUDENT in held,
        "is_alumnus": Role.ALUMNUS in held,
    }
