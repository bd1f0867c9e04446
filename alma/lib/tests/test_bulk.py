"""Bulk helpers: rows and id lists read back exactly, whatever the texts hold."""

import pytest
from django.db import connection

from alma.lib.bulk import insert_rows, select_one_of
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


def test_rows_written_in_bulk_read_back_exactly():
    """Rows written by COPY (PostgreSQL) or executemany (SQLite) come back as they were, with
    tabs, newlines, backslashes, NULLs, dates and Chinese in them."""
    import datetime as dt

    names = [*ODD, "tab\there", "new\nline", "cr\rhere", "\\N", ""]
    rows = [(name, None if i % 2 else dt.date(1990, 1, 1 + i)) for i, name in enumerate(names)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (name text, born date)")
        insert_rows("copied", ["name", "born"], rows)
        cursor.execute("SELECT name, born FROM copied")
        read = [
            (name, dt.date.fromisoformat(str(born)) if born else None)
            for name, born in cursor.fetchall()
        ]
        assert sorted(read, key=str) == sorted(rows, key=str)


def test_upper_applies_to_each_value():
    alice = f.PersonFactory(email="Alice@Example.org").pk
    rows = select_one_of(
        "SELECT id FROM people_person WHERE {where}", "upper(email)", ["alice@EXAMPLE.org"], "upper"
    )
    assert rows == [(alice,)]
