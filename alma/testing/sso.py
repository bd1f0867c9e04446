"""Fake identity providers for the single sign-on tests, on loopback only.

`FakeOidcProvider` is a tiny OpenID Connect provider in a thread of the test process: discovery,
a JWKS, a token endpoint that answers an authorization code with an id_token signed (RS256) by a
test key, and userinfo. `saml_response` builds a SAML 2 response whose assertion is signed with a
test key and certificate, as a university's identity provider would post it back.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import threading
import uuid
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# Where the OIDC provider is configured when no fake is running (the role table's pages only
# render the sign-in buttons); FakeOidcProvider binds a free port and passes its own URL.
OIDC_URL = "http://127.0.0.1:9"
OIDC_CLIENT_ID = "alma-test"
SAML_IDP_ENTITY_ID = "https://idp.example.edu/saml"
SAML_IDP_SSO_URL = "https://idp.example.edu/saml/sso"


@cache
def idp_key_and_certificate() -> tuple[str, str]:
    """An RSA key and a self-signed certificate for it (PEM), made once per test run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.edu")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def _certificate_body() -> str:
    return "".join(
        line for line in idp_key_and_certificate()[1].splitlines() if "-----" not in line
    )


SSO_PROVIDERS: dict[str, Any] = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "university",
                "name": "University sign-in",
                "client_id": OIDC_CLIENT_ID,
                "secret": "test-secret",
                "settings": {"server_url": OIDC_URL, "verified_email": True},
            }
        ]
    },
    "saml": {
        "APPS": [
            {
                "provider_id": SAML_IDP_ENTITY_ID,
                "name": "University SAML sign-in",
                "client_id": "university",
                "settings": {
                    "verified_email": True,
                    "attribute_mapping": {"uid": "uid", "email": "email"},
                    # Django's test client calls itself "testserver", a one-label host name.
                    "advanced": {"allow_single_label_domains": True},
                    "idp": {
                        "entity_id": SAML_IDP_ENTITY_ID,
                        "sso_url": SAML_IDP_SSO_URL,
                        "x509cert": "",  # filled in below, once the certificate exists
                    },
                },
            }
        ]
    },
}


def sso_providers(oidc_url: str = OIDC_URL) -> dict[str, Any]:
    """SSO_PROVIDERS with the OIDC provider at `oidc_url` and the test certificate in place."""
    providers = copy.deepcopy(SSO_PROVIDERS)
    providers["openid_connect"]["APPS"][0]["settings"]["server_url"] = oidc_url
    providers["saml"]["APPS"][0]["settings"]["idp"]["x509cert"] = _certificate_body()
    return providers


class FakeOidcProvider:
    """An OpenID Connect provider on 127.0.0.1 that signs in whoever `next_user` names."""

    def __init__(self) -> None:
        self.next_user: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, list[str]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.startswith("/.well-known/openid-configuration"):
                    self._json(provider.discovery())
                elif self.path.startswith("/jwks"):
                    self._json(provider.jwks())
                elif self.path.startswith("/userinfo"):
                    self._json(provider.last_claims or {}, 200 if provider.last_claims else 401)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                provider.token_requests.append(form)
                code = form.get("code", [""])[0]
                claims = provider.codes.pop(code, None)
                if self.path.startswith("/token") and claims is not None:
                    provider.last_claims = claims
                    self._json(
                        {
                            "access_token": "access-" + code,
                            "token_type": "Bearer",
                            "expires_in": 300,
                            "id_token": provider.id_token(claims),
                        }
                    )
                else:
                    self._json({"error": "invalid_grant"}, 400)

        self.last_claims: dict[str, Any] | None = None
        # Port 0: the system picks a free one, so parallel test runs never collide.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOidcProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "userinfo_endpoint": self.url + "/userinfo",
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def jwks(self) -> dict[str, Any]:
        key = serialization.load_pem_private_key(idp_key_and_certificate()[0].encode(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return {"keys": [{**public, "kid": "test", "use": "sig", "alg": "RS256"}]}

    def issue_code(self, *, nonce: str | None, sub: str, email: str) -> str:
        """What the provider's sign-in page does: the person signed in, here is a code."""
        code = uuid.uuid4().hex
        claims: dict[str, Any] = {"sub": sub, "email": email, "email_verified": True}
        if nonce:
            claims["nonce"] = nonce
        self.codes[code] = claims
        return code

    def id_token(self, claims: dict[str, Any]) -> str:
        now = dt.datetime.now(dt.UTC)
        payload = {
            **claims,
            "iss": self.url,
            "aud": OIDC_CLIENT_ID,
            "iat": now,
            "exp": now + dt.timedelta(minutes=5),
        }
        return jwt.encode(
            payload, idp_key_and_certificate()[0], algorithm="RS256", headers={"kid": "test"}
        )


def saml_response(
    *,
    acs_url: str,
    sp_entity_id: str,
    in_response_to: str,
    uid: str,
    email: str,
    sign_with: tuple[str, str] | None = None,
) -> str:
    """A base64 SAML 2 response for the ACS, its assertion signed with the test key."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (now + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assertion_id = "_" + uuid.uuid4().hex
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{assertion_id}" Version="2.0" IssueInstant="{stamp}"><saml:Issuer>{SAML_IDP_ENTITY_ID}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{uid}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{acs_url}" InResponseTo="{in_response_to}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{stamp}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>{sp_entity_id}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{stamp}" SessionIndex="{assertion_id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="uid"><saml:AttributeValue>{uid}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="email"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"""
    key, certificate = sign_with or idp_key_and_certificate()
    signed = OneLogin_Saml2_Utils.add_sign(
        assertion,
        key,
        certificate,
        sign_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
    )
    if isinstance(signed, bytes):
        signed = signed.decode()
    signed = signed.replace('<?xml version="1.0"?>', "").strip()
    response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{stamp}" Destination="{acs_url}" InResponseTo="{in_response_to}"><saml:Issuer>{SAML_IDP_ENTITY_ID}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{signed}</samlp:Response>"""
    return base64.b64encode(response.encode()).decode()
