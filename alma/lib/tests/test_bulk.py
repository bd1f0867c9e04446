"""Bulk helpers: id lists read back exactly, whatever the texts hold; work behind on one transaction."""

import pytest
from django.db import DatabaseError, connection, transaction

from alma.lib.bulk import CopyText, WriteBehind, copy_text, insert_rows, select_one_of
from alma.people.models import Person
from alma.testing import factories as f

pytestmark = pytest.mark.django_db

ODD = ["plain", 'with "quotes"', "back\\slash", "a,b", "{braces}", "NULL", " spaced ", "王芳", "'"]


def test_texts_are_matched_exactly_whatever_they_hold():
    people = {name: f.PersonFactory(full_name=name).pk for name in ODD}
    f.PersonFactory(full_name="someone else")
    rows = select_one_of(
        "SELECT id, full_name FROM people_person WHERE {where}", "full_name", [*ODD, "absent"]
    )
    assert dict((name, pk) for pk, name in rows) == people


def test_rows_written_as_copy_text_read_back_exactly():
    """PostgreSQL: rows made into COPY text beforehand (copy_text) are written as they were, with
    tabs, newlines, backslashes, NULLs, dates and Chinese in them."""
    import datetime as dt

    if connection.vendor != "postgresql":
        with pytest.raises(TypeError):  # SQLite takes rows, not COPY text
            insert_rows("people_person", ["full_name"], CopyText(b""))
        return
    names = [*ODD, "tab\there", "new\nline", "cr\rhere", "\\N", ""]
    rows = [(name, None if i % 2 else dt.date(1990, 1, 1 + i)) for i, name in enumerate(names)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (name text, born date)")
        insert_rows("copied", ["name", "born"], copy_text(rows))
        cursor.execute("SELECT name, born FROM copied")
        assert sorted(cursor.fetchall(), key=str) == sorted(rows, key=str)


def test_upper_applies_to_each_value():
    alice = f.PersonFactory(email="Alice@Example.org").pk
    rows = select_one_of(
        "SELECT id FROM people_person WHERE {where}", "upper(email)", ["alice@EXAMPLE.org"], "upper"
    )
    assert rows == [(alice,)]


def test_jobs_run_in_order_on_the_callers_transaction():
    def write(name: str) -> int:
        return int(f.PersonFactory(full_name=name).pk)

    with transaction.atomic():
        with WriteBehind() as behind:
            first = behind.submit(write, "一")
            second = behind.submit(write, "二")
            behind.wait()
        assert first.result() < second.result()
        assert Person.objects.filter(full_name__in=["一", "二"]).count() == 2
        transaction.set_rollback(True)
    assert not Person.objects.filter(full_name__in=["一", "二"]).exists()


def test_a_failed_job_fails_the_jobs_after_it():
    def broken() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    ran: list[str] = []
    with pytest.raises(DatabaseError), transaction.atomic(), WriteBehind() as behind:
        failed = behind.submit(broken)
        after = behind.submit(ran.append, "after")
        with pytest.raises(DatabaseError):
            failed.result()
        with pytest.raises(DatabaseError):
            after.result()
        behind.wait()
    assert ran == []
