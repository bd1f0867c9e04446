"""Password reset by email (throttled) and password change."""

import re

import pytest
from django.core import mail
from django.test import Client

from alma.testing.factories import PASSWORD
from alma.testing.personas import client_for


@pytest.fixture(autouse=True)
def fast_password_checks(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reset_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_forgotten_password_is_reset_through_a_link_mailed_to_the_address(carol):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "Carol@Example.edu"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carol@example.edu"]

    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"password1": "a-New-pass-2026", "password2": "a-New-pass-2026"})
    assert done.status_code == 302

    carol.refresh_from_db()
    assert carol.check_password("a-New-pass-2026")
    # The link works once.
    again = Client().get(link, follow=True)
    assert b"a-New-pass-2026" not in again.content
    assert "token_fail" in str(again.context) or b"invalid" in again.content.lower()


def test_an_unknown_address_is_told_the_same_and_nothing_reveals_who_has_a_login(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.edu"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/password/reset/done/"
    # allauth tells the address that it has no login (ACCOUNT_PREVENT_ENUMERATION), nobody else.
    assert all(message.to == ["nobody@example.edu"] for message in mail.outbox)


def test_reset_mails_are_throttled_per_address(carol):
    for _ in range(5):
        Client().post("/accounts/password/reset/", {"email": "carol@example.edu"})
    sent = len(mail.outbox)
    response = Client().post("/accounts/password/reset/", {"email": "carol@example.edu"})
    assert response.status_code == 429
    assert len(mail.outbox) == sent


def test_a_signed_in_person_changes_their_password_with_the_old_one(carol):
    client = client_for(carol)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": "a-New-pass-2026", "password2": "a-New-pass-2026"},
    )
    assert wrong.status_code == 200
    carol.refresh_from_db()
    assert carol.check_password(PASSWORD)

    right = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-New-pass-2026", "password2": "a-New-pass-2026"},
    )
    assert right.status_code == 302
    carol.refresh_from_db()
    assert carol.check_password("a-New-pass-2026")
    # Still signed in on this browser after the change.
    assert client.get("/api/me").status_code == 200
