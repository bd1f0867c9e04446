"""Single sign-on with the university's identity provider: OpenID Connect and SAML 2.

Both run against fakes on loopback (alma/testing/sso.py): an OIDC provider in a thread of this
process that signs its id_token with a test key, and SAML responses signed with a test key and
certificate. Nothing leaves the machine.
"""

import base64
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.test import Client

from alma.accounts.models import User
from alma.testing import factories as f
from alma.testing.sso import (
    OIDC_CLIENT_ID,
    SAML_IDP_SSO_URL,
    FakeOidcProvider,
    idp_key_and_certificate,
    saml_response,
    sso_providers,
)


@pytest.fixture(scope="module")
def oidc():
    with FakeOidcProvider() as provider:
        yield provider


@pytest.fixture(autouse=True)
def university_providers(settings, db, oidc):
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(oidc.url)
    cache.clear()


def oidc_sign_in(client: Client, oidc: FakeOidcProvider, *, sub: str, email: str):
    """The browser's round trip: Alma -> the provider's sign-in page -> back with a code."""
    start = client.post("/accounts/oidc/university/login/", HTTP_HOST="testserver")
    assert start.status_code == 302
    authorize = urlparse(start.headers["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == oidc.url
    query = parse_qs(authorize.query)
    assert query["client_id"] == [OIDC_CLIENT_ID]
    code = oidc.issue_code(nonce=query.get("nonce", [None])[0], sub=sub, email=email)
    return client.get(
        "/accounts/oidc/university/login/callback/",
        {"code": code, "state": query["state"][0]},
        HTTP_HOST="testserver",
    )


def test_oidc_signs_in_the_account_with_the_providers_address(oidc, carol):
    client = Client()
    response = oidc_sign_in(client, oidc, sub="u-carol", email="Carol@example.edu")
    assert response.status_code == 302
    assert client.get("/api/me").json()["email"] == "carol@example.edu"
    # The token request carried the client's credentials and the one-time code.
    assert oidc.token_requests[-1]["client_id"] == [OIDC_CLIENT_ID]
    # Next time the provider's subject alone finds the account.
    again = Client()
    oidc_sign_in(again, oidc, sub="u-carol", email="carol@example.edu")
    assert again.get("/api/me").json()["email"] == "carol@example.edu"


def test_oidc_makes_a_login_for_a_person_on_record_without_one(oidc):
    person = f.AlumnusFactory(full_name="Sam Sso", email="sam@example.edu")
    client = Client()
    oidc_sign_in(client, oidc, sub="u-sam", email="sam@example.edu")
    user = User.objects.get(email="sam@example.edu")
    assert user.person == person
    assert client.get("/api/me").json()["person_id"] == person.pk


def test_oidc_refuses_an_address_alma_does_not_know(oidc):
    client = Client()
    oidc_sign_in(client, oidc, sub="u-stranger", email="stranger@example.com")
    assert client.get("/api/me").status_code == 401
    assert not User.objects.filter(email="stranger@example.com").exists()


def test_oidc_with_a_forged_state_signs_nobody_in(oidc, carol):
    client = Client()
    client.post("/accounts/oidc/university/login/", HTTP_HOST="testserver")
    code = oidc.issue_code(nonce=None, sub="u-carol", email="carol@example.edu")
    response = client.get(
        "/accounts/oidc/university/login/callback/", {"code": code, "state": "forged"}
    )
    assert response.status_code == 401
    assert client.get("/api/me").status_code == 401


def saml_start(client: Client) -> str:
    """Start a SAML sign-in; returns the id of the request Alma sent to the provider."""
    start = client.post("/accounts/saml/university/login/", HTTP_HOST="testserver")
    assert start.status_code == 302 and start.headers["Location"].startswith(SAML_IDP_SSO_URL)
    sent = parse_qs(urlparse(start.headers["Location"]).query)["SAMLRequest"][0]
    request_xml = zlib.decompress(base64.b64decode(sent), -15)
    return str(ElementTree.fromstring(request_xml).attrib["ID"])


def saml_post(client: Client, response_b64: str):
    acs = client.post(
        "/accounts/saml/university/acs/", {"SAMLResponse": response_b64}, HTTP_HOST="testserver"
    )
    assert acs.headers["Location"] == "/accounts/saml/university/acs/finish/"
    return client.get(acs.headers["Location"], HTTP_HOST="testserver")


ACS = "http://testserver/accounts/saml/university/acs/"
SP = "http://testserver/accounts/saml/university/metadata/"


def test_saml_signs_in_with_a_signed_assertion(dave):
    client = Client()
    request_id = saml_start(client)
    finish = saml_post(
        client,
        saml_response(
            acs_url=ACS,
            sp_entity_id=SP,
            in_response_to=request_id,
            uid="d1",
            email="dave@example.edu",
        ),
    )
    assert finish.status_code == 302
    assert client.get("/api/me").json()["email"] == "dave@example.edu"


def test_saml_refuses_an_assertion_signed_by_another_key(dave):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    client = Client()
    request_id = saml_start(client)
    finish = saml_post(
        client,
        saml_response(
            acs_url=ACS,
            sp_entity_id=SP,
            in_response_to=request_id,
            uid="d1",
            email="dave@example.edu",
            sign_with=(other_pem, idp_key_and_certificate()[1]),
        ),
    )
    assert finish.status_code == 401
    assert client.get("/api/me").status_code == 401


def test_saml_refuses_a_response_nobody_asked_for(dave):
    client = Client()
    finish = saml_post(
        client,
        saml_response(
            acs_url=ACS,
            sp_entity_id=SP,
            in_response_to="_unasked",
            uid="d1",
            email="dave@example.edu",
        ),
    )
    assert finish.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_the_sign_in_page_offers_the_universitys_providers(db):
    content = Client().get("/accounts/login/").content.decode()
    assert "University sign-in" in content and "University SAML sign-in" in content
