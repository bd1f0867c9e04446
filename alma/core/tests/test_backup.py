"""The restore drill: back up, lose data, restore, and find every row and the ledger as they were.

Runs on the database the suite runs on (SQLite, and PostgreSQL in CI, where pg_dump and
pg_restore are found like .ci/run finds initdb).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alma.activity.models import Activity
from alma.activity.services import staff_service_log
from alma.core.backups import backup_create, ledger_digest, table_counts
from alma.people.models import Person
from alma.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("ALMA_VAR_DIR", str(tmp_path / "var"))
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("kept-key\n")
    (tmp_path / "var" / "support_key").write_text("case-key\n")
    (tmp_path / "var" / "careers" / "cv").mkdir(parents=True)
    (tmp_path / "var" / "careers" / "cv" / "a1.pdf").write_bytes(b"%PDF-1.4 cv")
    (tmp_path / "var" / "support").mkdir()
    (tmp_path / "var" / "support" / "f1").write_bytes(b"encrypted")
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "alumni.csv").write_text("name\nAda\n")
    return tmp_path


def test_restore_drill_brings_back_every_row_and_the_ledger(places, bob):
    students = [f.StudentFactory() for _ in range(3)]
    for student in students:
        staff_service_log(staff=bob, student=student, aspect="study", note="Thesis advice")
    before_counts, before_ledger = table_counts(), ledger_digest()
    ledger_rows = list(Activity.objects.order_by("pk").values_list("pk", "kind", "beneficiary_id"))

    out = io.StringIO()
    call_command("backup", directory=places / "backups", stdout=out)
    archive = Path(out.getvalue().split()[0])
    assert archive.is_file()

    # Disaster: records and part of the ledger go (behind the services' back), a file is lost,
    # the key changes, someone adds a stray record.
    Person.objects.filter(pk__in=[s.pk for s in students]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Activity._meta.db_table} WHERE id = %s",  # noqa: S608 - a model's table
            [ledger_rows[0][0]],
        )
    (places / "media" / "imports" / "alumni.csv").unlink()
    (places / "var" / "secret_key").write_text("another\n")
    (places / "var" / "careers" / "cv" / "a1.pdf").unlink()
    (places / "var" / "support" / "f1").unlink()
    (places / "var" / "support_key").unlink()
    f.PersonFactory(full_name="Stray Record")
    assert Activity.objects.count() < len(ledger_rows)

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "the activity ledger matches" in out.getvalue()
    assert table_counts() == before_counts
    assert ledger_digest() == before_ledger
    assert (
        list(Activity.objects.order_by("pk").values_list("pk", "kind", "beneficiary_id"))
        == ledger_rows
    )
    assert not Person.objects.filter(full_name="Stray Record").exists()
    assert (places / "media" / "imports" / "alumni.csv").read_text() == "name\nAda\n"
    assert (places / "var" / "secret_key").read_text() == "kept-key\n"
    assert (places / "var" / "support_key").read_text() == "case-key\n"
    assert (places / "var" / "careers" / "cv" / "a1.pdf").read_bytes() == b"%PDF-1.4 cv"
    assert (places / "var" / "support" / "f1").read_bytes() == b"encrypted"
    # The site works on the restored database: new rows get fresh ids, no clash.
    staff_service_log(staff=bob, student=f.StudentFactory(), aspect="life", note="After restore")


def test_a_file_that_is_no_backup_changes_nothing(places, tmp_path):
    f.PersonFactory()
    before = table_counts()
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a backup")
    with pytest.raises(Exception):  # noqa: B017, PT011 - tarfile's own error
        call_command("restore", str(bogus), yes=True)
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
    assert table_counts() == before


def test_a_backup_is_readable_by_its_owner_only(places):
    result = backup_create(directory=places / "backups")
    assert result.path.stat().st_mode & 0o077 == 0
    assert result.manifest["tables"]["people_person"] == Person.objects.count()
