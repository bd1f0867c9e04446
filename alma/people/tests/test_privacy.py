"""Per-field privacy: who reaches which audience, and that pages, the API and querysets agree.

The expectations here are written out independently of alma.people.privacy (the defaults and each
persona's reach are spelled out below), so a change to the rules has to change this file too.
"""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alma.people.models import Audience, Education, Employment, Person, Stage
from alma.people.privacy import (
    PRIVATE_FIELDS,
    audience_of,
    audiences_of,
    may_see,
    may_see_profile,
    people_visible_to,
    person_view_for,
)
from alma.testing import factories as f
from alma.testing.personas import PERSONAS, client_for

ONLY_ME, OFFICE, MEMBERS, SIGNED_IN = "only_me", "alumni_office", "members", "signed_in"

# Each setting, its default audience, and the Person attributes it governs.
DEFAULTS = {
    "profile": MEMBERS,
    "email": OFFICE,
    "phone": OFFICE,
    "wechat": MEMBERS,
    "date_of_birth": OFFICE,
    "gender": OFFICE,
    "hometown": MEMBERS,
    "current_location": MEMBERS,
    "about": MEMBERS,
    "expertise": SIGNED_IN,
    "photo": MEMBERS,
    "education": MEMBERS,
    "employment": MEMBERS,
}
ATTRIBUTES = {
    "profile": (),
    "email": ("email",),
    "phone": ("phone",),
    "wechat": ("wechat",),
    "date_of_birth": ("date_of_birth",),
    "gender": ("gender",),
    "hometown": ("hometown_country", "hometown_province", "hometown_city"),
    "current_location": ("current_country", "current_province", "current_city"),
    "about": ("headline", "bio"),
    "expertise": ("expertise", "interests"),
    "photo": ("photo_version",),
    "education": ("educations",),
    "employment": ("employments",),
}
ALWAYS_SHOWN = {"id", "full_name", "name_latin", "stage"}

# The audiences each persona belongs to (besides "only me", which is about the person viewed).
REACH = {
    "anonymous": set(),
    "alice": {SIGNED_IN, MEMBERS, OFFICE},
    "bob": {SIGNED_IN, MEMBERS},
    "carol": {SIGNED_IN, MEMBERS},
    "dave": {SIGNED_IN, MEMBERS},
    "erin": {SIGNED_IN, MEMBERS},
    "frank": {SIGNED_IN},
    "gina": {SIGNED_IN, MEMBERS},
    "hank": {SIGNED_IN},
}


def viewer_of(users: dict[str, Any], persona: str) -> Any:
    return users[persona] or AnonymousUser()


def effective(privacy: dict[str, Any], key: str) -> str:
    value = privacy.get(key)
    return value if value in Audience.values else DEFAULTS[key]


def expected_visible(privacy: dict[str, Any], key: str, persona: str, own: bool) -> bool:
    return own or effective(privacy, key) in REACH[persona]


def test_the_settings_are_the_ones_this_file_expects():
    assert {k: (str(v.default), v.attributes) for k, v in PRIVATE_FIELDS.items()} == {
        k: (DEFAULTS[k], ATTRIBUTES[k]) for k in DEFAULTS
    }


def test_each_persona_reaches_its_audiences(persona_users):
    reach = {name: {str(a) for a in audiences_of(user)} for name, user in persona_users.items()}
    assert reach == REACH
    assert audiences_of(AnonymousUser()) == frozenset()


def test_a_superuser_reaches_the_alumni_office_audience(db):
    admin = f.UserFactory(is_superuser=True)
    assert Audience.ALUMNI_OFFICE in audiences_of(admin)


def test_an_inactive_user_reaches_nobody(db):
    person = f.PersonFactory()
    user = f.UserFactory(person=f.AlumnusFactory(), is_active=False)
    assert audiences_of(user) == frozenset()
    assert person_view_for(user, person) is None


def test_audience_of_uses_the_setting_then_the_default(db):
    person = f.PersonFactory(privacy={"email": "signed_in", "phone": "nonsense"})
    assert audience_of(person, "email") == Audience.SIGNED_IN
    assert audience_of(person, "phone") == Audience.ALUMNI_OFFICE  # unreadable: the default
    assert audience_of(person, "wechat") == Audience.MEMBERS  # unset: the default


