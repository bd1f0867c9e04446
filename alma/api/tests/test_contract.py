"""The API keeps its published contract: schemathesis generates requests for every operation in
`/api/openapi.json` and sends them, through Django's WSGI application (no network), signed in as
the alumni office, a student and an alumnus. No answer may be a server error, every status must
be one the operation documents, and every body must match the documented schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alma.accounts.services import api_token_create
from alma.events.tests.factories import EventFactory
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db(transaction=False)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The test client keeps the database connection across a request; the real WSGI handler
    closes it when a request ends (close_old_connections), which on PostgreSQL would end the
    test's transaction. Disconnected while these tests run, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Read from the application itself when the tests are collected (Django is set up by then).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def contract_test(persona: str):  # type: ignore[no-untyped-def]
    """Every operation, with requests generated from the document, sent as the persona."""

    @schema.parametrize()
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, request):  # type: ignore[no-untyped-def]
        user = request.getfixturevalue(persona)
        if not hasattr(request.node, "alma_bearer"):
            # Records the generated requests can find: people of each kind, an event.
            wang = f.AlumnusFactory(full_name="Wang Fang")
            f.EducationFactory(person=wang, graduation_year=None)
            f.EmploymentFactory(person=wang)
            EventFactory(title="Homecoming")
            token = api_token_create(user=user, name="contract")[1]
            request.node.alma_bearer = {"Authorization": f"Bearer {token}"}
        case.call_and_validate(headers=request.node.alma_bearer, checks=CHECKS)

    return test


test_the_contract_holds_for_the_alumni_office = contract_test("alice")
test_the_contract_holds_for_a_student = contract_test("carol")
test_the_contract_holds_for_an_alumnus = contract_test("dave")


def test_every_operation_documents_its_error_answers(dave):
    document = client_for(dave).get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            assert {"401", "422"} <= answers, (method, path)
            if "requestBody" in operation:
                assert "400" in answers, (method, path)
            if "{" in path:
                assert "404" in answers, (method, path)


def test_directory_search_returns_the_education_its_schema_requires(dave):
    wang = f.AlumnusFactory(full_name="Wang Fang", privacy={"about": "only_me"})
    f.EducationFactory(person=wang, graduation_year=None, major="Law")
    data = client_for(dave).get("/api/people/search", {"q": "wang"}).json()
    (hit,) = data["results"]
    (education,) = [e for e in hit["educations"] if e["major"] == "Law"]
    assert education["graduation_year"] is None
    assert "headline" not in hit and "bio" not in hit  # hidden: left out, not sent empty
