"""Segments: saved directory searches that the alumni office lists, edits, opens and exports."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alma.directory.search import clean_query
from alma.imports import export as exporting
from alma.imports import views
from alma.imports.models import ExportLog, Segment
from alma.people.models import Audience
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

CITY = "Segmentville"
SEGMENTS = "/imports/segments/"


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def townsperson(name: str, **privacy: str) -> object:
    """An alumnus of Segmentville, in the directory for everyone signed in."""
    person = f.AlumnusFactory(
        full_name=name, current_city=CITY, privacy={"profile": Audience.SIGNED_IN, **privacy}
    )
    return person


@pytest.fixture
def town(db):
    """Three people of one city who keep their employment from different audiences."""
    shy = townsperson("Shy Townsperson", employment=Audience.ONLY_ME)
    f.EmploymentFactory(person=shy, organization_name="Secret Corp", title="Spy")
    discreet = townsperson("Discreet Townsperson", employment=Audience.ALUMNI_OFFICE)
    f.EmploymentFactory(person=discreet, organization_name="Office Corp", title="Clerk")
    open_ = townsperson("Open Townsperson", employment=Audience.MEMBERS)
    f.EmploymentFactory(person=open_, organization_name="Open Corp", title="Engineer")
    return shy, discreet, open_


@pytest.fixture
def segment(town, alice):
    return exporting.segment_create(
        name="Segmentville alumni",
        description="Everyone in town",
        query=clean_query({"city": [CITY]}),
        by=alice,
    )


def test_the_directory_offers_the_office_to_save_its_search(town, alice, bob):
    page = client_for(alice).get(f"/directory/?city={CITY}").content.decode()
    assert f"/imports/segments/new/?city={CITY}" in page and "Save as segment" in page
    assert "/imports/segments/new/" not in client_for(bob).get("/directory/").content.decode()


def test_the_office_saves_a_search_as_a_segment(town, alice):
    client = client_for(alice)
    url = f"{SEGMENTS}new/?city={CITY}&sort=name&page=3&unknown=x"
    form = client.get(url).content.decode()
    assert CITY in form and "3" in form  # the search and how many it finds now
    response = client.post(url, {"name": "  Town  ", "description": "For the mayor"})
    assert response.status_code == 302 and response.url == SEGMENTS
    segment = Segment.objects.get()
    assert segment.name == "Town" and segment.description == "For the mayor"
    # The page number and unknown parameters are not part of the search.
    assert segment.query == {"city": [CITY], "sort": "name"}
    assert segment.created_by == alice
    listing = client.get(SEGMENTS).content.decode()
    assert "Town" in listing and f"City: {CITY}" in listing


def test_a_segment_is_searched_again_whenever_it_is_used(segment, town, alice):
    client = client_for(alice)
    shy, _discreet, _open = town
    assert ">3</a>" in client.get(SEGMENTS).content.decode()
    newcomer = townsperson("Newcomer Townsperson")
    shy.privacy = {"profile": Audience.ONLY_ME}
    shy.save()
    ids = {r["id"] for r in read_csv(client.get(f"{SEGMENTS}{segment.pk}/export/").content)}
    assert str(newcomer.pk) in ids and str(shy.pk) not in ids and len(ids) == 3
    assert ">3</a>" in client.get(SEGMENTS).content.decode()


def test_rename_and_describe_a_segment(segment, alice):
    client = client_for(alice)
    other = exporting.segment_create(name="Other", description="", query=clean_query({}), by=alice)
    assert client.get(f"{SEGMENTS}{segment.pk}/").status_code == 200
    response = client.post(f"{SEGMENTS}{segment.pk}/", {"name": "Town", "description": "New"})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.description) == ("Town", "New")
    assert segment.query == {"city": [CITY]}  # editing never changes the search
    # A name already taken is refused, with nothing changed.
    response = client.post(f"{SEGMENTS}{other.pk}/", {"name": "Town", "description": "x"})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    other.refresh_from_db()
    assert (other.name, other.description) == ("Other", "")


def test_a_name_is_required_and_unique_in_the_service_too(segment, alice):
    from alma.lib.errors import ApplicationError

    with pytest.raises(ApplicationError):
        exporting.segment_create(name=" ", description="", query=clean_query({}), by=alice)
    with pytest.raises(ApplicationError):
        exporting.segment_create(name=segment.name, description="", query=clean_query({}), by=alice)
    assert Segment.objects.count() == 1


def test_delete_a_segment_keeps_its_export_logs(segment, alice):
    client = client_for(alice)
    client.get(f"{SEGMENTS}{segment.pk}/export/")
    asked = client.get(f"{SEGMENTS}{segment.pk}/delete/")
    assert asked.status_code == 200 and segment.name in asked.content.decode()
    assert Segment.objects.exists()  # asking deletes nothing
    response = client.post(f"{SEGMENTS}{segment.pk}/delete/")
    assert response.status_code == 302 and response.url == SEGMENTS
    assert not Segment.objects.exists()
    log = ExportLog.objects.get()
    assert log.segment is None and log.query["filters"] == {"city": [CITY]}


def test_open_goes_to_the_directory_with_the_search(alice):
    segment = exporting.segment_create(
        name="Engineers",
        description="",
        query=clean_query({"q": "engineer", "degree": ["master"], "sort": "name"}),
        by=alice,
    )
    response = client_for(alice).get(f"{SEGMENTS}{segment.pk}/open/")
    assert response.status_code == 302
    assert response.url == "/directory/?q=engineer&degree=master&sort=name"
    # What was stored is cleaned again on use: a value the page would drop never reaches it.
    Segment.objects.filter(pk=segment.pk).update(query={"year": ["x"], "sort": "evil"})
    assert client_for(alice).get(f"{SEGMENTS}{segment.pk}/open/").url == "/directory/"


def test_the_export_leaves_out_what_the_exporter_may_not_see(segment, town, alice, bob):
    shy, discreet, open_ = town
    response = client_for(alice).get(f"{SEGMENTS}{segment.pk}/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"alma-segment-{segment.pk}-" in response["Content-Disposition"]
    rows = {r["id"]: r for r in read_csv(response.content)}
    assert set(rows) == {str(shy.pk), str(discreet.pk), str(open_.pk)}
    # Only me: not even the alumni office.
    assert rows[str(shy.pk)]["employment"] == ""
    assert "Secret Corp" not in response.content.decode("utf-8-sig")
    assert rows[str(discreet.pk)]["employment"] == "Clerk @ Office Corp"
    assert rows[str(open_.pk)]["employment"] == "Engineer @ Open Corp"
    # The segment is seen with the privacy of whoever exports it: staff do not see what
    # a person keeps for the alumni office.
    export = exporting.segment_export(viewer=bob, segment=segment, format="csv")
    by_id = {row[0]: dict(zip(export.columns, row, strict=True)) for row in export.rows}
    assert by_id[discreet.pk]["employment"] == "" and by_id[shy.pk]["employment"] == ""
    assert by_id[open_.pk]["employment"] == "Engineer @ Open Corp"
    assert "phone" not in export.columns  # alumni office only, and none of them is bob


def test_a_column_nobody_in_the_segment_shows_is_left_out(town, alice):
    shy, _discreet, _open = town
    segment = exporting.segment_create(
        name="Shy ones", description="", query=clean_query({"q": "Shy", "city": [CITY]}), by=alice
    )
    response = client_for(alice).get(f"{SEGMENTS}{segment.pk}/export/?format=csv")
    rows = read_csv(response.content)
    assert [r["id"] for r in rows] == [str(shy.pk)]
    assert "employment" not in rows[0] and "phone" in rows[0]


def test_segment_exports_escape_formulas(segment, alice):
    evil = townsperson('=HYPERLINK("http://x")', about=Audience.SIGNED_IN)
    evil.headline = "@SUM(A1)"
    evil.phone = "+8613900000000"
    evil.save()
    client = client_for(alice)
    rows = {r["id"]: r for r in read_csv(client.get(f"{SEGMENTS}{segment.pk}/export/").content)}
    assert rows[str(evil.pk)]["full_name"] == '\'=HYPERLINK("http://x")'
    assert rows[str(evil.pk)]["headline"] == "'@SUM(A1)"
    assert rows[str(evil.pk)]["phone"] == "'+8613900000000"
    response = client.get(f"{SEGMENTS}{segment.pk}/export/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == segment.name
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == evil.pk)
    values = dict(zip(header, [c.value for c in row], strict=True))
    assert values["full_name"] == '\'=HYPERLINK("http://x")'
    assert row[header.index("full_name")].data_type == "s"


def test_sheet_names_excel_refuses_are_cleaned(alice, town):
    segment = exporting.segment_create(
        name="Town [2024]: a/b?*" + "x" * 40, description="", query=clean_query({}), by=alice
    )
    response = client_for(alice).get(f"{SEGMENTS}{segment.pk}/export/?format=xlsx")
    title = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].title
    assert title.startswith("Town  2024") and len(title) <= 31


def test_every_segment_export_is_logged(segment, alice):
    client = client_for(alice)
    rows = read_csv(client.get(f"{SEGMENTS}{segment.pk}/export/?format=csv").content)
    client.get(f"{SEGMENTS}{segment.pk}/export/?format=xlsx")
    csv_log, xlsx_log = ExportLog.objects.order_by("id")
    assert csv_log.segment == segment and csv_log.exported_by == alice
    assert csv_log.format == "csv" and xlsx_log.format == "xlsx"
    assert csv_log.row_count == len(rows) == 3
    assert csv_log.query == {"q": "", "filters": {"city": [CITY]}, "sort": "relevance"}
    assert "employment" in csv_log.fields and "full_name" in csv_log.fields
    assert list(segment.exports.order_by("id")) == [csv_log, xlsx_log]


def test_the_list_costs_one_search_per_segment_on_a_bounded_page(alice, monkeypatch):
    monkeypatch.setattr(views, "SEGMENTS_PAGE_SIZE", 3)
    client = client_for(alice)
    client.get(SEGMENTS)  # warm caches (sessions, content types)

    def cost_with(name: str) -> int:
        exporting.segment_create(name=name, description="", query=clean_query({}), by=alice)
        client.get(SEGMENTS)  # what a process reads once (names of reference values) is read here
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEGMENTS).status_code == 200
        return len(queries)

    one, two, three, four = (cost_with(name) for name in "ABCD")
    assert two - one == three - two > 0  # each segment on the page: its search, nothing more
    assert four == three  # the fourth is on the next page
    assert three - two <= 3  # a browse reads the maintained counts, then one page of ids


DENIED = ["bob", "carol", "dave", "erin", "frank", "gina", "hank"]


@pytest.mark.parametrize("persona", ["anonymous", *DENIED])
def test_segments_are_for_the_alumni_office_only(persona, request, segment):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    denied = 302 if user is None else 403
    for url in [
        SEGMENTS,
        f"{SEGMENTS}new/?city={CITY}",
        f"{SEGMENTS}{segment.pk}/",
        f"{SEGMENTS}{segment.pk}/open/",
        f"{SEGMENTS}{segment.pk}/export/?format=csv",
        f"{SEGMENTS}{segment.pk}/export/?format=xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == denied, url
        if user is None:
            assert response.url.startswith("/accounts/login/")
    assert client.post(f"{SEGMENTS}new/?city={CITY}", {"name": "Mine"}).status_code == denied
    assert client.post(f"{SEGMENTS}{segment.pk}/", {"name": "Mine"}).status_code == denied
    assert client.post(f"{SEGMENTS}{segment.pk}/delete/").status_code == denied
    assert list(Segment.objects.values_list("name", flat=True)) == ["Segmentville alumni"]
    assert not ExportLog.objects.exists()
