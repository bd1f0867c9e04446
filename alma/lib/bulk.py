"""Writing many plain rows fast: COPY on PostgreSQL, one executemany on SQLite.

For bulk paths (imports, the directory index) where building a model instance per row and
letting the ORM prepare each value would cost more than the database's own work. Values must
already be as the database takes them.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, using: Any = None
) -> None:
    """Insert the rows into the table's columns (on `using`, a connection; else the default)."""
    db = using or connection
    quote = db.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # One statement run for every row inside sqlite3: Django converts the SQL once, where
        # multi-row INSERTs pay its placeholder conversion on every statement.
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608 - our names
            rows,
        )