def test_a_person_always_sees_all_of_their_own_record(carol):
    person = carol.person
    person.privacy = dict.fromkeys(PRIVATE_FIELDS, ONLY_ME)
    person.save()
    view = person_view_for(carol, person)
    assert view is not None
    every_attribute = {a for attributes in ATTRIBUTES.values() for a in attributes}
    assert every_attribute <= set(view)
    assert people_visible_to(carol).filter(pk=person.pk).exists()


def test_only_me_hides_a_field_even_from_the_alumni_office(alice, carol):
    person = carol.person
    person.privacy = {"email": ONLY_ME}
    person.save()
    view = person_view_for(alice, person)
    assert view is not None
    assert "email" not in view
    assert "phone" in view  # default: the alumni office


def test_hidden_fields_are_absent_not_empty(frank, dave):
    person = dave.person  # default settings; frank is signed in but not a member
    person.privacy = {"profile": SIGNED_IN}
    person.save()
    view = person_view_for(frank, person)
    assert view is not None
    assert set(view) == ALWAYS_SHOWN | {"stage_display", "expertise", "interests"}


def test_a_hidden_profile_gives_no_view_at_all(frank, dave):
    assert person_view_for(frank, dave.person) is None  # default: members only
    assert not may_see_profile(frank, dave.person)
    assert person_view_for(AnonymousUser(), dave.person) is None


def test_may_see_follows_each_setting(bob, carol):
    person = carol.person
    person.privacy = {"phone": MEMBERS, "wechat": ONLY_ME}
    person.save()
    assert may_see(bob, person, "phone")
    assert not may_see(bob, person, "wechat")
    assert not may_see(bob, person, "email")  # default: the alumni office


@pytest.mark.parametrize("profile", [None, ONLY_ME, OFFICE, MEMBERS, SIGNED_IN, "bogus"])
def test_people_visible_to_agrees_with_may_see_profile(persona_users, profile):
    privacy = {} if profile is None else {"profile": profile}
    people = [f.PersonFactory(privacy=privacy) for _ in range(2)]
    others = [f.PersonFactory(privacy={"profile": a}) for a in Audience.values]
    for persona in PERSONAS:
        viewer = viewer_of(persona_users, persona)
        visible = set(people_visible_to(viewer).values_list("pk", flat=True))
        for person in people + others:
            assert (person.pk in visible) == may_see_profile(viewer, person), (persona, person)
            assert (person.pk in visible) == (
                effective(person.privacy, "profile") in REACH[persona]
            ), (persona, person.privacy)


def test_people_visible_to_narrows_a_given_queryset_and_includes_oneself(persona_users):
    carol = persona_users["carol"]
    carol.person.privacy = {"profile": ONLY_ME}
    carol.person.save()
    shown = f.PersonFactory(privacy={"profile": SIGNED_IN})
    queryset = Person.objects.filter(pk__in=[carol.person_id, shown.pk])
    assert set(people_visible_to(carol, queryset)) == {carol.person, shown}
    assert set(people_visible_to(persona_users["hank"], queryset)) == {shown}
    assert set(people_visible_to(persona_users["alice"], queryset)) == {shown}
    assert not people_visible_to(AnonymousUser(), queryset).exists()


# --- The property: no page, API answer or queryset reveals what the viewer may not see. ---

AUDIENCE = st.sampled_from([ONLY_ME, OFFICE, MEMBERS, SIGNED_IN])
# Values an admin could type into the JSON by hand: read as the field's default.
JUNK = st.sampled_from(["everyone", "", None, 3, ["members"]])
PRIVACY = st.dictionaries(st.sampled_from(list(DEFAULTS)), st.one_of(AUDIENCE, AUDIENCE, JUNK))
OWNERS = st.sampled_from([None, "alice", "bob", "carol", "dave", "erin", "frank", "gina"])
STAGES = st.sampled_from([Stage.PROSPECTIVE, Stage.STUDENT, Stage.ALUMNUS, Stage.NONE])
SERIAL = itertools.count(1)

