"""Sign-up by invitation, or by claiming the record the university holds; sessions one can end."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.cache import cache
from django.test import Client

from alma.accounts.models import SignUpInvitation, User
from alma.accounts.services import invitation_create
from alma.testing import factories as f
from alma.testing.factories import PASSWORD
from alma.testing.personas import client_for


@pytest.fixture(autouse=True)
def quick(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/join/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def sign_up(client: Client, link: str, password: str = "a-Long-pass-2026") -> object:  # noqa: S107
    assert client.get(link).headers["Location"] == "/accounts/signup/"
    return client.post(
        "/accounts/signup/",
        {"password1": password, "password2": password, "email": "ignored@example.edu"},
    )


def test_without_an_invitation_nobody_signs_up():
    client = Client()
    page = client.get("/accounts/signup/")
    assert b"Sign-up is by invitation" in page.content
    client.post(
        "/accounts/signup/",
        {
            "email": "me@example.edu",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    assert not User.objects.filter(email="me@example.edu").exists()


def test_an_invited_person_makes_a_login_linked_to_their_record(
    alice, django_capture_on_commit_callbacks
):
    person = f.AlumnusFactory(full_name="Ivy Invited", email="ivy@old.example.edu")
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/invitations/", {"email": "Ivy@Example.edu", "person": person.pk}
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["ivy@example.edu"]

    visitor = Client()
    response = sign_up(visitor, link_in(mail.outbox[-1]))
    assert response.status_code == 302
    user = User.objects.get(email="ivy@example.edu")
    assert user.person == person
    assert EmailAddress.objects.get(user=user).verified
    assert visitor.get("/api/me").json()["email"] == "ivy@example.edu"
    # The link works once.
    assert Client().get(link_in(mail.outbox[-1])).status_code == 404


def test_an_invitation_to_someone_with_a_login_is_refused_clearly(alice, carol):
    response = client_for(alice).post("/accounts/invitations/", {"email": "carol@example.edu"})
    assert response.status_code == 200
    assert b"already signs in with this address" in response.content
    assert not SignUpInvitation.objects.exists()


def test_an_expired_link_opens_nothing(alice):
    invitation, token = invitation_create(email="late@example.edu", by=alice)
    SignUpInvitation.objects.filter(pk=invitation.pk).update(expires_at="2000-01-01T00:00:00Z")
    assert Client().get(f"/accounts/join/{token}/").status_code == 404


def test_an_alumnus_claims_their_record_by_student_number(django_capture_on_commit_callbacks):
    person = f.AlumnusFactory(full_name="Cody Claimant", email="cody@home.example")
    f.EducationFactory(person=person, student_number="S2010001")
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/accounts/claim/", {"identifier": "S2010001"})
    assert b"Claim received" in response.content
    # The link goes to the address already on the record, never to one the visitor typed.
    assert mail.outbox[-1].to == ["cody@home.example"]
    sign_up(visitor, link_in(mail.outbox[-1]))
    assert User.objects.get(email="cody@home.example").person == person


def test_a_claim_with_a_new_address_waits_for_the_office(alice, django_capture_on_commit_callbacks):
    person = f.AlumnusFactory(full_name="Nora New", email="nora@old.example")
    f.EducationFactory(person=person, student_number="S2011002")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/accounts/claim/", {"identifier": "S2011002", "contact_email": "nora@new.example"}
        )
    assert mail.outbox == []
    claim = SignUpInvitation.objects.get(status=SignUpInvitation.Status.AWAITING_APPROVAL)
    assert claim.email == "nora@new.example" and claim.person == person

    office = client_for(alice)
    assert b"nora@new.example" in office.get("/accounts/invitations/").content
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/accounts/invitations/{claim.pk}/approve/")
    assert mail.outbox[-1].to == ["nora@new.example"]
    sign_up(Client(), link_in(mail.outbox[-1]))
    assert User.objects.get(email="nora@new.example").person == person


def test_a_refused_claim_sends_nothing(alice, django_capture_on_commit_callbacks):
    person = f.AlumnusFactory(email="")
    f.EducationFactory(person=person, student_number="S2012003")
    Client().post(
        "/accounts/claim/", {"identifier": "S2012003", "contact_email": "who@example.edu"}
    )
    claim = SignUpInvitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(f"/accounts/invitations/{claim.pk}/refuse/")
    claim.refresh_from_db()
    assert claim.status == SignUpInvitation.Status.REFUSED and mail.outbox == []


def test_the_claim_form_says_the_same_whatever_it_finds(carol, django_capture_on_commit_callbacks):
    f.EducationFactory(person=f.AlumnusFactory(email="x@example.edu"), student_number="S1")
    answers = set()
    for identifier in ["S1", "nobody@example.edu", "carol@example.edu", "S-unknown"]:
        response = Client().post("/accounts/claim/", {"identifier": identifier})
        answers.add(response.content.decode().split("<main")[1])
    assert len(answers) == 1
    # Carol already has a login: no second one is offered for her record.
    assert not SignUpInvitation.objects.filter(person=carol.person).exists()


def test_claims_are_throttled_per_record():
    f.EducationFactory(person=f.AlumnusFactory(email="t@example.edu"), student_number="S9")
    for _ in range(3):
        Client().post("/accounts/claim/", {"identifier": "S9"})
    response = Client().post("/accounts/claim/", {"identifier": "S9"})
    assert b"Too many claims" in response.content
    assert SignUpInvitation.objects.count() == 3


def test_sessions_are_listed_and_another_can_be_signed_out(carol):
    phone, laptop = Client(HTTP_USER_AGENT="Phone"), Client(HTTP_USER_AGENT="Laptop")
    for client in (phone, laptop):
        client.post("/accounts/login/", {"login": "carol@example.edu", "password": PASSWORD})
    page = laptop.get("/accounts/settings/").content.decode()
    assert "Phone" in page and "Laptop" in page
    phone_session = UserSession.objects.get(user=carol, user_agent="Phone")
    response = laptop.post(f"/accounts/sessions/{phone_session.pk}/end/")
    assert response.headers["Location"] == "/accounts/settings/"
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 200


def test_api_tokens_live_in_account_settings_not_the_main_menu(carol):
    page = client_for(carol).get("/accounts/settings/").content.decode()
    assert 'href="/accounts/tokens/"' in page
    nav = (
        client_for(carol).get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    )
    assert "API tokens" not in nav
