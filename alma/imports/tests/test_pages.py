"""The import pages: upload, mapping, preview with errors, errors CSV, commit inline and as a job."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alma.imports.models import ImportBatch, ImportMapping
from alma.imports.services import batch_path, uploads_dir
from alma.imports.tests.sheets import GOOD_ROWS, csv_bytes, many_rows, xlsx_bytes
from alma.lib.errors import ApplicationError
from alma.people.models import Person
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ALMA_IMPORTS_DIR = tmp_path / "imports"


def upload(client, data: bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"file": SimpleUploadedFile(name, data)})


def test_the_whole_flow_with_errors_then_skip(alice):
    client = client_for(alice)
    bad = ["乙", "", "", "1990-13-01", "", "", "", "", "", "", "", "", "", ""]
    response = upload(client, csv_bytes([*GOOD_ROWS, bad]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{batch.pk}/"
    # stored outside media, readable by the owner only
    assert batch_path(batch).parent == uploads_dir()
    assert oct(batch_path(batch).stat().st_mode & 0o777) == "0o600"
    page = client.get(f"/imports/{batch.pk}/")
    assert page.status_code == 200 and "计算机学院" in page.content.decode()
    columns = {
        f"col_{i}": field
        for i, field in enumerate(
            [
                "full_name",
                "student_number",
                "gender",
                "date_of_birth",
                "graduation_year",
                "school",
                "major",
                "degree_level",
                "organization_name",
                "title",
                "industry",
                "phone",
                "email",
                "current_city",
            ]
        )
    }
    response = client.post(f"/imports/{batch.pk}/", {**columns, "save_as": "registrar"})
    assert response.status_code == 302
    assert ImportMapping.objects.get(name="registrar").columns["姓名"] == "full_name"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "not a date" in page and "Download all problems" in page
    errors = list(
        csv.reader(
            io.StringIO(client.get(f"/imports/{batch.pk}/errors.csv").content.decode("utf-8-sig"))
        )
    )
    assert errors == [
        ["row", "column", "problem"],
        ["5", "出生日期", "not a date (use YYYY-MM-DD)"],
    ]
    client.post(f"/imports/{batch.pk}/commit/")
    assert Person.objects.filter(full_name="张伟").count() == 0
    client.post(f"/imports/{batch.pk}/commit/", {"skip_invalid": "on"})
    batch.refresh_from_db()
    assert batch.status == "done" and batch.report["created"] == 3
    assert Person.objects.filter(full_name="张伟").count() == 1


def test_large_files_are_checked_and_imported_by_the_worker_with_progress(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    """Neither the preview nor the import of a large file runs in the request: each is queued
    for `alma worker` (the tests' immediate backend runs it once the request commits)."""
    from alma.imports import services

    monkeypatch.setattr(services, "INLINE_BYTES", 100)
    ran_in_request: list[str] = []
    people_import = services_people_import()

    def watched(**kwargs):  # type: ignore[no-untyped-def]
        ran_in_request.append("preview" if kwargs.get("dry_run") else "import")
        return people_import(**kwargs)

    monkeypatch.setattr("alma.imports.people_import.people_import", watched)
    client = client_for(alice)
    upload(client, xlsx_bytes(many_rows(50)), name="big.xlsx")
    batch = ImportBatch.objects.get()
    columns = {f"col_{i}": "" for i in range(14)} | {"col_0": "full_name", "col_13": "current_city"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(f"/imports/{batch.pk}/", columns)
    batch.refresh_from_db()
    assert batch.status == "preview_queued" and ran_in_request == []
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Waiting for a worker" in page
    for callback in queued:
        callback()  # the worker picks the job up
    batch.refresh_from_db()
    assert batch.status == "uploaded" and batch.report["created"] == 50
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/imports/{batch.pk}/commit/")
    assert response.status_code == 302 and ran_in_request == ["preview"]
    batch.refresh_from_db()
    assert (
        batch.status == "queued"
        and not Person.objects.filter(full_name__startswith="校友").exists()
    )
    for callback in queued:
        callback()
    batch.refresh_from_db()
    assert batch.status == "done" and batch.report["created"] == 50
    fragment = client.get(f"/imports/{batch.pk}/progress/").content.decode()
    assert "50 created" in fragment


def services_people_import():  # type: ignore[no-untyped-def]
    from alma.imports import people_import

    return people_import.people_import


def test_a_batch_is_run_by_one_worker_only(alice, monkeypatch):
    """Two workers handed the same job: the first claims the batch, the second finds it taken
    and leaves it (nothing imported twice, no error)."""
    from alma.imports import services

    monkeypatch.setattr(services, "INLINE_BYTES", 100)
    client = client_for(alice)
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued")
    first = services.import_batch_run(batch_id=batch.pk)
    second = services.import_batch_run(batch_id=batch.pk)
    assert first.status == second.status == "done"
    names = [row[0] for row in GOOD_ROWS]
    assert Person.objects.filter(full_name__in=names).count() == 3
    assert Person.history.filter(full_name__in=names).count() == 3
    with pytest.raises(ApplicationError):  # and a batch imported is not queued again
        services.import_batch_request_commit(batch=first, skip_invalid=False)


def test_a_running_job_polls_its_progress(alice):
    client = client_for(alice)
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running")
    from alma.imports.services import _write_progress

    _write_progress(batch, "write", 1, 4)
    fragment = client.get(f"/imports/{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="25"' in fragment


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        ("validate", "Checking the rows"),
        ("write", "Writing the records"),
        ("index", "Updating the directory"),
        ("something-new", "Importing"),
    ],
)
def test_progress_names_the_stage_in_words(alice, stage, label):
    client = client_for(alice)
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running")
    from alma.imports.services import _write_progress

    _write_progress(batch, stage, 2, 4)
    for url in [f"/imports/{batch.pk}/progress/", f"/imports/{batch.pk}/"]:
        page = client.get(url).content.decode()
        assert f"{label}: 2 of 4 rows" in page and f"{stage}:" not in page


def test_duplicates_name_the_fields_in_words(alice):
    from alma.imports.linkage import KEYS
    from alma.imports.models import COMPARISON_LABELS, DuplicateCandidate
    from alma.testing import factories as f

    assert set(KEYS) <= set(COMPARISON_LABELS)
    a = f.PersonFactory()
    DuplicateCandidate.objects.create(
        person_a=a,
        person_b=f.PersonFactory(),
        probability=0.95,
        comparison={"family_name": "agree", "date_of_birth": "differ", "student_number": "odd"},
        group=a.pk,
    )
    page = client_for(alice).get("/imports/duplicates/").content.decode()
    assert "Family name: agree" in page and "Date of birth: differ" in page
    # an unreadable state reads as missing; keys linkage did not compare are left out
    assert "Student number: missing" in page and "Graduation year" not in page
    for key in KEYS:
        assert f"{key}:" not in page


def test_upload_rejects_garbage_and_big_files(alice, settings):
    client = client_for(alice)
    response = upload(client, b"PK\x03\x04 not a workbook", name="x.xlsx")
    assert response.status_code == 200 and "not a valid XLSX" in response.content.decode()
    settings.ALMA_IMPORT_MAX_BYTES = 10
    response = upload(client, csv_bytes(GOOD_ROWS))
    assert "larger than the limit" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol", "dave", "erin", "frank", "gina", "hank"])
def test_only_the_alumni_office_sees_imports(persona, request, alice):
    client = client_for(alice)
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    other = client_for(request.getfixturevalue(persona))
    for url in [
        "/imports/",
        f"/imports/{batch.pk}/",
        f"/imports/{batch.pk}/errors.csv",
        f"/imports/{batch.pk}/progress/",
    ]:
        assert other.get(url).status_code == 403
    assert other.post(f"/imports/{batch.pk}/commit/").status_code == 403


def test_problems_are_shown_in_the_readers_language_not_the_checkers(alice, settings):
    """Alice checks the file in 中文; a colleague reading in English sees English reasons."""
    client = client_for(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    bad_date = ["乙", "", "", "1990-13-01", "", "", "", "", "", "", "", "", "", ""]
    # 张伟's student number again, for someone else: "same as row 2"
    same_number = ["丙", "2015001", "", "", "2019", "", "", "", "", "", "", "", "", ""]
    upload(client, csv_bytes([*GOOD_ROWS, bad_date, same_number]))
    batch = ImportBatch.objects.get()
    fields = ["full_name", "student_number", "gender", "date_of_birth", "graduation_year"]
    client.post(f"/imports/{batch.pk}/", {f"col_{i}": name for i, name in enumerate(fields)})
    batch.refresh_from_db()
    assert "不是有效的日期" in client.get(f"/imports/{batch.pk}/").content.decode()
    # what is stored is in no language
    assert {e["reason"]["msgid"] for e in batch.report["errors"]} >= {"not a date (use YYYY-MM-DD)"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "not a date (use YYYY-MM-DD)" in page and "不是有效的日期" not in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/imports/{batch.pk}/errors.csv").content.decode("utf-8-sig"))
        )
    )
    assert ["5", "出生日期", "not a date (use YYYY-MM-DD)"] in rows
    assert any(row[2] == "same as row 2" for row in rows[1:]), rows
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/imports/{batch.pk}/errors.csv").content.decode("utf-8-sig"))
        )
    )
    assert any(row[2] == "与第 2 行重复" for row in rows[1:]), rows


def test_a_file_level_problem_is_shown_in_the_readers_language(alice, settings):
    client = client_for(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    upload(client, csv_bytes(GOOD_ROWS))
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/", {"col_1": "student_number"})  # no name column
    batch.refresh_from_db()
    assert batch.report["error"]["reason"]["msgid"].startswith("No column is mapped")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "No column is mapped to the full name" in page
