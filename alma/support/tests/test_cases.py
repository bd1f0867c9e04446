"""Support cases end to end through the services and pages: who opens what, consent first,
requests and offers, the grant, closure, purging, encryption at rest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from alma.accounts.services import two_factor_enable
from alma.activity.models import Activity, EngagementMode
from alma.comms.models import Notification
from alma.giving.models import Fund, LedgerEntry
from alma.lib.errors import ApplicationError
from alma.support import services
from alma.support.models import (
    Case,
    CaseFile,
    CaseNote,
    CaseReadLog,
    Consent,
    Grant,
    HelpRequest,
    Offer,
)
from alma.support.tests.world import NARRATIVE, PDF, support_world
from alma.testing import factories as f
from alma.testing.personas import ALICE_TOTP_SECRET, client_for


@pytest.fixture
def world(persona_users):
    from alma.giving.tests.world import giving_world

    users = {k: v for k, v in persona_users.items() if v is not None}
    giving_world(users)
    return support_world(users)


def test_only_the_team_and_named_officers_open_a_case_the_admin_included(world, persona_users):
    path = f"/support/cases/{world['support_case']}/"
    answers = {
        name: client_for(user).get(path).status_code
        for name, user in persona_users.items()
        if user is not None
    }
    assert answers == {
        "alice": 404,  # the alumni office and the site's admin, but not on this case
        "bob": 200,  # opened it, leads its team
        "carol": 404,  # the student sees her own page, not the team's
        "dave": 404,
        "erin": 404,
        "frank": 404,
        "gina": 404,
        "hank": 404,
    }
    superuser = f.UserFactory(email="root@example.edu", is_superuser=True, is_staff=True)
    two_factor_enable(user=superuser, secret=ALICE_TOTP_SECRET)
    assert client_for(superuser).get(path).status_code == 404


def test_a_named_case_officer_opens_every_case_and_each_read_is_logged(world):
    from alma.support.models import CaseOfficer

    olga = f.UserFactory(email="olga@example.edu", person=CaseOfficer.objects.get().person)
    two_factor_enable(user=olga, secret=ALICE_TOTP_SECRET)
    before = CaseReadLog.objects.count()
    response = client_for(olga).get(f"/support/cases/{world['support_case']}/")
    assert response.status_code == 200
    assert NARRATIVE in response.content.decode()
    read = CaseReadLog.objects.order_by("-pk").first()
    assert CaseReadLog.objects.count() == before + 1
    assert (read.reader, read.what, read.case_id) == (olga, "case page", world["support_case"])


def test_no_case_model_is_in_the_admin():
    from django.contrib import admin

    assert not [m for m in admin.site._registry if m._meta.app_label == "support"]


def test_the_database_holds_no_narrative_note_summary_or_file_in_plain_text(world):
    with connection.cursor() as cursor:
        rows = []
        for table in ("support_case", "support_casenote", "support_consent", "support_casefile"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            rows += [" ".join(str(v) for v in row) for row in cursor.fetchall()]
    dump = "\n".join(rows)
    for secret in (
        "broke her leg",
        "Spoke with her mother",
        "orthopaedic surgeon",
        "Hospital bill",
    ):
        assert secret not in dump
    stored = CaseFile.objects.get(pk=world["support_file"])
    from alma.support.files import file_path

    on_disk = file_path(stored.storage_token).read_bytes()
    assert b"%PDF" not in on_disk
    assert oct(file_path(stored.storage_token).stat().st_mode & 0o777) == "0o600"
    # ... and the team reads them back.
    assert services.case_narrative(Case.objects.get(pk=world["support_case"])) == NARRATIVE


def test_the_file_is_served_to_the_team_only_and_its_type_is_checked(world, bob, carol, alice):
    path = f"/support/files/{world['support_file']}/"
    response = client_for(bob).get(path)
    assert response.status_code == 200
    assert response.content == PDF
    assert "no-store" in response["Cache-Control"]
    assert client_for(alice).get(path).status_code == 404
    assert client_for(carol).get(path).status_code == 404
    case = Case.objects.get(pk=world["support_case"])
    with pytest.raises(ApplicationError, match="PDF, PNG or JPEG"):
        services.file_add(
            case=case,
            upload=SimpleUploadedFile("x.html", b"<script>alert(1)</script>"),
            title="x",
            by=bob,
        )
    with override_settings(ALMA_UPLOAD_MAX_BYTES=10), pytest.raises(ApplicationError):
        services.file_add(case=case, upload=SimpleUploadedFile("b.pdf", PDF), title="b", by=bob)
    assert CaseFile.objects.count() == 1


def test_the_chapter_officer_sees_only_the_consented_summary(world, erin, dave, frank):
    chapter_request = f"/support/requests/{world['support_chapter_request']}/"
    page = client_for(erin).get(chapter_request).content.decode()
    assert "orthopaedic surgeon" in page
    assert "Carol Student" not in page  # the name was not agreed to
    assert "broke her leg" not in page and "Spoke with her mother" not in page
    assert "Accident" not in page  # not even the category: only what was agreed
    assert client_for(frank).get(chapter_request).status_code == 404
    assert client_for(dave).get(chapter_request).status_code == 404  # not his request
    assert (
        client_for(dave).get(f"/support/requests/{world['support_dave_request']}/").status_code
        == 200
    )


def test_withdrawing_consent_closes_the_requests_and_hides_their_summary(world, carol, erin):
    consent = Consent.objects.get(pk=world["support_consent"])
    response = client_for(carol).post(f"/support/consents/{consent.pk}/withdraw/")
    assert response.status_code == 302
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"closed"}
    page = client_for(erin).get(f"/support/requests/{world['support_chapter_request']}/")
    assert page.status_code == 200
    assert "orthopaedic surgeon" not in page.content.decode()
    assert "This request is closed" in page.content.decode()
    with pytest.raises(ApplicationError):
        services.offer_make(
            request=HelpRequest.objects.get(pk=world["support_chapter_request"]),
            by=erin,
            kind="money",
            details="500",
        )
    assert not client_for(erin).get("/support/").context["incoming"]


def test_no_request_before_consent_and_only_to_alumni_who_opted_in(world, alice, dave):
    case = Case.objects.get(pk=world["support_office_case"])
    with pytest.raises(ApplicationError, match="before consent"):
        services.requests_send(case=case, by=alice, to_chapter=True)
    services.consent_record(
        case=case,
        by=alice,
        summary="Needs money",
        to_alumni=True,
        given_by=Consent.GivenBy.CONTACT,
        contact_name="Her mother",
        contact_relation="mother",
    )
    services.preference_set(person=dave.person, accepts=False)
    with pytest.raises(ApplicationError, match="does not accept"):
        services.requests_send(
            case=case, by=alice, alumni=[{"person": dave.person, "score": 1.0, "reasons": []}]
        )
    with pytest.raises(ApplicationError, match="does not cover the hometown chapter"):
        services.requests_send(case=case, by=alice, to_chapter=True)
    consent = Consent.objects.get(case=case)
    assert (consent.given_by, consent.contact_name, consent.recorded_by) == (
        "contact",
        "Her mother",
        alice,
    )


def test_matching_ranks_opted_in_alumni_by_expertise_with_reasons(world, bob):
    from alma.support.selectors import helper_candidates

    case = Case.objects.get(pk=world["support_case"])
    lawyer = f.AlumnusFactory(full_name="Lena Lawyer", expertise="insurance law")
    surgeon = f.AlumnusFactory(full_name="Sam Surgeon", expertise="orthopaedics, trauma surgery")
    shy = f.AlumnusFactory(full_name="Shy Surgeon", expertise="orthopaedics")
    for person in (lawyer, surgeon):
        services.preference_set(person=person, accepts=True)
    picks = helper_candidates(case, viewer=bob)
    names = [p["person"].full_name for p in picks]
    assert "Sam Surgeon" in names
    assert shy.full_name not in names and lawyer.full_name not in names
    sam = next(p for p in picks if p["person"] == surgeon)
    assert any(r["code"] == "shared_topics" for r in sam["reasons"])


def test_offers_are_tracked_and_help_given_enters_the_ledger(world, bob):
    offer = Offer.objects.get(pk=world["support_offer"])
    services.offer_set_status(offer=offer, status="accepted", by=bob)
    services.offer_set_status(offer=offer, status="done", by=bob)
    row = Activity.objects.get(kind="support.help")
    assert (row.actor_id, row.beneficiary_id, row.aspect) == (
        offer.helper_id,
        Case.objects.get(pk=world["support_case"]).student_id,
        "life",
    )
    assert row.engagement_mode == EngagementMode.VOLUNTEER
    assert row.note == ""
    with pytest.raises(ApplicationError, match="settled"):
        services.offer_set_status(offer=offer, status="declined", by=bob)


def test_the_grant_is_paid_through_the_hardship_funds_ledger(world, alice, bob):
    case = Case.objects.get(pk=world["support_office_case"])
    fund = Fund.objects.get(pk=world["support_fund"])
    response = client_for(alice).post(
        f"/support/cases/{case.pk}/grant/", {"fund": fund.pk, "amount": "1200"}
    )
    assert response.status_code == 302
    grant = Grant.objects.get(case=case)
    assert grant.amount == Decimal("1200.00")
    entry = LedgerEntry.objects.get(award_id=grant.award_id)
    assert (entry.fund_id, entry.amount, entry.kind) == (
        fund.pk,
        Decimal("-1200.00"),
        "award_payment",
    )
    fund.refresh_from_db()
    assert fund.balance == Decimal("1800.00")
    # More than the fund holds: a clear message, nothing written.
    with pytest.raises(ApplicationError, match="cannot pay"):
        services.grant_pay(case=case, fund=fund, amount="5000", by=alice)
    # Staff on the team who are not in the alumni office do not pay.
    services.team_member_add(case=case, person=bob.person, by=alice)
    with pytest.raises(ApplicationError, match="alumni office"):
        services.grant_pay(case=case, fund=fund, amount="10", by=bob)
    assert Grant.objects.count() == 1


def test_notifications_say_only_that_a_case_needs_attention(
    world, bob, carol, erin, django_capture_on_commit_callbacks
):
    case = Case.objects.get(pk=world["support_case"])
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            consent=Consent.objects.get(pk=world["support_consent"]), by=carol
        )
    with django_capture_on_commit_callbacks(execute=True):
        consent = services.consent_record(
            case=case, by=carol, summary="Carol needs an orthopaedic surgeon", to_chapter=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.requests_send(case=case, by=bob, to_chapter=True)
    assert consent.pk
    assert Notification.objects.filter(kind="support.help_request", recipient=erin.person).exists()
    assert Notification.objects.filter(kind="support.attention", recipient=bob.person).exists()
    texts = [
        f"{n.subject} {n.body}" for n in Notification.objects.filter(kind__startswith="support.")
    ]
    assert texts
    for text in texts:
        assert "leg" not in text and "orthopaedic" not in text and "Carol" not in text


def test_closing_purges_after_the_retention_period_idempotently(
    world, bob, settings, django_capture_on_commit_callbacks
):
    settings.ALMA_SUPPORT_RETENTION_DAYS = 30
    case = Case.objects.get(pk=world["support_case"])
    follow_up = timezone.localdate() + dt.timedelta(days=7)
    services.case_close(case=case, outcome="resolved", follow_up_on=follow_up, by=bob)
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "resolved"
    assert set(HelpRequest.objects.filter(case=case).values_list("status", flat=True)) == {"closed"}
    stored = CaseFile.objects.get(case=case)
    from alma.support.files import file_path

    path = file_path(stored.storage_token)
    assert services.cases_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    later = timezone.now() + dt.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_purge(now=later) == 1
    assert services.cases_purge(now=later) == 0
    case.refresh_from_db()
    assert case.narrative_encrypted == "" and case.purged_at is not None
    assert not CaseNote.objects.filter(case=case).exists()
    assert not CaseFile.objects.filter(case=case).exists()
    assert not path.exists()
    assert set(Consent.objects.filter(case=case).values_list("summary_encrypted", flat=True)) == {
        ""
    }
    # Follow-up: once, when due.
    assert services.follow_ups_send(today=follow_up - dt.timedelta(days=1)) == 0
    assert services.follow_ups_send(today=follow_up) == 1
    assert services.follow_ups_send(today=follow_up) == 0


def test_the_student_sees_status_and_what_is_shared_not_the_narrative(world, carol, gina):
    path = f"/support/mine/{world['support_case']}/"
    page = client_for(carol).get(path).content.decode()
    assert "orthopaedic surgeon" in page
    assert "broke her leg" not in page and "Spoke with her mother" not in page
    assert client_for(gina).get(path).status_code == 404


def test_bad_input_changes_nothing(world, bob):
    case = Case.objects.get(pk=world["support_case"])
    before = (CaseNote.objects.count(), case.tasks.count())
    response = client_for(bob).post(f"/support/cases/{case.pk}/notes/", {"body": "  "})
    assert response.status_code == 302
    response = client_for(bob).post(
        f"/support/cases/{case.pk}/tasks/", {"title": "x", "owner": "999", "due_on": "soon"}
    )
    assert response.status_code == 302
    assert (CaseNote.objects.count(), case.tasks.count()) == before


def test_the_case_list_costs_the_same_queries_for_two_cases_or_six(
    world, bob, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(bob)
    client.get("/support/")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/support/").status_code == 200
    for n in range(4):
        services.case_open(
            student=f.StudentFactory(),
            category="financial",
            urgency="normal",
            narrative=f"Case {n}",
            by=bob,
        )
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = client.get("/support/")
    assert page.content.decode().count("/support/cases/") >= 6


def test_cases_are_not_in_the_api():
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    assert not [path for path in schema["paths"] if "support" in path]


def test_the_pages_speak_chinese(world, carol, erin):
    from django.conf import settings as django_settings

    student = client_for(carol)
    student.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = student.get(f"/support/mine/{world['support_case']}/").content.decode()
    assert "关于您分享了哪些内容" in page and "What is shared about you" not in page
    officer = client_for(erin)
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = officer.get(f"/support/requests/{world['support_chapter_request']}/").content.decode()
    assert "学生同意分享的内容" in page


def test_task_owners_are_reminded_once_when_a_task_falls_due(
    world, bob, django_capture_on_commit_callbacks
):
    from alma.support.models import CaseTask

    task = CaseTask.objects.get(pk=world["support_task"])  # due tomorrow
    assert services.tasks_due_remind() == 0
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        assert services.tasks_due_remind(today=task.due_on) == 1
    assert services.tasks_due_remind(today=task.due_on) == 0
    notice = Notification.objects.get(kind="support.attention", recipient=bob.person)
    assert notice.subject == "A support case needs your attention"
    assert "Call the hospital" not in f"{notice.subject} {notice.body}"
