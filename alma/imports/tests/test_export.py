"""Exports: the directory search as the exporting user sees it, formula-safe, logged."""

import csv
import io

import openpyxl
import pytest

from alma.imports.export import escape_cell
from alma.imports.models import ExportLog
from alma.people.models import Audience, Person
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_escaped(text):
    assert escape_cell(text) == "'" + text
    assert escape_cell("plain") == "plain" and escape_cell(5) == 5 and escape_cell(None) == ""


@pytest.fixture
def people(db):
    evil = f.AlumnusFactory(
        full_name='=HYPERLINK("http://x")',
        headline="@evil",
        phone="+8613900000000",
        privacy={"profile": "signed_in", "about": "signed_in"},
    )
    open_ = f.AlumnusFactory(
        full_name="Open Person",
        email="open@example.com",
        privacy={"profile": "signed_in", "email": "signed_in"},
    )
    hidden = f.AlumnusFactory(full_name="Hidden Person", privacy={"profile": Audience.ONLY_ME})
    return evil, open_, hidden


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_escapes_and_keeps_privacy(people, bob):
    evil, open_, hidden = people
    response = client_for(bob).get("/imports/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {r["id"]: r for r in read_csv(response.content)}
    assert str(hidden.pk) not in rows
    assert rows[str(evil.pk)]["full_name"] == '\'=HYPERLINK("http://x")'
    assert rows[str(evil.pk)]["headline"] == "'@evil"
    # bob (staff) may see open's email, nobody's phone (alumni office only by default)
    assert rows[str(open_.pk)]["email"] == "open@example.com"
    assert rows[str(evil.pk)]["email"] == ""
    assert rows[str(evil.pk)]["phone"] == ""  # the column is there only for bob's own record
    log = ExportLog.objects.get()
    assert log.exported_by == bob and log.format == "csv" and log.row_count == len(rows)
    assert "email" in log.fields and "date_of_birth" in log.fields  # his own


def test_alumni_office_sees_more_and_xlsx_keeps_text(people, alice):
    evil, _open, _hidden = people
    response = client_for(alice).get("/imports/export/?format=xlsx&q=HYPERLINK")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert "phone" in header and values["phone"] == "'+8613900000000"
    assert values["full_name"] == '\'=HYPERLINK("http://x")' and sheet.cell(2, 2).data_type == "s"
    assert sheet.max_row == 2


@pytest.mark.parametrize("persona", ["carol", "dave", "erin", "frank", "gina", "hank"])
def test_export_is_for_staff(persona, request):
    assert client_for(request.getfixturevalue(persona)).get("/imports/export/").status_code == 403


def test_export_follows_the_search_order_and_logs_it(bob):
    """The export lists people in the order the directory page shows them, for either sort."""
    from alma.directory.search import DirectoryQuery, directory_search

    visible = {"profile": "signed_in", "employment": "signed_in"}
    f.AlumnusFactory(full_name="Zoe Smith", privacy=visible)
    adam = f.AlumnusFactory(full_name="Adam Jones", privacy=visible)
    f.EmploymentFactory(person=adam, organization_name="Smith Tools")
    client = client_for(bob)
    orders = {}
    for sort in ("relevance", "name"):
        page = directory_search(viewer=bob, query=DirectoryQuery(text="smith", sort=sort))
        shown = [Person.objects.get(pk=pk).full_name for pk in page.person_ids]
        exported = read_csv(client.get(f"/imports/export/?format=csv&q=smith&sort={sort}").content)
        assert [r["full_name"] for r in exported] == shown
        orders[sort] = shown
    assert orders["relevance"] != orders["name"]  # the two sorts do differ on these names
    assert [log.query["sort"] for log in ExportLog.objects.order_by("pk")] == ["relevance", "name"]
