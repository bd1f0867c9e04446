"""List pages issue a bounded number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alma.activity.services import staff_service_log
from alma.people.models import Post
from alma.testing import factories as f
from alma.testing.personas import client_for

# Session, user, roles (3), the page's own reads, pagination: well under this on any page.
MAX_QUERIES = 15
# Home is every module's cards, each a bounded few reads (alma/accounts/home.py).
HOME_MAX_QUERIES = 30


def queries(client, path: str) -> int:
    client.get(path)  # what a process reads once (names of reference values) is read here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def services_given_by(staff, count: int) -> None:
    """`count` services, each to a different student (so a lazy beneficiary costs a query each)."""
    for i in range(count):
        staff_service_log(
            staff=staff, student=f.StudentFactory(), aspect="study", note=f"Service {i}"
        )


def services_received_by(student, count: int) -> None:
    """`count` services, each from a different staff member."""
    for i in range(count):
        person = f.PersonFactory()
        f.StaffPostFactory(person=person, post=Post.LOGISTICS)
        staff_service_log(
            staff=f.UserFactory(person=person), student=student.person, aspect="life", note=f"{i}"
        )


@pytest.mark.parametrize("path", ["/services/", "/"])
def test_the_service_log_does_not_grow_with_its_rows(bob, path):
    client = client_for(bob)
    services_given_by(bob, 5)
    few = queries(client, path)
    services_given_by(bob, 25)
    many = queries(client, path)
    assert many == few <= (HOME_MAX_QUERIES if path == "/" else MAX_QUERIES)


@pytest.mark.parametrize("path", ["/services/received/", "/", "/api/activities/received"])
def test_services_received_do_not_grow_with_their_rows(carol, path):
    client = client_for(carol)
    services_received_by(carol, 5)
    few = queries(client, path)
    services_received_by(carol, 25)
    many = queries(client, path)
    assert many == few <= (HOME_MAX_QUERIES if path == "/" else MAX_QUERIES)


def test_a_student_s_profile_with_its_services_does_not_grow_with_them(alice, carol):
    client = client_for(alice)
    path = f"/people/{carol.person_id}/"
    services_received_by(carol, 5)
    few = queries(client, path)
    services_received_by(carol, 25)
    many = queries(client, path)
    assert many == few <= MAX_QUERIES


def test_the_student_lookup_does_not_grow_with_its_matches(bob):
    client = client_for(bob)
    for i in range(2):
        f.StudentFactory(full_name=f"Wang {i}")
    few = queries(client, "/services/students/?q=wang")
    for i in range(2, 12):
        f.StudentFactory(full_name=f"Wang {i}")
    many = queries(client, "/services/students/?q=wang")
    assert many == few <= MAX_QUERIES
