"""Per-field privacy: the one place that decides what a viewer may see of a person.

Pages, search, exports, emails, the admin and the API all go through `person_view_for` (one
person; `person_views_for` for a list) or `people_visible_to` (a queryset); lookups and filters
by a private field are narrowed with `field_visible_q` / `lookup_q`, and the directory's index
takes its audience ranks from `audience_rank` / `viewer_rank`. Nothing else reads private fields
for display.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from alma.accounts.roles import MEMBER_ROLES, Role, roles_of
from alma.people.models import Audience, Education, Person
from alma.people.validation import NotAPhone, normalise_phone


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
        PrivateField("photo", _("Photo"), Audience.MEMBERS, ("photo_version",)),
        PrivateField("education", _("Education"), Audience.MEMBERS, ("educations",)),
        PrivateField("employment", _("Employment"), Audience.MEMBERS, ("employments",)),
    ]
}

# Shown to anyone who may see the profile at all.
ALWAYS_SHOWN = ("id", "full_name", "name_latin", "stage")


# Audiences in order of how few see a field: a viewer of rank R sees fields of rank <= R. The
# directory's index stores these ranks per person; its queries compare them with viewer_rank.
AUDIENCE_RANK = {
    Audience.SIGNED_IN: 1,
    Audience.MEMBERS: 2,
    Audience.ALUMNI_OFFICE: 3,
    Audience.ONLY_ME: 4,
}


def audience_in(privacy: Any, key: str) -> Audience:
    """The audience a person's privacy settings (as stored) give the field."""
    value = privacy.get(key) if isinstance(privacy, dict) else None
    # Hand-typed JSON (the admin) may hold anything, even a list: read it as the default.
    if isinstance(value, str) and value in Audience.values:
        return Audience(value)
    return PRIVATE_FIELDS[key].default


def audience_of(person: Person, key: str) -> Audience:
    return audience_in(person.privacy, key)


def audience_rank(privacy: Any, key: str) -> int:
    return AUDIENCE_RANK[audience_in(privacy, key)]


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


def viewer_rank(viewer: Any) -> int:
    """The highest audience rank the viewer belongs to: 0 (nobody), 1 signed in, 2 member,
    3 alumni office. ('Only me' depends on the person: see is_self.)"""
    return max((AUDIENCE_RANK[a] for a in audiences_of(viewer)), default=0)


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


def field_visible_q(viewer: Any, key: str, *, prefix: str = "") -> Q:
    """People (or rows whose person is reached by `prefix`, e.g. "person__") whose field `key`
    the viewer may see: every lookup or filter by a private field is narrowed by this."""
    reach = [a.value for a in audiences_of(viewer)]
    condition = Q(pk__in=[])
    if reach:
        condition = Q(**{f"{prefix}privacy__{key}__in": reach})
        if PRIVATE_FIELDS[key].default in reach:
            # Unset or unreadable means the default, as in audience_in.
            condition |= ~Q(**{f"{prefix}privacy__has_key": key}) | ~Q(
                **{f"{prefix}privacy__{key}__in": Audience.values}
            )
    person_id = getattr(viewer, "person_id", None) if viewer is not None else None
    if person_id and viewer.is_authenticated:
        condition |= Q(**{f"{prefix}pk": person_id})
    return condition


def lookup_q(viewer: Any, text: str, *, prefix: str = "") -> Q:
    """People a viewer finds by typing `text`: by name (always shown with the profile), and by
    an exact email, phone or student number only where the viewer may see that field."""
    numbers = Education.objects.filter(
        person=OuterRef(f"{prefix}pk"), student_number__iexact=text
    ).exclude(student_number="")
    found = (
        Q(**{f"{prefix}full_name__icontains": text})
        | Q(**{f"{prefix}name_latin__icontains": text})
        | (Q(**{f"{prefix}email__iexact": text}) & field_visible_q(viewer, "email", prefix=prefix))
        | (Exists(numbers) & field_visible_q(viewer, "education", prefix=prefix))
    )
    try:
        phone = normalise_phone(text)
    except NotAPhone:
        return found
    return found | (
        Q(**{f"{prefix}phone": phone}) & field_visible_q(viewer, "phone", prefix=prefix)
    )


def person_views_for(viewer: Any, people: Any) -> list[dict[str, Any]]:
    """The views of those people the viewer may see at all, in order (lists, lookups); their
    education and employment are read in one query each for the whole list."""
    people = list(people)
    prefetch_related_objects(people, "educations", "employments")
    views = (person_view_for(viewer, person) for person in people)
    return [view for view in views if view is not None]


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


# What someone shown by consent alone (not by their audiences) shows: their name, nothing more.
NAME_ONLY = ("id", "full_name", "name_latin")


def person_shown_by_consent(
    viewer: Any, person: Person, *, consented: bool
) -> dict[str, Any] | None:
    """A person shown for one purpose they agreed to (a student named to the donors of their
    award, a donor named to the students they help): None without the consent; with it, what
    `person_view_for` shows the viewer, or at least the name if their audiences leave it out."""
    if not consented:
        return None
    view = person_view_for(viewer, person)
    if view is not None:
        return view
    return {name: getattr(person, name) for name in NAME_ONLY}


def privacy_settings(person: Person) -> list[tuple[PrivateField, Audience]]:
    return [(field, audience_of(person, key)) for key, field in PRIVATE_FIELDS.items()]