# What the profile page prints of each setting (hometown country is not shown on the page).
SHOWN_ON_PAGE = {
    "email": ("email",),
    "phone": ("phone",),
    "wechat": ("wechat",),
    "hometown": ("hometown_province", "hometown_city"),
    "current_location": ("current_country", "current_province", "current_city"),
    "about": ("headline", "bio"),
    "expertise": ("expertise", "interests"),
    "education": ("school", "major"),
    "employment": ("organization_name", "title"),
}
LABELS_ON_PAGE = {"gender": b"<dt>Gender</dt>", "date_of_birth": b"<dt>Date of birth</dt>"}


def _plant_sentinels(person: Person, privacy: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Give every private field a value found nowhere else; returns them per setting."""
    n = next(SERIAL)
    tag = f"zq{n}x"
    values = {
        key: {attribute: f"{tag}{attribute.replace('_', '')}" for attribute in attributes}
        for key, attributes in ATTRIBUTES.items()
        if key not in {"date_of_birth", "gender", "education", "employment"}
    }
    values["email"] = {"email": f"{tag}mail@example.org"}
    for attribute_values in values.values():
        for attribute, value in attribute_values.items():
            setattr(person, attribute, value)
    birthday = dt.date(1900 + n % 90, 1 + n % 12, 1 + n % 28)
    person.date_of_birth = birthday
    values["date_of_birth"] = {"date_of_birth": birthday.isoformat()}
    person.gender = "female"
    person.privacy = privacy
    person.save()
    Education.objects.create(
        person=person,
        degree_level="master",
        school=f"{tag}school",
        major=f"{tag}major",
        entry_year=1990,
    )
    Employment.objects.create(
        person=person, organization_name=f"{tag}organizationname", title=f"{tag}title"
    )
    values["education"] = {"school": f"{tag}school", "major": f"{tag}major"}
    values["employment"] = {
        "organization_name": f"{tag}organizationname",
        "title": f"{tag}title",
    }
    return values


@pytest.fixture
def persona_clients(persona_users):
    return {name: client_for(user) for name, user in persona_users.items()}


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(privacy=PRIVACY, owner=OWNERS, stage=STAGES)
def test_no_output_reveals_a_field_or_person_the_viewer_may_not_see(
    persona_users, persona_clients, privacy, owner, stage
):
    person = f.PersonFactory(stage=stage) if owner is None else persona_users[owner].person
    sentinels = _plant_sentinels(person, privacy)
    try:
        for persona in PERSONAS:
            user = persona_users[persona]
            viewer = viewer_of(persona_users, persona)
            own = persona == owner
            profile_visible = expected_visible(privacy, "profile", persona, own)
            visible = {k: expected_visible(privacy, k, persona, own) for k in DEFAULTS}
            context = (persona, owner, privacy)

            in_queryset = people_visible_to(viewer).filter(pk=person.pk).exists()
            assert in_queryset == profile_visible, context

            client = persona_clients[persona]
            page = client.get(f"/people/{person.pk}/")
            answer = client.get(f"/api/people/{person.pk}")
            if user is None:
                assert page.status_code == 302 and answer.status_code == 401
                continue
            if not profile_visible:
                assert page.status_code == 404 and answer.status_code == 404, context
                assert person.full_name.encode() not in page.content
                continue
            assert page.status_code == 200 and answer.status_code == 200, context

            data = answer.json()
            expected_keys = set(ALWAYS_SHOWN)
            for key, shown in visible.items():
                if shown:
                    expected_keys |= set(ATTRIBUTES[key])
            assert set(data) == expected_keys, context

            for key, values in sentinels.items():
                for attribute, value in values.items():
                    raw = value.encode()
                    if visible[key]:
                        assert raw in answer.content, (context, attribute)
                        if attribute in SHOWN_ON_PAGE.get(key, ()):
                            assert raw in page.content, (context, attribute)
                    else:
                        assert raw not in page.content, (context, attribute)
                        assert raw not in answer.content, (context, attribute)
            for key, label in LABELS_ON_PAGE.items():
                assert (label in page.content) == visible[key], (context, key)
    finally:
        person.educations.filter(school__startswith="zq").delete()
        person.employments.filter(title__startswith="zq").delete()
