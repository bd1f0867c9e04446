"""Text a database cannot store (NUL, half a surrogate pair) is a clear error wherever it comes in:
a 422 from the API, a message on pages, a row error in imports; nothing is written. Dates of
birth outside 1900..today are refused by the profile form, the API and the import alike."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from alma.imports.fields import propose_mapping
from alma.imports.people_import import people_import
from alma.imports.reading import read_table
from alma.imports.tests.sheets import GOOD_ROWS, csv_bytes
from alma.lib.text import unstorable_reason
from alma.people.models import Person
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_the_rule():
    assert unstorable_reason("张伟 Zhang Wei\t\n") is None
    assert "NUL" in str(unstorable_reason("a\x00b"))
    assert "Unicode" in str(unstorable_reason("a\ud800b"))


def test_a_nul_or_a_lone_surrogate_in_an_api_body_is_422_naming_the_field(carol):
    before = Person.objects.get(pk=carol.person_id)
    for body in ('{"headline": "new\\u0000headline"}', '{"bio": "half a pair \\ud800"}'):
        response = client_for(carol).patch("/api/people/me", body, content_type="application/json")
        assert response.status_code == 422, body
        (problem,) = response.json()["detail"]
        assert problem["loc"] in (["body", "headline"], ["body", "bio"])
    after = Person.objects.get(pk=carol.person_id)
    assert (after.headline, after.bio) == (before.headline, before.bio)


def test_a_nul_in_an_api_search_or_filter_is_422(dave):
    for query in ("q=a%00b", "city=Shang%00hai", "year=2000%00"):
        response = client_for(dave).get(f"/api/people/search?{query}")
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_nul_in_a_page_search_is_a_clear_message(dave):
    response = client_for(dave).get("/directory/?q=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_posted_form_goes_back_with_a_message_and_changes_nothing(carol):
    client = client_for(carol)
    before = Person.objects.get(pk=carol.person_id).headline
    response = client.post(
        "/people/me/edit/",
        {"full_name": "x", "headline": "bad\x00"},
        HTTP_REFERER="http://testserver/people/me/edit/",
        follow=True,
    )
    assert "NUL" in response.content.decode()
    assert Person.objects.get(pk=carol.person_id).headline == before


def test_a_nul_in_an_imported_cell_is_a_row_error_and_writes_nothing():
    bad = list(GOOD_ROWS[1])
    bad[6] = "金\x00融"  # 专业
    table = read_table(csv_bytes([GOOD_ROWS[0], bad], encoding="utf-8"), filename="p.csv")
    report = people_import(table=table, mapping=propose_mapping(table.headers))
    assert [(e.row, e.column) for e in report.errors] == [(3, "专业")]
    assert "NUL" in report.errors[0].message
    assert not report.committed
    assert not Person.objects.exists()


def test_the_import_command_reports_a_nul_cell_as_a_row_error(tmp_path, capsys):
    bad = list(GOOD_ROWS[0])
    bad[0] = "张\x00伟"
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([bad], encoding="utf-8"))
    with pytest.raises(SystemExit):
        call_command("import", "people", str(path), "--json", verbosity=0)
    report = json.loads(capsys.readouterr().out)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(2, "姓名")]
    assert not Person.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_date_of_birth_out_of_range_is_refused_by_api_form_and_import(carol, day):
    response = client_for(carol).patch(
        "/api/people/me", {"date_of_birth": day}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "date_of_birth"]

    response = client_for(carol).post("/people/me/edit/", {"full_name": "x", "date_of_birth": day})
    assert response.status_code == 200  # the form again, with the error
    assert "A date of birth must be between 1900-01-01 and today." in response.content.decode()
    assert Person.objects.get(pk=carol.person_id).date_of_birth != dt.date.fromisoformat(day)

    row = list(GOOD_ROWS[0])
    row[3] = day
    table = read_table(csv_bytes([row], encoding="utf-8"), filename="p.csv")
    report = people_import(table=table, mapping=propose_mapping(table.headers))
    assert [(e.row, e.column) for e in report.errors] == [(2, "出生日期")]


def test_a_plausible_date_of_birth_is_kept(carol):
    response = client_for(carol).patch(
        "/api/people/me", {"date_of_birth": "1990-02-28"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Person.objects.get(pk=carol.person_id).date_of_birth == dt.date(1990, 2, 28)
