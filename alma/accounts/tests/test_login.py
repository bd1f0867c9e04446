"""Signing in by email, and the throttle (django-axes) that stops password guessing."""

import pytest
from django.conf import settings
from django.test import Client

from alma.testing.factories import PASSWORD


@pytest.fixture(autouse=True)
def fast_password_checks(settings):
    """Each sign-in checks a password; the production hasher would make this file slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in_as(client: Client) -> str | None:
    response = client.get("/api/me")
    return response.json()["email"] if response.status_code == 200 else None


def test_a_person_signs_in_with_email_and_password(carol):
    client = Client()
    response = sign_in(client, "carol@example.edu", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(client) == "carol@example.edu"


def test_the_email_is_not_case_sensitive(carol):
    client = Client()
    response = sign_in(client, "Carol@Example.EDU", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == "carol@example.edu"


def test_sign_in_returns_to_the_page_asked_for(carol):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "carol@example.edu", "password": PASSWORD, "next": "/services/received/"},
    )
    assert response.headers["Location"] == "/services/received/"


def test_sign_in_never_redirects_off_site(carol):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "carol@example.edu", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/"


def test_a_wrong_password_gets_a_clear_message_and_no_session(carol):
    client = Client()
    response = sign_in(client, "carol@example.edu", "wrong password")
    assert response.status_code == 200
    assert b"correct email" in response.content.lower()
    assert signed_in_as(client) is None


def test_an_inactive_account_cannot_sign_in(carol):
    carol.is_active = False
    carol.save()
    client = Client()
    response = sign_in(client, "carol@example.edu", PASSWORD)
    # allauth tells the person their account is inactive; no session either way.
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/inactive/"
    assert b"inactive" in client.get("/accounts/inactive/").content.lower()
    assert signed_in_as(client) is None


def _fail(client: Client, email: str, times: int) -> None:
    for _ in range(times):
        # The attempt that reaches the limit already gets the locked-out page.
        assert sign_in(client, email, "not the password").status_code in (200, 429)


def test_after_repeated_failures_even_the_right_password_is_refused(carol):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 3  # a throttle, not a trap for one typo
    client = Client()
    _fail(client, "carol@example.edu", limit - 1)
    # The last failure that trips the lock already shows the locked-out page.
    locked = sign_in(client, "carol@example.edu", "not the password")
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content

    response = sign_in(Client(), "carol@example.edu", PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"Sign-in is paused" in response.content
    assert signed_in_as(client) is None


def test_the_lock_is_per_account_not_for_everyone(carol, dave):
    _fail(Client(), "carol@example.edu", settings.AXES_FAILURE_LIMIT)
    client = Client()
    assert sign_in(client, "dave@example.edu", PASSWORD).status_code == 302
    assert signed_in_as(client) == "dave@example.edu"


def test_a_successful_sign_in_clears_earlier_failures(carol):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(Client(), "carol@example.edu", limit - 1)
    assert sign_in(Client(), "carol@example.edu", PASSWORD).status_code == 302
    _fail(Client(), "carol@example.edu", limit - 1)
    assert sign_in(Client(), "carol@example.edu", PASSWORD).status_code == 302


@pytest.mark.parametrize("email", ["CAROL@example.edu", "carol@EXAMPLE.edu"])
def test_changing_the_case_of_the_email_does_not_escape_the_lock(carol, email):
    _fail(Client(), "carol@example.edu", settings.AXES_FAILURE_LIMIT)
    response = sign_in(Client(), email, PASSWORD)
    assert response.status_code == 429


def test_signing_out_ends_the_session(carol):
    client = Client()
    sign_in(client, "carol@example.edu", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.headers["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
