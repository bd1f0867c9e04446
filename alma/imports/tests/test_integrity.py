"""Imports and other sessions at once: people removed while an import runs leave no education or
job without its person (PostgreSQL, two connections; SQLite has one writer at a time)."""

import psycopg
import pytest
from django.db import IntegrityError, connection

from alma.imports.fields import propose_mapping
from alma.imports.people_import import people_import
from alma.imports.reading import read_table
from alma.imports.tests.sheets import csv_bytes, many_rows
from alma.people.models import Education, Employment, Person
from alma.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def orphans() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM people_education e WHERE NOT EXISTS"
            "  (SELECT 1 FROM people_person p WHERE p.id = e.person_id))"
            " + (SELECT count(*) FROM people_employment j WHERE NOT EXISTS"
            "  (SELECT 1 FROM people_person p WHERE p.id = j.person_id))"
        )
        return int(cursor.fetchone()[0])


def remove_in_another_session(person_id: int) -> None:
    """What a second web process does to remove someone (autocommit: committed at once)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        for table in ("directory_directorysample", "directory_directorytext",
                      "directory_directoryentry", "people_education", "people_employment"):  # fmt: skip
            other.execute(f"DELETE FROM {table} WHERE person_id = %s", [person_id])  # noqa: S608
        other.execute("DELETE FROM people_person WHERE id = %s", [person_id])


def import_removing(rows: list[list[str]], person_id: int) -> None:
    """Import the rows; once the first chunk is written, another session removes the person."""
    table = read_table(csv_bytes(rows), filename="x.csv", lazy=True)
    removed: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "write" and done >= 1000 and not removed:
            remove_in_another_session(person_id)
            removed.append(person_id)

    people_import(table=table, mapping=propose_mapping(table.headers), progress=progress)
    assert removed


def test_people_removed_while_an_import_runs_leave_no_orphan(monkeypatch):
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time, the removal waits for the import
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    rows = many_rows(2500)  # row 0 and row 2100 name the two people by email
    given_a_job = f.PersonFactory(full_name=rows[0][0], email="a0@example.org", phone="")
    not_reached_yet = f.PersonFactory(email="a2100@example.org", phone="")
    # Row 0 only adds a job to its person (the import writes no lock on them: the removal
    # does not wait for the import); row 2100 is matched by email alone.
    rows[0] = [rows[0][0], *[""] * 7, *rows[0][8:11], "", rows[0][12], ""]
    rows[2100][1] = ""

    # The import has added a job for the person removed meanwhile: at its commit the database
    # refuses the job for no one, and the whole import is undone.
    with pytest.raises(IntegrityError):
        import_removing(rows, given_a_job.pk)
    assert orphans() == 0
    assert not Person.objects.filter(pk=given_a_job.pk).exists()
    assert not Person.objects.filter(full_name__startswith="校友").exists()

    # A person removed before the import reaches their row: the row makes a new person.
    import_removing(rows, not_reached_yet.pk)
    assert orphans() == 0
    assert Person.objects.filter(full_name__startswith="校友").count() == 2500
    assert Education.objects.count() == 2499 and Employment.objects.count() == 2500
