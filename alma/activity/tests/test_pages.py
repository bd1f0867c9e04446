"""The staff service log pages: record a service, find a student, rate what you received."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from alma.activity.models import Activity
from alma.activity.services import staff_service_log
from alma.people.models import Stage
from alma.testing import factories as f
from alma.testing.personas import client_for


def service_form(who, **changes):
    data = {
        "student": who.pk if who is not None else "",
        "aspect": "study",
        "note": "Helped plan the thesis",
        "occurred_on": timezone.localdate().isoformat(),
    }
    data.update(changes)
    return data


def test_staff_record_a_service_to_a_student(bob, carol):
    response = client_for(bob).post("/services/new/", service_form(carol.person), follow=True)
    assert response.redirect_chain == [("/services/", 302)]
    assert b"Service to Carol Student recorded." in response.content
    activity = Activity.objects.get()
    assert activity.kind == "staff.service"
    assert activity.actor_id == bob.person_id and activity.beneficiary_id == carol.person_id
    assert activity.provider == "teaching"
    assert activity.aspect == "study" and activity.note == "Helped plan the thesis"
    assert activity.recorded_by == bob
    # ...and it shows in the log.
    assert b"Helped plan the thesis" in response.content


def test_the_alumni_office_is_credited_as_the_alumni_office(alice, carol):
    client_for(alice).post("/services/new/", service_form(carol.person))
    assert Activity.objects.get().provider == "alumni_office"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"student": ""}, "student", "Choose the student you served."),
        ({"student": "999999"}, "student", "Choose a student from the search results."),
        ({"student": "abc"}, "student", "Choose a student from the search results."),
        ({"occurred_on": "2024-13-45"}, "occurred_on", "Enter a valid date."),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "The date cannot be in the future."),
        ({"note": ""}, "note", "This field is required."),
        ({"note": "   "}, "note", "This field is required."),
        (
            {"aspect": "fun"},
            "aspect",
            "Select a valid choice. fun is not one of the available choices.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_records_nothing(bob, carol, changes, field, message):
    response = client_for(bob).post("/services/new/", service_form(carol.person, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert not Activity.objects.exists()


def test_a_service_more_than_a_year_ago_is_refused(bob, carol):
    old = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    response = client_for(bob).post("/services/new/", service_form(carol.person, occurred_on=old))
    assert response.context["form"].errors["occurred_on"] == [
        "Services older than a year cannot be logged."
    ]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "alice", "frank"])
def test_someone_who_is_not_a_student_cannot_be_chosen(persona_users, bob, persona):
    target = persona_users[persona].person
    response = client_for(bob).post("/services/new/", service_form(target))
    assert response.context["form"].errors["student"] == [
        "Choose a student from the search results."
    ]
    assert not Activity.objects.exists()


def test_a_prospective_student_may_be_served(bob, gina):
    client_for(bob).post("/services/new/", service_form(gina.person))
    assert Activity.objects.get().beneficiary_stage == "pre_entry"


def test_a_student_cannot_record_a_service(carol, gina):
    response = client_for(carol).post("/services/new/", service_form(gina.person))
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_the_form_starts_with_the_student_chosen_on_their_profile(bob, carol, dave):
    client = client_for(bob)
    chosen = client.get(f"/services/new/?student={carol.person_id}")
    assert f'name="student" value="{carol.person_id}" checked'.encode() in chosen.content
    not_a_student = client.get(f"/services/new/?student={dave.person_id}")
    assert b'name="student" value=' not in not_a_student.content
    assert client.get("/services/new/?student=abc").status_code == 200


def test_a_refused_form_keeps_the_chosen_student(bob, carol):
    response = client_for(bob).post("/services/new/", service_form(carol.person, note=""))
    assert f'name="student" value="{carol.person_id}" checked'.encode() in response.content


# --- the student lookup (htmx fragment) -----------------------------------------------------


@pytest.fixture
def students(db):
    li = f.PersonFactory(full_name="Li Wei", name_latin="Li Wei", stage=Stage.STUDENT)
    f.EducationFactory(person=li, student_number="20230417")
    applicant = f.PersonFactory(full_name="Liang Qi", stage=Stage.PROSPECTIVE)
    alumna = f.AlumnusFactory(full_name="Li Na")
    return {"li": li, "applicant": applicant, "alumna": alumna}


def lookup(user, query: str) -> str:
    response = client_for(user).get("/services/students/", {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content  # a fragment, not a page
    return content


def test_the_lookup_finds_students_by_name(bob, students):
    content = lookup(bob, "li")
    assert "Li Wei" in content and "Liang Qi" in content
    assert "Li Na" not in content  # an alumna is not a student


def test_the_lookup_finds_a_student_by_student_number(bob, students):
    content = lookup(bob, "20230417")
    assert f'value="{students["li"].pk}"' in content
    assert "Liang Qi" not in content


def test_the_lookup_asks_for_two_characters(bob, students):
    assert "Type at least two characters." in lookup(bob, "l")


def test_the_lookup_says_when_nothing_matches(bob, students):
    assert "No student matches." in lookup(bob, "zzz")


def test_the_lookup_is_bounded(bob):
    for i in range(15):
        f.StudentFactory(full_name=f"Zhang {i:02d}")
    assert lookup(bob, "zhang").count('name="student"') == 10


def test_only_staff_may_look_students_up(carol, dave, students):
    for user in (carol, dave):
        response = client_for(user).get("/services/students/", {"q": "li"})
        assert response.status_code == 403
        assert b"Li Wei" not in response.content


# --- rating what one received ----------------------------------------------------------------


@pytest.fixture
def service(bob, carol):
    return staff_service_log(staff=bob, student=carol.person, aspect="study", note="Advice")


def test_the_student_sees_and_rates_a_service(service, carol):
    client = client_for(carol)
    page = client.get("/services/received/")
    assert (
        b"Advice" in page.content
        and f'action="/services/{service.pk}/rate/"'.encode() in page.content
    )
    response = client.post(f"/services/{service.pk}/rate/", {"rating": "4"}, follow=True)
    assert response.redirect_chain == [("/services/received/", 302)]
    assert b"Thank you for your rating." in response.content
    assert Activity.objects.get(pk=service.pk).rating == 4


def test_an_unrated_service_shows_no_rating_chosen(service, carol):
    # A rating preset to 1 would be sent by a careless click on Rate.
    page = client_for(carol).get("/services/received/").content.decode()
    select = re.search(r'<select name="rating"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None and " required" in select.group(0).split(">")[0]
    selected = re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    assert selected == [""]
    Activity.objects.filter(pk=service.pk).update(rating=4)
    page = client_for(carol).get("/services/received/").content.decode()
    select = re.search(r'<select name="rating"[^>]*>(.*?)</select>', page, re.S)
    assert re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1)) == ["4"]


@pytest.mark.parametrize("rating", ["9", "0", "", "four", "4.5"])
def test_a_bad_rating_gets_a_message_and_changes_nothing(service, carol, rating):
    client = client_for(carol)
    client.post(f"/services/{service.pk}/rate/", {"rating": "3"})
    response = client.post(f"/services/{service.pk}/rate/", {"rating": rating}, follow=True)
    assert b"A rating is a whole number from 1 to 5." in response.content
    assert Activity.objects.get(pk=service.pk).rating == 3


@pytest.mark.parametrize("persona", ["bob", "alice", "gina", "dave", "hank"])
def test_only_the_student_served_may_rate(service, persona_users, persona):
    response = client_for(persona_users[persona]).post(
        f"/services/{service.pk}/rate/", {"rating": "1"}
    )
    assert response.status_code == 404
    assert Activity.objects.get(pk=service.pk).rating is None


def test_services_received_lists_only_one_s_own(service, gina):
    content = client_for(gina).get("/services/received/").content
    assert b"Advice" not in content
    assert b"Nothing recorded yet." in content


def test_the_service_log_lists_only_one_s_own(service, alice, bob):
    assert b"Advice" in client_for(bob).get("/services/").content
    assert b"Advice" not in client_for(alice).get("/services/").content


# --- no 500 on odd input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/services/abc/rate/", 404),
        ("post", "/services/abc/rate/", 404),
        ("post", "/services/999999/rate/", 404),
        ("get", "/services/?page=abc", 200),
        ("get", "/services/?page=99999", 200),
        ("get", "/services/?page=-1", 200),
        ("get", "/services/students/?q=" + "x" * 5000, 200),
        ("get", "/services/new/?student=" + "9" * 30, 200),
        ("post", "/accounts/tokens/abc/revoke/", 404),
        ("get", "/people/abc/", 404),
        ("get", "/people/999999/", 404),
        ("get", "/people/99999999999999999999999/", 404),
    ],
)
def test_odd_input_is_never_a_server_error(bob, method, path, status):
    response = getattr(client_for(bob), method)(path)
    assert response.status_code == status


def test_pages_are_paginated(bob, carol):
    for i in range(30):
        staff_service_log(staff=bob, student=carol.person, aspect="life", note=f"Visit {i:02d}")
    client = client_for(bob)
    first = client.get("/services/").content
    assert b"Visit 29" in first and b"Visit 04" not in first
    second = client.get("/services/?page=2").content
    assert b"Visit 04" in second and b"Visit 29" not in second
    assert b"Page 2 of 2" in second
