"""The careers API: the same postings, applications, pipeline, fairs and recommendations as the
pages, with the same permissions."""

import pytest

from alma.careers import selectors
from alma.careers.models import JobApplication, JobFair
from alma.careers.tests.world import careers_world
from alma.comms.models import Notification
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(persona_users):
    users = {k: v for k, v in persona_users.items() if v is not None}
    return careers_world(users)


def test_live_postings_are_listed_searched_filtered_and_paginated(world, carol):
    client = client_for(carol)
    body = client.get("/api/careers/postings").json()
    assert body["count"] == 2
    assert {p["title"] for p in body["items"]} == {"Data intern", "Risk analyst"}
    assert "Marketing intern" not in str(body)  # waiting for review
    found = client.get("/api/careers/postings?q=data").json()["items"]
    assert [p["title"] for p in found] == ["Data intern"]
    jobs = client.get("/api/careers/postings?kind=graduate_job").json()["items"]
    assert [p["title"] for p in jobs] == ["Risk analyst"]
    assert client.get("/api/careers/postings?city=Harbin").json()["count"] == 0
    page = client.get("/api/careers/postings?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert page["items"][0]["cities"] == ["Shanghai"]


def test_a_posting_waiting_for_review_exists_only_for_its_organisation(world, carol, frank):
    url = f"/api/careers/postings/{world['c_pending']}"
    assert client_for(carol).get(url).status_code == 404
    body = client_for(frank).get(url).json()
    assert body["status"] == "pending"
    detail = client_for(carol).get(f"/api/careers/postings/{world['c_internship']}").json()
    assert "<strong>real</strong>" in detail["description_html"]
    assert detail["my_application_id"] == world["c_carol_application"]


def test_a_student_applies_without_a_cv_and_sees_only_their_own_applications(
    world, gina, carol, dave
):
    url = f"/api/careers/postings/{world['c_internship']}/applications"
    created = client_for(gina).post(url, {"note": "Keen"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "applied" and body["has_cv"] is False
    assert [s["status"] for s in body["steps"]] == ["applied"]
    again = client_for(gina).post(url, {}, content_type="application/json")
    assert again.status_code == 422
    assert "already applied" in again.json()["detail"][0]["msg"]
    assert client_for(dave).post(url, {}, content_type="application/json").status_code == 403
    mine = client_for(gina).get("/api/careers/applications").json()
    assert [a["id"] for a in mine["items"]] == [body["id"]]
    # Another student's application does not exist for gina.
    other = f"/api/careers/applications/{world['c_carol_application']}"
    assert client_for(gina).get(other).status_code == 404
    assert client_for(carol).get(other).json()["posting_title"] == "Data intern"


def test_a_representative_sees_and_moves_only_their_own_organisations_applicants(
    world, frank, carol, django_capture_on_commit_callbacks
):
    client = client_for(frank)
    applicants = client.get(f"/api/careers/postings/{world['c_internship']}/applicants").json()
    [row] = applicants["items"]
    assert row["student"]["full_name"] == carol.person.full_name
    assert row["cv_url"] == f"/careers/applications/{world['c_carol_application']}/cv/"
    bank = f"/api/careers/postings/{world['c_bank_job']}/applicants"
    assert client.get(bank).status_code == 404
    moved = client.post(
        bank + "/moves",
        {"application_ids": [world["c_carol_bank_application"]], "status": "screening"},
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert JobApplication.objects.get(pk=world["c_carol_bank_application"]).status == "applied"
    moves = f"/api/careers/postings/{world['c_internship']}/applicants/moves"
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            moves,
            {"application_ids": [world["c_carol_application"]], "status": "interview"},
            content_type="application/json",
        )
    assert moved.json() == {"moved": 1}
    assert JobApplication.objects.get(pk=world["c_carol_application"]).status == "interview"
    assert Notification.objects.filter(
        recipient=carol.person, kind="careers.application_step"
    ).exists()
    # A step that does not follow is refused with the reason, and nothing moves.
    refused = client.post(
        moves,
        {"application_ids": [world["c_carol_application"]], "status": "applied"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "cannot move" in refused.json()["detail"][0]["msg"]
    unknown = client.post(
        moves,
        {"application_ids": [world["c_carol_application"]], "status": "promoted"},
        content_type="application/json",
    )
    assert unknown.json()["detail"][0] == {
        "loc": ["body", "status"],
        "msg": "Choose a step from the list.",
        "type": "application_error",
    }
    assert JobApplication.objects.get(pk=world["c_carol_application"]).status == "interview"


def test_fairs_and_the_fair_report_give_the_commands_numbers(world, alice, carol):
    fairs = client_for(carol).get("/api/careers/fairs").json()
    assert [f["name"] for f in fairs] == ["Spring alumni-enterprise fair"]
    assert fairs[0]["booth_count"] == 2
    url = f"/api/careers/fairs/{world['c_fair']}/report"
    assert client_for(carol).get(url).status_code == 403
    report = client_for(alice).get(url).json()
    assert report == selectors.fair_report(JobFair.objects.get(pk=world["c_fair"]))
    assert report["organisations"] == 2 and report["applications"] == 2


def test_recommendations_are_for_students_with_reasons(world, carol, frank):
    assert client_for(frank).get("/api/careers/recommendations").status_code == 403
    rows = client_for(carol).get("/api/careers/recommendations").json()
    assert {r["posting"]["title"] for r in rows} <= {"Data intern", "Risk analyst"}
    assert all(isinstance(r["reasons"], list) for r in rows)
