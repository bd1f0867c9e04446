"""Two-factor sign-in: TOTP and recovery codes; required of the alumni office, optional for others."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from alma.accounts.services import two_factor_enable
from alma.people.models import Post
from alma.testing import factories as f
from alma.testing.factories import PASSWORD
from alma.testing.personas import ALICE_TOTP_SECRET, client_for


def current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def fast_password_checks(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def sign_in(client: Client, email: str) -> object:
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def test_with_two_factor_the_password_alone_does_not_sign_in(alice):
    client = Client()
    response = sign_in(client, "alice@example.edu")
    assert response.headers["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/api/me").status_code == 401

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/api/me").status_code == 401

    right = client.post("/accounts/2fa/authenticate/", {"code": current_code(ALICE_TOTP_SECRET)})
    assert right.status_code == 302
    assert client.get("/api/me").json()["email"] == "alice@example.edu"


def test_a_code_works_once(alice):
    code = current_code(ALICE_TOTP_SECRET)
    first = Client()
    sign_in(first, "alice@example.edu")
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert first.get("/api/me").status_code == 200
    second = Client()
    sign_in(second, "alice@example.edu")
    assert second.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert second.get("/api/me").status_code == 401


def test_a_recovery_code_signs_in_once_when_the_phone_is_lost(alice):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(alice).generate_codes()
    client = Client()
    sign_in(client, "alice@example.edu")
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/api/me").status_code == 200

    again = Client()
    sign_in(again, "alice@example.edu")
    again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert again.get("/api/me").status_code == 401


def test_office_staff_without_two_factor_are_sent_to_set_it_up(db):
    person = f.PersonFactory(full_name="New Officer")
    f.StaffPostFactory(person=person, post=Post.ALUMNI_OFFICE)
    user = f.UserFactory(email="new.officer@example.edu", person=person)
    client = client_for(user)
    for path in ["/", "/directory/", "/admin/", "/accounts/settings/", "/accounts/tokens/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/accounts/2fa/totp/activate/", path
    assert client.get("/api/me").status_code == 403
    # Setting it up (and signing out) stays open.
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    assert client.post("/accounts/logout/").status_code == 302

    two_factor_enable(user=user, secret=ALICE_TOTP_SECRET)
    assert client_for(user).get("/").status_code == 200


def test_two_factor_is_optional_for_everyone_else(carol):
    assert client_for(carol).get("/").status_code == 200
    assert not Authenticator.objects.filter(user=carol).exists()


def test_a_student_turns_on_two_factor_from_the_page(carol):
    client = Client()
    sign_in(client, "carol@example.edu")
    # Turning it on asks for the password again first.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.headers["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    done = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=carol, type=Authenticator.Type.TOTP).exists()
    # Recovery codes were made with it.
    assert Authenticator.objects.filter(user=carol, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post("/accounts/logout/")
    assert sign_in(client, "carol@example.edu").headers["Location"] == "/accounts/2fa/authenticate/"


def test_the_admin_sign_in_page_cannot_skip_two_factor(alice):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "alice@example.edu", "password": PASSWORD}
    )
    assert client.get("/api/me").status_code == 401, response
