"""Personas, one per role, as pytest fixtures; `persona_users` maps a role name to a signed-in user.

alice: alumni office (with two-factor) · bob: teaching staff · carol: student · dave: alumnus ·
erin: alumna and chapter officer · frank: partner representative · gina: prospective student ·
hank: a login with no person record.
"""

from typing import cast

import pytest
from django.test import Client

from alma.accounts.models import User
from alma.accounts.services import two_factor_enable
from alma.people.models import ChapterMembership, Organization, Person, Post, Stage
from alma.testing import factories as f

# Alice's authenticator app: the alumni office signs in with two-factor authentication.
ALICE_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str, at: float | None = None) -> str:
    """What an authenticator app holding `secret` shows (RFC 6238: 30 s steps, 6 digits)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


@pytest.fixture
def alice(db) -> User:
    person = f.PersonFactory(full_name="Alice Office")
    f.StaffPostFactory(person=person, post=Post.ALUMNI_OFFICE)
    user = cast(User, f.UserFactory(email="alice@example.edu", person=person))
    two_factor_enable(user=user, secret=ALICE_TOTP_SECRET)
    return user


@pytest.fixture
def bob(db) -> User:
    person = f.PersonFactory(full_name="Bob Teacher")
    f.StaffPostFactory(person=person, post=Post.TEACHING)
    return cast(User, f.UserFactory(email="bob@example.edu", person=person))


@pytest.fixture
def carol(db) -> User:
    person = f.StudentFactory(full_name="Carol Student")
    return cast(User, f.UserFactory(email="carol@example.edu", person=person))


@pytest.fixture
def dave(db) -> User:
    person = f.AlumnusFactory(full_name="Dave Alumnus")
    f.EmploymentFactory(person=person)
    return cast(User, f.UserFactory(email="dave@example.edu", person=person))


@pytest.fixture
def erin(db) -> User:
    person = f.AlumnusFactory(full_name="Erin Officer")
    f.ChapterMembershipFactory(person=person, role=ChapterMembership.Role.OFFICER)
    return cast(User, f.UserFactory(email="erin@example.edu", person=person))


@pytest.fixture
def frank(db) -> User:
    person = cast(Person, f.PersonFactory(full_name="Frank Partner"))
    organization = cast(Organization, f.OrganizationFactory(name="Partner Co", kind="partner"))
    organization.representatives.add(person)
    return cast(User, f.UserFactory(email="frank@example.edu", person=person))


@pytest.fixture
def gina(db) -> User:
    person = f.PersonFactory(full_name="Gina Prospective", stage=Stage.PROSPECTIVE)
    f.EducationFactory(person=person, entry_year=2027)
    return cast(User, f.UserFactory(email="gina@example.edu", person=person))


@pytest.fixture
def hank(db) -> User:
    return cast(User, f.UserFactory(email="hank@example.edu"))


PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"]


@pytest.fixture
def persona_users(alice, bob, carol, dave, erin, frank, gina, hank) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "erin": erin,
        "frank": frank,
        "gina": gina,
        "hank": hank,
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
