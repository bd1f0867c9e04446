"""The JSON API: authentication, validation errors, domain errors, the OpenAPI document."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from alma.accounts.services import api_token_create, api_token_revoke
from alma.activity.models import Activity
from alma.activity.services import staff_service_log
from alma.people.models import Person
from alma.testing import factories as f
from alma.testing.personas import client_for


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def locations(response) -> list[list]:
    return [error["loc"] for error in response.json()["detail"]]


def messages(response) -> list[str]:
    return [error["msg"] for error in response.json()["detail"]]


# --- authentication --------------------------------------------------------------------------


def test_the_browser_session_authenticates(carol):
    response = client_for(carol).get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "email": "carol@example.edu",
        "roles": ["student"],
        "person_id": carol.person_id,
        "language": "en",
    }


def test_a_bearer_token_authenticates(carol):
    _row, token = api_token_create(user=carol, name="script")
    response = Client().get("/api/me", **bearer(token))
    assert response.status_code == 200
    assert response.json()["email"] == "carol@example.edu"


def test_me_lists_every_role_held(persona_users):
    roles = {
        name: client_for(user).get("/api/me").json()["roles"]
        for name, user in persona_users.items()
        if user is not None
    }
    assert roles == {
        "alice": ["alumni_office", "staff"],
        "bob": ["staff"],
        "carol": ["student"],
        "dave": ["alumnus"],
        "erin": ["alumnus", "chapter_officer"],
        "frank": ["partner"],
        "gina": ["student"],
        "hank": [],
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("alma_not-a-real-token"),
        bearer(""),
        {"HTTP_AUTHORIZATION": "Basic Y2Fyb2w6cGFzcw=="},
    ],
)
def test_no_or_a_bad_token_gets_401_json(carol, headers):
    response = Client().get("/api/me", **headers)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Sign in or send a valid API token."}


def test_a_revoked_token_gets_401(carol):
    row, token = api_token_create(user=carol, name="script")
    api_token_revoke(user=carol, token_id=row.pk)
    assert Client().get("/api/me", **bearer(token)).status_code == 401


def test_a_token_needs_no_csrf_token_to_write(bob, carol):
    _row, token = api_token_create(user=bob, name="script")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/activities/staff-services",
        {"student_id": carol.person_id, "aspect": "study", "note": "Office hours"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 201


def test_a_session_write_without_the_csrf_token_is_refused(bob, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post(
        "/api/activities/staff-services",
        {"student_id": carol.person_id, "aspect": "study", "note": "Office hours"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_a_bad_token_on_a_write_gets_401_not_a_csrf_error(bob, carol):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/activities/staff-services",
        {"student_id": carol.person_id, "aspect": "study", "note": "Office hours"},
        content_type="application/json",
        **bearer("alma_revoked-or-mistyped"),
    )
    assert response.status_code == 401
    assert not Activity.objects.exists()


# --- validation errors: 422 with where the problem is ------------------------------------------


@pytest.fixture
def service(bob, carol):
    return staff_service_log(staff=bob, student=carol.person, aspect="study", note="Advice")


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_a_rating_outside_1_to_5_is_422_on_the_rating(service, carol, rating):
    response = client_for(carol).post(
        f"/api/activities/{service.pk}/rating", {"rating": rating}, content_type="application/json"
    )
    assert response.status_code == 422
    assert locations(response) == [["body", "payload", "rating"]]
    assert Activity.objects.get(pk=service.pk).rating is None


def test_the_person_served_rates_through_the_api(service, carol):
    response = client_for(carol).post(
        f"/api/activities/{service.pk}/rating", {"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["rating"] == 5
    assert Activity.objects.get(pk=service.pk).rating == 5


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"aspect": "fun"}, "aspect"),
        ({"note": "x" * 2001}, "note"),
        ({"note": ""}, "note"),
        ({"student_id": "carol"}, "student_id"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
    ],
)
def test_a_malformed_staff_service_is_422_on_the_field(bob, carol, change, where):
    payload = {"student_id": carol.person_id, "aspect": "study", "note": "Office hours", **change}
    response = client_for(bob).post(
        "/api/activities/staff-services", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert locations(response) == [["body", "payload", where]]
    assert not Activity.objects.exists()


def test_a_malformed_body_is_422_not_500(bob):
    response = client_for(bob).post(
        "/api/activities/staff-services", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert not Activity.objects.exists()


def test_a_malformed_email_in_a_profile_edit_is_422_and_changes_nothing(carol):
    before = Person.objects.get(pk=carol.person_id)
    response = client_for(carol).patch(
        "/api/people/me",
        {"email": "not-an-email", "headline": "New headline"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert ["body", "payload", "email"] in locations(response)
    after = Person.objects.get(pk=carol.person_id)
    assert (after.email, after.headline) == (before.email, before.headline)


def test_a_profile_edit_through_the_api(carol):
    response = client_for(carol).patch(
        "/api/people/me", {"headline": "Law student"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["headline"] == "Law student"
    assert Person.objects.get(pk=carol.person_id).headline == "Law student"


def test_a_profile_edit_the_model_refuses_is_422_with_its_field(carol):
    response = client_for(carol).patch(
        "/api/people/me", {"gender": "dragon"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert locations(response) == [["body", "gender"]]
    assert Person.objects.get(pk=carol.person_id).gender != "dragon"


def test_an_unknown_privacy_audience_is_422(carol):
    response = client_for(carol).put(
        "/api/people/me/privacy",
        {"audiences": {"email": "everyone"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Person.objects.get(pk=carol.person_id).privacy == {}


def test_an_unknown_privacy_setting_is_422_with_a_clear_message(carol):
    response = client_for(carol).put(
        "/api/people/me/privacy",
        {"audiences": {"email": "members", "shoe_size": "members"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "shoe_size"],
            "msg": "Unknown privacy setting: shoe_size",
            "type": "application_error",
        }
    ]
    assert Person.objects.get(pk=carol.person_id).privacy == {}


def test_privacy_settings_through_the_api(carol):
    client = client_for(carol)
    response = client.put(
        "/api/people/me/privacy",
        {"audiences": {"email": "members"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["audiences"]["email"] == "members"
    assert client.get("/api/people/me/privacy").json()["audiences"]["phone"] == "alumni_office"


# --- domain errors: 422 with a clear message, nothing written ------------------------------------


def test_staff_record_a_service_through_the_api(bob, carol):
    response = client_for(bob).post(
        "/api/activities/staff-services",
        {"student_id": carol.person_id, "aspect": "work", "note": "Internship advice"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["provider"] == "teaching" and body["aspect"] == "work"
    assert body["actor_name"] == "Bob Teacher"
    activity = Activity.objects.get()
    assert activity.beneficiary_id == carol.person_id and activity.actor_id == bob.person_id


def test_a_student_cannot_record_a_staff_service(carol, gina):
    response = client_for(carol).post(
        "/api/activities/staff-services",
        {"student_id": gina.person_id, "aspect": "life", "note": "Helped"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert messages(response) == ["Only staff can record services to students."]
    assert response.json()["detail"][0]["type"] == "application_error"
    assert not Activity.objects.exists()


@pytest.mark.parametrize("target", ["alumnus", "missing"])
def test_a_service_to_someone_who_is_not_a_student_names_the_student_field(bob, dave, target):
    student_id = dave.person_id if target == "alumnus" else 999999
    response = client_for(bob).post(
        "/api/activities/staff-services",
        {"student_id": student_id, "aspect": "life", "note": "Helped"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert locations(response) == [["body", "student_id"]]
    assert messages(response)[0]
    assert not Activity.objects.exists()


def test_a_future_service_date_is_422_on_occurred_on(bob, carol):
    response = client_for(bob).post(
        "/api/activities/staff-services",
        {"student_id": carol.person_id, "aspect": "life", "note": "x", "occurred_on": "2999-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert locations(response) == [["body", "occurred_on"]]
    assert messages(response) == ["The date cannot be in the future."]


def test_someone_else_s_service_cannot_be_rated(service, gina):
    response = client_for(gina).post(
        f"/api/activities/{service.pk}/rating", {"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Activity.objects.get(pk=service.pk).rating is None


def test_services_received_lists_only_one_s_own(service, carol, gina):
    assert [a["id"] for a in client_for(carol).get("/api/activities/received").json()] == [
        service.pk
    ]
    assert client_for(gina).get("/api/activities/received").json() == []


def test_the_kinds_registry_is_published(carol):
    kinds = client_for(carol).get("/api/activities/kinds").json()
    assert {
        "slug": "staff.service",
        "label": "Service given by staff",
        "beneficiary_may_rate": True,
    } in kinds


# --- OpenAPI ---------------------------------------------------------------------------------


def _api_routes() -> set[str]:
    """Every operation route under /api/, from the resolver, in OpenAPI's notation."""
    (api_resolver,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    routes = set()
    for pattern in api_resolver.url_patterns:
        route = str(pattern.pattern)
        if pattern.name in {"api-root", "openapi-json", "openapi-view"}:
            continue
        routes.add("/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_the_openapi_document_lists_every_endpoint(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == _api_routes()
    assert set(schema["paths"]["/api/people/me"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/people/me/privacy"]) == {"get", "put"}
    assert set(schema["paths"]["/api/activities/staff-services"]) == {"post"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


def test_the_interactive_docs_load_nothing_from_a_cdn(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []


def test_an_unknown_api_path_is_a_404_not_a_500(carol):
    client = client_for(carol)
    assert client.get("/api/people/abc").status_code == 404
    assert client.get("/api/nothing-here").status_code == 404


def test_the_api_never_shows_a_hidden_person(carol):
    hidden = f.PersonFactory(privacy={"profile": "only_me"})
    response = client_for(carol).get(f"/api/people/{hidden.pk}")
    assert response.status_code == 404
    assert hidden.full_name not in response.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [({"phone": "<script>"}, "phone"), ({"date_of_birth": "2099-01-01"}, "date_of_birth")],
)
def test_the_api_keeps_the_same_person_rules_as_the_form_and_the_import(carol, change, field):
    before = Person.objects.get(pk=carol.person_id)
    response = client_for(carol).patch("/api/people/me", change, content_type="application/json")
    assert response.status_code == 422 and locations(response) == [["body", field]]
    assert Person.objects.get(pk=carol.person_id).updated_at == before.updated_at


def test_the_api_refuses_another_persons_email(carol, dave):
    response = client_for(carol).patch(
        "/api/people/me", {"email": dave.email.upper()}, content_type="application/json"
    )
    assert response.status_code == 422 and locations(response) == [["body", "email"]]
