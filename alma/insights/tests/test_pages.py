"""Insights pages, exports, PDF, API and commands, as the office and staff use them."""

import datetime as dt
import io
import json
import re
import zlib

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from alma.insights.models import RollupState
from alma.insights.services import rollups_refresh
from alma.insights.tests.world import person, record, row, staff
from alma.people.models import Audience, Post, Stage
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db
# Second-year students, whatever the year: in school, not yet leaving.
ENTRY = timezone.localdate().year - 1


@pytest.fixture
def school(test_kinds):
    """Twelve engineering students served in study by teachers (one rated), two arts
    students served by the alumni office once, and an alumnus mentor and giver."""
    teacher = staff(Post.TEACHING)
    office = staff(Post.ALUMNI_OFFICE)
    engineers = [
        person(Stage.STUDENT, entry_year=ENTRY, full_name=f"Engineer {i}") for i in range(12)
    ]
    hidden = person(
        Stage.STUDENT,
        entry_year=ENTRY,
        full_name="Hidden Student",
        privacy={"profile": Audience.ONLY_ME},
    )
    artists = [
        person(Stage.STUDENT, entry_year=ENTRY, school="School of Arts", major="Painting")
        for _ in range(2)
    ]
    mentor = person(Stage.ALUMNUS, graduation_year=2015, full_name="Mentor Alumna")
    now = timezone.now()
    rows = [
        row("staff.service", actor=teacher, beneficiary=s, when=now, rating=5 if i == 0 else None)
        for i, s in enumerate([*engineers, hidden])
    ]
    rows += [row("staff.service", actor=office, beneficiary=a, when=now) for a in artists]
    rows += [
        row("mentoring.meeting", actor=mentor, beneficiary=engineers[0], when=now),
        row("testing.gift", actor=mentor, when=now),
    ]
    record(rows)
    rollups_refresh()
    return {"engineers": engineers, "hidden": hidden, "artists": artists, "mentor": mentor}


