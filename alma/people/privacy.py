"""Per-field privacy: the one place that decides what a viewer may see of a person.

Pages, search, exports and the API all go through `person_view_for` (one person) or
`people_visible_to` (a queryset); nothing else reads private fields for display.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alma.accounts.roles import MEMBER_ROLES, Role, roles_of
from alma.people.models import Audience, Person


@dataclass(frozen=True)
class PrivateField:
    key: str
    label: Any
    default: Audience
    attributes: tuple[str, ...]  # Person attributes (or relations) the setting governs


PRIVATE_FIELDS: dict[str, PrivateField] = {
    f.key: f
    for f in [
        PrivateField("profile", _("My profile in the directory"), Audience.MEMBERS, ()),
        PrivateField("email", _("Email"), Audience.ALUMNI_OFFICE, ("email",)),
        PrivateField("phone", _("Phone"), Audience.ALUMNI_OFFICE, ("phone",)),
        PrivateField("wechat", _("WeChat ID"), Audience.MEMBERS, ("wechat",)),
        PrivateField(
            "date_of_birth", _("Date of birth"), Audience.ALUMNI_OFFICE, ("date_of_birth",)
        ),
        PrivateField("gender", _("Gender"), Audience.ALUMNI_OFFICE, ("gender",)),
        PrivateField(
            "hometown",
            _("Hometown"),
            Audience.MEMBERS,
            ("hometown_country", "hometown_province", "hometown_city"),
        ),
        PrivateField(
            "current_location",
            _("Current city"),
            Audience.MEMBERS,
            ("current_country", "current_province", "current_city"),
        ),
        PrivateField("about", _("Headline and about"), Audience.MEMBERS, ("headline", "bio")),
        PrivateField(
            "expertise",
            _("Expertise and interests"),
            Audience.SIGNED_IN,
            ("expertise", "interests"),
        ),
        PrivateField("education", _("Education"), Audience.MEMBERS, ("educations",)),
        PrivateField("employment", _("Employment"), Audience.MEMBERS, ("employments",)),
    ]
}

# Shown to anyone who may see the profile at all.
ALWAYS_SHOWN = ("id", "full_name", "name_latin", "stage")


def audience_of(person: Person, key: str) -> Audience:
    value = (person.privacy or {}).get(key)
    if value in Audience.values:
        return Audience(value)
    return PRIVATE_FIELDS[key].default


def audiences_of(viewer: Any) -> frozenset[Audience]:
    """The audiences a viewer belongs to, other than 'only me' (which depends on the person)."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    held = roles_of(viewer)
    reach = {Audience.SIGNED_IN}
    if held & MEMBER_ROLES:
        reach.add(Audience.MEMBERS)
    if Role.ALUMNI_OFFICE in held:
        reach.add(Audience.ALUMNI_OFFICE)
    return frozenset(reach)


def is_self(viewer: Any, person: Person) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.person_id == person.pk)


def may_see(viewer: Any, person: Person, key: str) -> bool:
    return is_self(viewer, person) or audience_of(person, key) in audiences_of(viewer)


def may_see_profile(viewer: Any, person: Person) -> bool:
    return may_see(viewer, person, "profile")


def people_visible_to(viewer: Any, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People whose profile the viewer may see, as a queryset (for lists, search, exports)."""
    qs = Person.objects.all() if queryset is None else queryset
    reach = [a.value for a in audiences_of(viewer)]
    if not reach:
        return qs.none()
    condition = Q(privacy__profile__in=reach)
    if PRIVATE_FIELDS["profile"].default in reach:
        # Unset or unreadable (e.g. typed by hand in the admin) means the default, as in
        # audience_of; the page and this queryset must agree.
        condition |= ~Q(privacy__has_key="profile") | ~Q(privacy__profile__in=Audience.values)
    if viewer.person_id:
        condition |= Q(pk=viewer.person_id)
    return qs.filter(condition)


def person_view_for(viewer: Any, person: Person) -> dict[str, Any] | None:
    """What the viewer may see of the person: a dict of visible fields, or None if nothing.

    Hidden fields are absent from the dict, not empty, so a template or an API schema cannot
    show them by accident and a viewer cannot tell an empty field from a hidden one.
    """
    if not may_see_profile(viewer, person):
        return None
    view: dict[str, Any] = {name: getattr(person, name) for name in ALWAYS_SHOWN}
    view["stage_display"] = person.get_stage_display()
    for key, field in PRIVATE_FIELDS.items():
        if key == "profile" or not may_see(viewer, person, key):
            continue
        for attribute in field.attributes:
            value = getattr(person, attribute)
            if hasattr(value, "all"):
                value = list(value.all())
            view[attribute] = value
    if "gender" in view:
        view["gender_display"] = person.get_gender_display()
    return view


def privacy_settings(person: Person) -> list[tuple[PrivateField, Audience]]:
    return [(field, audience_of(person, key)) for key, field in PRIVATE_FIELDS.items()]
