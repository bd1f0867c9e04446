"""Roles are read off the person record, so they can never disagree with it.

A person may hold several: an alumnus who teaches and is a chapter officer has three.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from alma.accounts.models import User


class Role(models.TextChoices):
    ALUMNI_OFFICE = "alumni_office", _("Alumni office")
    STAFF = "staff", _("Staff")
    STUDENT = "student", _("Student")
    ALUMNUS = "alumnus", _("Alumnus")
    CHAPTER_OFFICER = "chapter_officer", _("Chapter officer")
    PARTNER = "partner", _("Partner representative")


# Roles whose holders are "verified members" of the university community.
MEMBER_ROLES = frozenset({Role.ALUMNI_OFFICE, Role.STAFF, Role.STUDENT, Role.ALUMNUS})


def roles_of(user: User | AnonymousUser | None) -> frozenset[Role]:
    """The roles a signed-in user holds now; cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_alma_roles", None)
    if cached is not None:
        return cached
    assert isinstance(user, User)
    roles: set[Role] = set()
    if user.is_superuser:
        roles.add(Role.ALUMNI_OFFICE)
    person = user.person
    if person is not None:
        from alma.people.models import ChapterMembership, Stage

        if person.stage in (Stage.PROSPECTIVE, Stage.STUDENT):
            roles.add(Role.STUDENT)
        elif person.stage == Stage.ALUMNUS:
            roles.add(Role.ALUMNUS)
        posts = set(person.staff_posts.filter(active=True).values_list("post", flat=True))
        if posts:
            roles.add(Role.STAFF)
        if "alumni_office" in posts:
            roles.add(Role.ALUMNI_OFFICE)
        if person.chapter_memberships.filter(role=ChapterMembership.Role.OFFICER).exists():
            roles.add(Role.CHAPTER_OFFICER)
        if person.represented_organizations.exists():
            roles.add(Role.PARTNER)
    result = frozenset(roles)
    user._alma_roles = result  # type: ignore[union-attr, attr-defined]
    return result


def has_role(user: User | AnonymousUser | None, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))