def test_the_office_sees_the_matrix_blind_spots_and_a_linked_chart(alice, school):
    response = client_for(alice).get(f"/insights/?entry_year={ENTRY}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "15 people in this cohort" in page
    # The heatmap is an SVG drawn on the server whose cells open the students behind them.
    assert "<svg" in page and "<script" not in page.split("<main")[1]
    # Under the Content-Security-Policy (no inline style) the chart keeps its colours.
    assert not re.search(r"\sstyle\s*=", page) and 'fill="#' in page
    assert f"/insights/students/?entry_year={ENTRY}&amp;stage=in_school&amp;aspect=study" in page
    spots = response.context["spots"]
    texts = [spot.text for spot, _url in spots]
    assert any("received nothing in life" in t for t in texts)
    assert any("No alumni mentor studied Painting" in t for t in texts)
    # The office sees the two arts students served by the office exactly.
    office_cell = response.context["view"].coverage.cell("in_school", "study", "alumni_office")
    assert office_cell.served == 2 and not office_cell.suppressed


def test_staff_see_small_cells_hidden(bob, school):
    response = client_for(bob).get(f"/insights/?entry_year={ENTRY}")
    assert response.status_code == 200
    coverage = response.context["view"].coverage
    small = coverage.cell("in_school", "study", "alumni_office")
    assert small.suppressed and small.served is None and small.share is None
    big = coverage.cell("in_school", "study", "teaching")
    assert big.served == 13 and big.mean_rating == 5.0
    assert "Groups of fewer than 5 people are hidden." in response.content.decode()


def test_bad_filters_get_a_clear_message_not_a_500(alice, school):
    response = client_for(alice).get("/insights/?entry_year=soon")
    assert response.status_code == 400
    assert "A year is a number" in response.content.decode()
    response = client_for(alice).get("/insights/students/?stage=moon")
    assert response.status_code == 400


def test_a_cell_drills_down_to_its_students_and_services_through_privacy(bob, school):
    response = client_for(bob).get(
        f"/insights/students/?entry_year={ENTRY}&stage=in_school&aspect=study"
        "&provider=teaching&served=1"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Engineer 0" in page and "Engineer 11" in page
    assert "Hidden Student" not in page
    assert "13 students." in page and "1 of them keeps their profile from you." in page
    assert "Service given by staff" in page and "rated 5/5" in page
    assert "Painting" not in page


def test_students_who_received_nothing_are_listed(alice, school):
    response = client_for(alice).get(
        f"/insights/students/?entry_year={ENTRY}&stage=in_school&aspect=life&served=0"
    )
    page = response.content.decode()
    assert "Engineer 3" in page and "15 students." in page


def test_coverage_exports_as_csv_and_xlsx_with_the_viewers_numbers(bob, school):
    client = client_for(bob)
    csv_text = client.get(f"/insights/coverage/export/?entry_year={ENTRY}&format=csv")
    text = csv_text.content.decode("utf-8-sig")
    assert csv_text["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Stage,Aspect,Provider,Students served")
    assert "In school,Study,Alumni office,fewer than 5,15" in text
    # A row per stage (4) x aspect (3) x provider (7, enterprise included), after the header.
    assert len(text.strip().splitlines()) == 1 + 84
    xlsx = client.get(f"/insights/coverage/export/?entry_year={ENTRY}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 85
    assert client.get("/insights/coverage/export/?format=pdf").status_code == 400


def test_aem_page_and_engaged_alumni(alice, school):
    response = client_for(alice).get("/insights/engagement/")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.overall == 1 and report.modes["philanthropic"] == 1
    assert report.modes["volunteer"] == 1
    people = client_for(alice).get(response.context["mode_urls"]["philanthropic"])
    assert "Mentor Alumna" in people.content.decode()
    export = client_for(alice).get("/insights/engagement/export/?format=csv")
    assert "Alumni of record" in export.content.decode("utf-8-sig")


def test_staff_do_not_see_who_makes_up_a_group_of_fewer_than_five(bob, school):
    response = client_for(bob).get("/insights/engagement/alumni/")
    assert "Mentor Alumna" not in response.content.decode()


def _pdf_fonts(pdf: bytes) -> set[str]:
    text = b""
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            text += zlib.decompressobj().decompress(pdf[match.end() : match.end() + 500_000])
        except zlib.error:
            continue
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/([^\s/<>]+)", text)}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_annual_report_is_a_pdf_in_both_languages(bob, school, language):
    response = client_for(bob).get(f"/insights/report.pdf?language={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = _pdf_fonts(response.content)
    if language == "zh-hans":
        # Chinese is set in a CJK font, not left as empty boxes.
        assert any("CJK" in name for name in fonts), fonts


def test_the_office_sees_an_alumnus_engagement_and_why(alice, bob, school):
    mentor = school["mentor"]
    response = client_for(alice).get(f"/insights/people/{mentor.pk}/engagement/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mentoring meeting: once" in page and "Gift: once" in page
    assert "Engaged this fiscal year." in page
    assert client_for(bob).get(f"/insights/people/{mentor.pk}/engagement/").status_code == 403
    profile = client_for(alice).get(f"/people/{mentor.pk}/").content.decode()
    assert f"/insights/people/{mentor.pk}/engagement/" in profile


def test_the_api_answers_the_contract_for_staff_and_refuses_students(bob, carol, school):
    response = client_for(bob).get(f"/api/insights/coverage?entry_year={ENTRY}")
    assert response.status_code == 200
    body = response.json()
    assert len(body["cells"]) == 84 and body["suppressed"] is True
    assert {"text", "stage", "aspect", "provider", "share"} <= set(body["blind_spots"][0])
    assert client_for(carol).get("/api/insights/coverage").status_code == 403
    assert client_for(bob).get("/api/insights/aem").json()["overall"] == 1
    bad = client_for(bob).get("/api/insights/coverage?entry_year=abc")
    assert bad.status_code == 422


def test_the_commands_print_the_contract(school, capsys):
    call_command("insights", "coverage", "--entry-year", f"{ENTRY}", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["cells"]) == 84
    cell = next(
        c
        for c in payload["cells"]
        if (c["stage"], c["aspect"], c["provider"]) == ("in_school", "study", "teaching")
    )
    assert cell == {
        "stage": "in_school",
        "aspect": "study",
        "provider": "teaching",
        "served": 13,
        "cohort": 15,
        "share": pytest.approx(13 / 15),
        "per_student": pytest.approx(13 / 15),
        "mean_rating": 5.0,
    }
    assert all(
        c["mean_rating"] is None for c in payload["cells"] if c["provider"] == "alumni_office"
    )
    assert payload["blind_spots"] and set(payload["blind_spots"][0]) >= {
        "text",
        "stage",
        "aspect",
        "provider",
        "share",
    }
    from alma.insights.periods import current_fiscal_year

    year = current_fiscal_year()
    call_command("insights", "aem", "--fiscal-year", str(year), "--json")
    aem = json.loads(capsys.readouterr().out)
    assert set(aem) == {"fiscal_year", "alumni_of_record", "modes", "overall", "per_staff_fte"}
    assert aem["overall"] == 1 and aem["modes"]["volunteer"] == 1


def test_a_stale_page_asks_the_worker_to_refresh_once(
    alice, school, django_capture_on_commit_callbacks
):
    RollupState.objects.update(refreshed_at=timezone.now() - dt.timedelta(days=1))
    client: Client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get("/insights/")
        client.get("/insights/")
    assert len(callbacks) == 1  # one job queued, not one per page view
    state = RollupState.objects.get()
    assert state.requested_at is None and state.refreshed_at > timezone.now() - dt.timedelta(
        minutes=1
    )


def test_the_students_page_reads_a_bounded_number_of_queries(alice, school):
    url = (
        f"/insights/students/?entry_year={ENTRY}&stage=in_school&aspect=study"
        "&provider=teaching&served=1"
    )
    client = client_for(alice)
    client.get(url)  # sessions, roles and content types warm
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    teacher = staff(Post.TEACHING)
    more = [person(Stage.STUDENT, entry_year=ENTRY) for _ in range(20)]
    record([row("staff.service", actor=teacher, beneficiary=p, when=timezone.now()) for p in more])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "33 students." in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
