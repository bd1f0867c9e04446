"""Careers as users rely on it: the alliance, postings reviewed and expiring, private CVs,
the pipeline moved in bulk with the student told, recommendations with reasons, fairs and
their report, visits, the ledger, and the command-line contract."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from alma.activity.models import Activity
from alma.careers import selectors, services
from alma.careers.models import (
    AllianceMembership,
    ApplicationStatus,
    BoothSignIn,
    CareerProfile,
    JobApplication,
    Posting,
)
from alma.careers.tests.world import career_officer, careers_world, cv, member, posting_for
from alma.comms.models import Notification
from alma.lib.errors import ApplicationError
from alma.people.models import Audience, Education, Organization
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(persona_users):
    users = {k: v for k, v in persona_users.items() if v is not None}
    return careers_world(users)


def step_notices(person):
    return list(
        Notification.objects.filter(recipient=person, kind="careers.application_step").order_by(
            "pk"
        )
    )


# --- Alliance ------------------------------------------------------------------------------


def test_a_join_request_waits_for_the_office_and_makes_the_requester_a_representative(
    world, dave, alice, bob
):
    membership = AllianceMembership.objects.get(organization_id=world["c_join_org"])
    assert membership.status == "requested"
    assert not selectors.may_manage_organization(dave, membership.organization_id)
    with pytest.raises(ApplicationError):
        services.alliance_decide(membership=membership, user=bob, approve=True)
    services.alliance_decide(membership=membership, user=alice, approve=True)
    membership.refresh_from_db()
    assert membership.status == "approved"
    assert dave.person in membership.organization.representatives.all()


def test_the_career_office_post_approves_like_the_alumni_office(world):
    kai = career_officer()
    posting = Posting.objects.get(pk=world["c_pending"])
    services.posting_review(posting=posting, user=kai, approve=True)
    assert Posting.objects.get(pk=posting.pk).status == "live"


def test_alumni_working_there_are_counted_by_name_and_confirmed_alias_within_privacy(
    world, carol, alice
):
    partner = Organization.objects.get(pk=world["c_partner"])
    partner.aliases = "PCo\nPartner Company Ltd"
    partner.save()
    f.EmploymentFactory(person=f.AlumnusFactory(), organization_name="partner co", is_current=True)
    pco = f.EmploymentFactory(person=f.AlumnusFactory(), organization_name="PCo", is_current=True)
    hidden = f.EmploymentFactory(
        person=f.AlumnusFactory(privacy={"employment": Audience.ONLY_ME}),
        organization_name="Partner Company Ltd",
        is_current=True,
    )
    f.EmploymentFactory(person=f.AlumnusFactory(), organization_name="PCo", is_current=False)
    # The name in any case is certain; another name waits for the office.
    assert selectors.alumni_working_at(carol, partner) == 1
    for employment in (pco, hidden):
        services.employer_link_decide(
            user=alice, employment=employment, organization=partner, confirm=True
        )
    assert selectors.alumni_working_at(carol, partner) == 2
    assert selectors.alumni_working_at(alice, partner) == 2  # only-me stays only me


# --- Postings ------------------------------------------------------------------------------


def test_a_posting_goes_live_only_after_review_and_its_organisation_is_told(
    world, carol, frank, alice, django_capture_on_commit_callbacks
):
    pending = Posting.objects.get(pk=world["c_pending"])
    assert client_for(carol).get(f"/careers/postings/{pending.pk}/").status_code == 404
    assert client_for(frank).get(f"/careers/postings/{pending.pk}/").status_code == 200
    assert pending not in selectors.postings_search()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            f"/careers/postings/{pending.pk}/review/", {"decision": "approve"}
        )
    assert response.status_code == 302
    assert client_for(carol).get(f"/careers/postings/{pending.pk}/").status_code == 200
    assert Notification.objects.filter(
        recipient=frank.person, kind="careers.posting_reviewed"
    ).exists()


def test_returning_a_posting_needs_a_reason_and_changes_nothing_without_one(world, alice):
    posting = Posting.objects.get(pk=world["c_returnable"])
    with pytest.raises(ApplicationError):
        services.posting_review(posting=posting, user=alice, approve=False, note=" ")
    assert Posting.objects.get(pk=posting.pk).status == "pending"
    services.posting_review(posting=posting, user=alice, approve=False, note="Add a salary")
    assert Posting.objects.get(pk=posting.pk).status == "rejected"


def test_only_representatives_of_alliance_members_post(world, dave, frank):
    partner = Organization.objects.get(pk=world["c_partner"])
    with pytest.raises(ApplicationError):
        posting_for(dave, partner, title="Not mine")
    outsider = Organization.objects.create(name="Outside Ltd", kind="partner")
    outsider.representatives.add(frank.person)
    frank = type(frank).objects.get(pk=frank.pk)  # a new request: roles read afresh
    with pytest.raises(ApplicationError, match="alliance"):
        posting_for(frank, outsider, title="Before joining")


def test_bad_posting_input_gets_a_message_and_writes_nothing(world, frank):
    partner = Organization.objects.get(pk=world["c_partner"])
    before = Posting.objects.count()
    for bad in [
        {"deadline": timezone.localdate() - dt.timedelta(days=1)},
        {"openings": 0},
        {"salary_min": 9000, "salary_max": 5000},
        {"degree_levels": ["wizard"]},
        {"kind": "volunteer"},
    ]:
        with pytest.raises(ApplicationError):
            posting_for(frank, partner, title="Bad", live=False, **bad)
    assert Posting.objects.count() == before


def test_postings_expire_by_themselves(world, carol):
    posting = Posting.objects.get(pk=world["c_internship"])
    tomorrow = posting.deadline + dt.timedelta(days=1)
    assert posting in selectors.live_postings(posting.deadline)
    assert posting not in selectors.live_postings(tomorrow)
    assert services.postings_expire(today=tomorrow) >= 1
    assert Posting.objects.get(pk=posting.pk).status == "closed"
    assert services.postings_expire(today=tomorrow) == 0


def test_the_description_is_markdown_with_scripts_and_javascript_links_removed():
    html = selectors.markdown_html(
        "**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


def test_search_finds_live_postings_by_words_pinyin_and_facets(world, carol, frank, alice):
    found = selectors.postings_search(text="data")
    assert [p.title for p in found] == ["Data intern"]
    partner = Organization.objects.get(pk=world["c_partner"])
    chinese = posting_for(frank, partner, title="量化研究实习生", live=False)
    assert not selectors.postings_search(text="量化")  # not live, not findable
    services.posting_review(posting=chinese, user=alice, approve=True)
    assert [p.title for p in selectors.postings_search(text="lianghua")] == ["量化研究实习生"]
    assert [p.title for p in selectors.postings_search(text="量化 intern")] == []
    facets = selectors.posting_facets(selectors.postings_search())
    assert ("internship", 2) in facets["kind"] and ("graduate_job", 1) in facets["kind"]
    assert ("Shanghai", 3) in facets["city"]
    assert [p.title for p in selectors.postings_search(kind="graduate_job")] == ["Risk analyst"]
    response = client_for(carol).get("/careers/?q=risk")
    assert b"Risk analyst" in response.content and b"Data intern" not in response.content
    services.postings_expire(today=chinese.deadline + dt.timedelta(days=1))
    assert not selectors.postings_search(text="lianghua")


def test_the_posting_list_reads_a_fixed_number_of_queries(
    world, carol, frank, django_assert_num_queries
):
    client = client_for(carol)
    client.get("/careers/")
    partner = Organization.objects.get(pk=world["c_partner"])
    for n in range(5):
        posting_for(frank, partner, title=f"Extra {n}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/careers/?q=intern")
    for n in range(10):
        posting_for(frank, partner, title=f"More {n}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/careers/?q=intern")


# --- Applications and CVs ------------------------------------------------------------------


def test_a_cv_is_stored_outside_media_under_a_name_of_ours(world):
    application = JobApplication.objects.get(pk=world["c_carol_application"])
    stored = Path(application.cv.path).resolve()
    assert stored.is_file()
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.is_relative_to((Path(settings.VAR_DIR) / "careers").resolve())
    assert "cv.pdf" not in stored.name and stored.suffix == ".pdf"


def test_a_cv_is_checked_by_content_and_size_and_a_refusal_writes_nothing(world, gina):
    posting = Posting.objects.get(pk=world["c_internship"])
    disguised = SimpleUploadedFile(
        "cv.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ApplicationError, match="PDF"):
        services.application_submit(user=gina, posting=posting, cv=disguised)
    huge = cv(content=b"%PDF-" + b"0" * (services.CV_MAX_BYTES + 1))
    with pytest.raises(ApplicationError, match="MB"):
        services.application_submit(user=gina, posting=posting, cv=huge)
    assert not JobApplication.objects.filter(student=gina.person).exists()


def test_the_cv_opens_for_the_student_the_organisation_and_staff_only(world, persona_users):
    own = world["c_carol_application"]
    other = world["c_carol_bank_application"]
    expected = {
        "alice": (200, 200),
        "carol": (200, 200),
        "frank": (200, 404),  # frank represents Partner Co, not Other Bank
        "bob": (404, 404),
        "dave": (404, 404),
        "gina": (404, 404),
    }
    for name, (mine, theirs) in expected.items():
        client = client_for(persona_users[name])
        got = (
            client.get(f"/careers/applications/{own}/cv/").status_code,
            client.get(f"/careers/applications/{other}/cv/").status_code,
        )
        assert got == (mine, theirs), name
    response = client_for(persona_users["frank"]).get(f"/careers/applications/{own}/cv/")
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="cv-{own}.pdf"'


def test_a_representative_never_sees_another_organisations_applicants(world, frank):
    client = client_for(frank)
    mine = client.get(f"/careers/postings/{world['c_internship']}/applicants/")
    assert mine.status_code == 200 and b"Carol Student" in mine.content
    theirs = client.get(f"/careers/postings/{world['c_bank_job']}/applicants/")
    assert theirs.status_code == 404
    moved = client.post(
        f"/careers/postings/{world['c_bank_job']}/applicants/",
        {"status": "interview", "application": [world["c_carol_bank_application"]]},
    )
    assert moved.status_code == 404
    assert JobApplication.objects.get(pk=world["c_carol_bank_application"]).status == "applied"


def test_applying_twice_or_as_an_alumnus_is_refused(world, carol, dave):
    posting = Posting.objects.get(pk=world["c_internship"])
    with pytest.raises(ApplicationError, match="already"):
        services.application_submit(user=carol, posting=posting)
    with pytest.raises(ApplicationError):
        services.application_submit(user=dave, posting=posting)


def test_the_pipeline_moves_in_bulk_all_or_none_and_tells_each_student(
    world, frank, carol, gina, django_capture_on_commit_callbacks
):
    posting = Posting.objects.get(pk=world["c_internship"])
    gina_app = services.application_submit(user=gina, posting=posting)
    carol_app = JobApplication.objects.get(pk=world["c_carol_application"])
    with django_capture_on_commit_callbacks(execute=True):
        services.applications_move(
            user=frank, posting=posting, application_ids=[carol_app.pk], status="interview"
        )
    before = len(step_notices(gina.person))
    # gina cannot skip to an offer: nobody moves, nobody is told.
    with pytest.raises(ApplicationError):
        services.applications_move(
            user=frank, posting=posting, application_ids=[carol_app.pk, gina_app.pk], status="offer"
        )
    assert JobApplication.objects.get(pk=carol_app.pk).status == "interview"
    assert len(step_notices(gina.person)) == before
    with django_capture_on_commit_callbacks(execute=True):
        services.applications_move(
            user=frank, posting=posting, application_ids=[gina_app.pk], status="interview"
        )
        services.applications_move(
            user=frank, posting=posting, application_ids=[carol_app.pk, gina_app.pk], status="offer"
        )
    assert set(JobApplication.objects.filter(posting=posting).values_list("status", flat=True)) == {
        "offer"
    }
    subjects = [n.subject for n in step_notices(carol.person)]
    assert any("Interview" in s for s in subjects) and any("Offer" in s for s in subjects)
    page = client_for(carol).get("/careers/applications/")
    assert b'data-step="offer"' in page.content


def test_a_hire_is_an_enterprise_activity_for_the_student(world, frank, carol):
    posting = Posting.objects.get(pk=world["c_internship"])
    app = JobApplication.objects.get(pk=world["c_carol_application"])
    for step in ["interview", "offer", "hired"]:
        services.applications_move(
            user=frank, posting=posting, application_ids=[app.pk], status=step
        )
    activity = Activity.objects.get(kind="careers.internship_hosted")
    assert activity.beneficiary_id == carol.person_id
    assert activity.provider == "enterprise" and activity.aspect == "work"
    assert activity.actor_id == frank.person_id


def test_a_student_withdraws_and_nobody_else_can(world, carol, frank):
    app = JobApplication.objects.get(pk=world["c_carol_application"])
    with pytest.raises(ApplicationError):
        services.application_withdraw(user=frank, application=app)
    services.application_withdraw(user=carol, application=app)
    assert JobApplication.objects.get(pk=app.pk).status == ApplicationStatus.WITHDRAWN


# --- Recommendations -----------------------------------------------------------------------


def test_recommendations_rank_the_fitting_posting_first_with_its_reasons(world, carol, frank):
    partner = Organization.objects.get(pk=world["c_partner"])
    posting_for(
        frank,
        partner,
        title="Art intern",
        target_majors="Fine Art",
        cities="Lhasa",
        skills="Painting",
    )
    posting_for(
        frank,
        partner,
        title="Masters only",
        target_majors="Computer Science",
        degree_levels=["master"],
    )
    CareerProfile.objects.create(person=carol.person, skills="Python", preferred_cities="Shanghai")
    rows = selectors.recommendations_for(carol.person)
    titles = [posting.title for posting, _ in rows]
    assert titles[0] == "Data intern"
    assert "Masters only" not in titles  # carol studies for a bachelor
    assert "Art intern" not in titles[:2]
    reasons = rows[0][1].reason_labels()
    assert "Same major: Computer Science" in reasons
    assert any("Python" in r for r in reasons) and "Same city: Shanghai" in reasons


def test_students_are_recommended_to_employers_only_when_they_opt_in(world, frank, carol):
    client = client_for(frank)
    url = f"/careers/postings/{world['c_internship']}/candidates/"
    assert b"Carol Student" not in client.get(url).content
    services.career_profile_save(user=carol, open_to_employers=True, skills="SQL")
    page = client.get(url)
    assert b"Carol Student" in page.content and b"SQL" in page.content


def test_a_private_major_is_never_a_reason_shown_to_an_employer(world, frank, carol):
    person = carol.person
    person.privacy = {"education": Audience.ONLY_ME}
    person.save()
    services.career_profile_save(user=carol, open_to_employers=True)
    page = client_for(frank).get(f"/careers/postings/{world['c_internship']}/candidates/")
    assert b"Carol Student" in page.content or b"No student" in page.content
    assert b"Computer Science" not in page.content.split(b"<ol>")[-1]


def test_the_recommend_command_prints_live_postings_with_score_and_reasons(world, carol):
    out = io.StringIO()
    call_command("careers", "recommend", "--student", str(carol.person_id), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    live = set(selectors.live_postings().values_list("pk", flat=True))
    assert rows and {r["posting"] for r in rows} <= live
    assert set(rows[0]) == {"posting", "organisation", "score", "reasons"}
    assert rows == sorted(rows, key=lambda r: -r["score"])
    assert world["c_pending"] not in {r["posting"] for r in rows}


# --- Fairs ---------------------------------------------------------------------------------


def test_the_fair_report_counts_as_the_contract_says(world, frank, carol):
    Education.objects.create(
        person=f.StudentFactory(), degree_level="bachelor", school="Arts", major="Fine Art",
        entry_year=timezone.localdate().year - 1,
        expected_graduation_year=timezone.localdate().year + 3,
    )  # fmt: skip
    posting = Posting.objects.get(pk=world["c_internship"])
    app = JobApplication.objects.get(pk=world["c_carol_application"])
    for step in ["interview", "offer"]:
        services.applications_move(
            user=frank, posting=posting, application_ids=[app.pk], status=step
        )
    out = io.StringIO()
    call_command("careers", "fair-report", str(world["c_fair"]), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report == {
        "organisations": 2,
        "postings": 2,
        "openings": 2,
        "applications": 2,
        "offers": 1,
        "hires": 0,
        # carol's Computer Science is targeted; Fine Art is not.
        "majors_covered": 1,
        "majors_total": 2,
    }
    out = io.StringIO()
    call_command("careers", "fairs", "--json", stdout=out)
    [fair] = json.loads(out.getvalue())
    assert fair == {
        "id": world["c_fair"],
        "name": "Spring alumni-enterprise fair",
        "date": timezone.localdate().isoformat(),
        "status": "open",
    }


def test_signing_in_at_a_booth_by_its_qr_counts_once_in_the_ledger(world, carol):
    client = client_for(carol)
    url = f"/careers/booths/sign-in/{world['c_booth_token']}/"
    assert client.get(url).status_code == 200
    client.post(url)
    client.post(url)
    assert BoothSignIn.objects.filter(student=carol.person).count() == 1
    activity = Activity.objects.get(kind="careers.fair_booth")
    assert activity.provider == "enterprise" and activity.beneficiary_id == carol.person_id
    qr = client_for(carol).get(f"/careers/booths/{world['c_booth']}/qr.svg")
    assert qr.status_code == 404


# --- Visits --------------------------------------------------------------------------------


def test_a_visit_report_records_the_visit_and_the_office_publishes_it(world, alice, bob):
    assert Activity.objects.filter(kind="careers.visit_hosted").count() == 1
    assert b"trading floor" not in client_for(bob).get("/careers/visits/").content
    client_for(alice).post(f"/careers/visits/{world['c_visit']}/publish/")
    assert b"trading floor" in client_for(bob).get("/careers/visits/").content


def test_visits_are_to_alliance_members_on_days_to_come(world, carol):
    outsider = Organization.objects.create(name="Outside", kind="partner")
    with pytest.raises(ApplicationError):
        services.visit_sign_up(user=carol, organization=outsider, visit_on=timezone.localdate())
    partner = Organization.objects.get(pk=world["c_partner"])
    with pytest.raises(ApplicationError):
        services.visit_sign_up(
            user=carol, organization=partner, visit_on=timezone.localdate() - dt.timedelta(days=1)
        )
    member(outsider)
    assert services.visit_sign_up(user=carol, organization=outsider, visit_on=timezone.localdate())


# --- Pages in both languages ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_in_both_languages(world, carol, alice, language):
    for user, path in [
        (carol, "/careers/"),
        (carol, "/careers/recommended/"),
        (carol, "/careers/applications/"),
        (alice, "/careers/review/"),
        (alice, f"/careers/fairs/{world['c_fair']}/report/"),
        (carol, f"/careers/organisations/{world['c_partner']}/"),
    ]:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'lang="{language}"'.encode() in response.content


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_lists_read_a_number_of_queries_that_does_not_grow_with_their_rows(world, frank, alice):
    partner = Organization.objects.get(pk=world["c_partner"])
    posting = Posting.objects.get(pk=world["c_internship"])
    fair_path = f"/careers/fairs/{world['c_fair']}/"
    applicants_path = f"/careers/postings/{posting.pk}/applicants/"
    office, rep = client_for(alice), client_for(frank)
    pages = [
        (rep, applicants_path),
        (office, "/careers/organisations/"),
        (office, fair_path),
        (office, "/careers/review/"),
    ]
    before = [_queries(client, path) for client, path in pages]
    for n in range(4):
        student = f.UserFactory(person=f.StudentFactory())
        services.application_submit(user=student, posting=posting, cv=cv())
        member(Organization.objects.create(name=f"Member {n}", kind="partner"))
        posting_for(frank, partner, title=f"Waiting {n}", live=False)
    after = [_queries(client, path) for client, path in pages]
    assert after == before


def test_the_office_keeps_fairs_booths_and_agreements_in_the_admin(world, alice, frank):
    office = client_for(alice)
    for path in [
        "/admin/careers/jobfair/",
        f"/admin/careers/jobfair/{world['c_fair']}/change/",
        "/admin/careers/practicebase/add/",
        "/admin/careers/alliancemembership/",
    ]:
        assert office.get(path).status_code == 200, path
    assert client_for(frank).get("/admin/careers/jobfair/").status_code == 302


def test_applying_on_site_at_a_booth_counts_for_the_fair(world, gina, carol):
    client = client_for(gina)
    booth_page = client.get(f"/careers/booths/sign-in/{world['c_booth_token']}/")
    apply_link = f"/careers/postings/{world['c_internship']}/apply/?fair={world['c_fair']}"
    assert apply_link.encode() in booth_page.content.replace(b"&amp;", b"&")
    client.post(apply_link, {"note": "At the booth"})
    application = JobApplication.objects.get(student=gina.person)
    assert application.at_fair_id == world["c_fair"]
    # Not at a fair that is not open, nor for a posting not at its booths.
    other = posting_for(
        type(carol).objects.get(email="olga@example.edu"),
        Organization.objects.get(pk=world["c_bank"]),
        title="Not at the fair",
    )
    from alma.careers.models import JobFair

    with pytest.raises(ApplicationError):
        services.application_submit(
            user=carol, posting=other, at_fair=JobFair.objects.get(pk=world["c_fair"])
        )


def test_representatives_keep_their_page_and_its_other_names_count_alumni(world, frank, carol):
    client = client_for(frank)
    response = client.post(
        f"/careers/organisations/{world['c_partner']}/edit/",
        {
            "industry": "Fintech",
            "aliases": "PCo\nPCo\n合作公司",
            "size": "large",
            "cities": "Xiamen",
        },
    )
    assert response.status_code == 302
    partner = Organization.objects.get(pk=world["c_partner"])
    assert partner.industry == "Fintech" and partner.aliases == "PCo\n合作公司"
    assert partner.alliance_membership.size == "large"
    other = f.EmploymentFactory(
        person=f.AlumnusFactory(), organization_name="合作公司", is_current=True
    )
    assert selectors.alumni_working_at(carol, partner) == 0  # until the office confirms
    services.employer_link_decide(
        user=career_officer(), employment=other, organization=partner, confirm=True
    )
    assert selectors.alumni_working_at(carol, partner) == 1
    bank = client.post(f"/careers/organisations/{world['c_bank']}/edit/", {"industry": "X"})
    assert bank.status_code == 404
    assert Organization.objects.get(pk=world["c_bank"]).industry == "Banking"


def test_each_student_hears_of_a_step_in_their_own_language_not_the_movers(
    world, frank, carol, gina, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from alma.comms.models import MailSettings

    MailSettings.objects.create(person=carol.person, language="en")
    MailSettings.objects.create(person=gina.person, language="zh-hans")
    posting = Posting.objects.get(pk=world["c_internship"])
    gina_app = services.application_submit(user=gina, posting=posting)
    carol_app = JobApplication.objects.get(pk=world["c_carol_application"])
    ids = [carol_app.pk, gina_app.pk]
    # frank works in Chinese: carol still hears in English, gina in Chinese.
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.applications_move(
            user=frank, posting=posting, application_ids=ids, status="interview"
        )
    assert step_notices(carol.person)[-1].subject == "Your application to “Data intern”: Interview"
    assert step_notices(gina.person)[-1].subject == "您申请的“Data intern”：面试"
    # And the other way round.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.applications_move(user=frank, posting=posting, application_ids=ids, status="offer")
    assert step_notices(carol.person)[-1].subject == "Your application to “Data intern”: Offer"
    assert step_notices(gina.person)[-1].subject == "您申请的“Data intern”：录用通知"


# --- A fair is an event ---------------------------------------------------------------------


def test_the_office_creates_a_fair_and_its_event_in_the_calendar_together(world, alice, carol):
    from alma.careers.models import JobFair

    day = timezone.localdate() + dt.timedelta(days=40)
    response = client_for(alice).post(
        "/careers/fairs/new/",
        {"name": "Summer fair", "date": day.isoformat(), "venue": "Library hall"},
    )
    fair = JobFair.objects.get(name="Summer fair")
    assert response.status_code == 302 and response["Location"] == f"/careers/fairs/{fair.pk}/"
    event = fair.event
    assert event.kind == "job_fair" and event.title == "Summer fair"
    assert event.venue == "Library hall" and timezone.localtime(event.starts_at).date() == day
    assert event.created_by == alice.person
    # Students find it in the events calendar and register there; the fair page links to it.
    assert "Summer fair" in client_for(carol).get("/events/").content.decode()
    page = client_for(carol).get(f"/careers/fairs/{fair.pk}/").content.decode()
    assert f'href="/events/{event.pk}/"' in page


def test_the_career_office_creates_fairs_and_nobody_else_does(world, frank, bob):
    from alma.careers.models import JobFair
    from alma.events.models import Event

    kai = career_officer()
    day = timezone.localdate() + dt.timedelta(days=10)
    fair = services.fair_create(user=kai, name="Kai's fair", date=day, venue="Gym")
    assert fair.event.kind == "job_fair"
    fairs, events = JobFair.objects.count(), Event.objects.count()
    for user in (frank, bob):
        with pytest.raises(ApplicationError):
            services.fair_create(user=user, name="Not mine", date=day, venue="Gym")
    assert client_for(frank).get("/careers/fairs/new/").status_code == 403
    # Bad input: a clear message, and neither the fair nor its event is written.
    with pytest.raises(ApplicationError) as error:
        services.fair_create(user=kai, name="Nowhere fair", date=day, venue=" ")
    assert error.value.field == "venue"
    response = client_for(kai).post(
        "/careers/fairs/new/", {"name": "  ", "date": day.isoformat(), "venue": "Gym"}
    )
    assert response.status_code == 200
    assert (JobFair.objects.count(), Event.objects.count()) == (fairs, events)


# --- Uncertain employer links ---------------------------------------------------------------


def test_the_office_confirms_or_rejects_uncertain_employer_links_once(world, alice, carol, frank):
    partner = Organization.objects.get(pk=world["c_partner"])
    partner.aliases = "PCo\nPartner Co"  # the name itself is no alias
    partner.save()
    sure = f.EmploymentFactory(
        person=f.AlumnusFactory(), organization_name="PARTNER CO", is_current=True
    )
    linked = f.EmploymentFactory(
        person=f.AlumnusFactory(), organization=partner, organization_name="PCo", is_current=True
    )
    yes = f.EmploymentFactory(
        person=f.AlumnusFactory(full_name="Yan Yes"), organization_name="pco", is_current=True
    )
    no = f.EmploymentFactory(
        person=f.AlumnusFactory(full_name="Nora No"), organization_name="PCo", is_current=True
    )
    uma = world["c_uncertain_employment"]
    queue = selectors.employer_links_uncertain(alice)
    assert [(e.pk, o.pk) for e, o in queue] == [
        (uma, world["c_bank"]),
        (yes.pk, partner.pk),
        (no.pk, partner.pk),
    ]
    assert selectors.employer_links_uncertain_count() == 3
    assert sure.pk not in [e.pk for e, _o in queue] and linked.pk not in [e.pk for e, _o in queue]
    page = client_for(alice).get("/careers/employer-links/").content.decode()
    assert "Yan Yes" in page and "Nora No" in page
    assert client_for(frank).get("/careers/employer-links/").status_code == 403
    with pytest.raises(ApplicationError):
        services.employer_link_decide(
            user=frank, employment=yes, organization=partner, confirm=True
        )
    before = selectors.alumni_working_at(alice, partner)
    client = client_for(alice)
    client.post(
        "/careers/employer-links/",
        {"employment": yes.pk, "organization": partner.pk, "decision": "confirm"},
    )
    client.post(
        "/careers/employer-links/",
        {"employment": no.pk, "organization": partner.pk, "decision": "reject"},
    )
    assert selectors.alumni_working_at(alice, partner) == before + 1
    assert [e.pk for e, _o in selectors.employer_links_uncertain(alice)] == [uma]
    assert selectors.employer_links_uncertain_count() == 1
    # A decided link is not decided again; a rejected one never comes back...
    with pytest.raises(ApplicationError):
        services.employer_link_decide(user=alice, employment=no, organization=partner, confirm=True)
    partner.aliases = "PCo\nP. Co"
    partner.save()
    assert [e.pk for e, _o in selectors.employer_links_uncertain(alice)] == [uma]
    # ...unless the record names another employer since (then it is a new question).
    no.organization_name = "P. Co"
    no.save()
    assert [e.pk for e, _o in selectors.employer_links_uncertain(alice)] == [uma, no.pk]


def test_the_office_home_lists_the_employer_link_queue(world, alice):
    home = client_for(alice).get("/").content.decode()
    assert "Uncertain employer links to confirm" in home
    assert "/careers/employer-links/" in home
