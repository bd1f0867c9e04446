"""Writing many plain rows fast: COPY on PostgreSQL, one executemany on SQLite.

For bulk paths (imports, the directory index) where building a model instance per row and
letting the ORM prepare each value would cost more than the database's own work. Values must
already be as the database takes them.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

IN_LIST = 10_000  # values in one SQLite "IN (...)" (PostgreSQL takes the whole list at once)


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: Any = None,
) -> None:
    """Insert the rows into the table's columns (on `using`, a connection; else the default)."""
    db = using or connection
    quote = db.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # psycopg's own cursor, so its errors are wrapped here as Django's are
            with (
                db.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        # One statement run for every row inside sqlite3: Django converts the SQL once, where
        # multi-row INSERTs pay its placeholder conversion on every statement.
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608 - our names
            rows if isinstance(rows, list) else list(rows),
        )


def sequence_ids(table: str, column: str, count: int, *, using: Any = None) -> list[int]:
    """PostgreSQL: `count` new ids from the table's own sequence, so rows written with them by
    COPY are unique alongside any other writer's. The ids come back as one text: a row per id
    costs the client more than the server's nextval."""
    if not count:
        return []
    db = using or connection
    with db.cursor() as cursor:
        # One statement: the sequence is looked up once (a scalar subquery), then drawn from.
        cursor.execute(
            "SELECT string_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)::text,"
            " ',') FROM generate_series(1, %s)",
            [db.ops.quote_name(table), column, count],
        )
        return list(map(int, cursor.fetchone()[0].split(",")))


def select_one_of(
    sql: str, column: str, values: list[Any], apply: str = ""
) -> list[tuple[Any, ...]]:
    """The rows of `sql` (a SELECT holding one {where}) whose column is one of the values, read
    in as few statements as `one_of` makes."""
    rows: list[tuple[Any, ...]] = []
    if not values:
        return rows
    with connection.cursor() as cursor:
        for condition, params in one_of(column, values, apply):
            cursor.execute(sql.format(where=condition), params)
            rows += cursor.fetchall()
    return rows


def one_of(column: str, values: list[Any], apply: str = "") -> Iterator[tuple[str, list[Any]]]:
    """(SQL condition, parameters) for "column is one of the values" (each passed through the
    SQL function `apply`, if given), in as few statements as can be: one on PostgreSQL, a
    condition per IN_LIST values on SQLite. `values` must not be empty."""
    if isinstance(values[0], int) and max(values) - min(values) + 1 == len(values) == len(
        set(values)
    ):
        # Every id of a range, as the rows a bulk write has just drawn from a sequence: one
        # index range read rather than a lookup per id.
        yield f"{column} BETWEEN %s AND %s", [min(values), max(values)]
        return
    if connection.vendor == "postgresql":
        # The whole list as one array literal: adapting 100,000 parameters or a Python list
        # costs seconds, one text a few milliseconds. A literal is a constant to the planner,
        # which then probes the column's index for each value or scans with the values in a
        # hash table; a list it only meets at run time is searched value by value for each row
        # scanned, which on a table without statistics yet (a first import) took 150 ms for
        # 1,000 rows against 10,000 values.
        if isinstance(values[0], int):
            yield f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, values)) + "}"]
            return
        if apply:
            # Through the function the list is made at run time, once (an init plan).
            yield (
                f"{column} = ANY(ARRAY(SELECT {apply}(x) FROM unnest(%s::text[]) x))",  # noqa: S608
                [text_array(values)],
            )
            return
        yield f"{column} = ANY(%s::text[])", [text_array(values)]
        return
    for start in range(0, len(values), IN_LIST):
        chunk = values[start : start + IN_LIST]
        yield f"{column} IN ({', '.join([f'{apply}(%s)'] * len(chunk))})", chunk


def text_array(values: list[str]) -> str:
    """PostgreSQL's literal for an array of these texts (each quoted, so any text is safe)."""
    return (
        "{"
        + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "}"
    )


def history_copy(
    model: type[models.Model],
    pks: list[int],
    *,
    kind: str,
    reason: str,
    when: datetime,
    by: Any = None,
) -> None:
    """django-simple-history's rows ('+' created, '~' changed) for rows just written in bulk,
    copied from them by the database itself: the rows `bulk_history_create` would write, without
    building an object per row in Python or sending the values over the wire a second time."""
    if not pks:
        return
    history = model.history.model  # type: ignore[attr-defined]
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    columns = [f.column for f in history._meta.concrete_fields if f.column not in own]
    quote = connection.ops.quote_name
    copied = ", ".join(quote(c) for c in columns)
    extra = {
        "history_change_reason": reason,
        "history_date": connection.ops.adapt_datetimefield_value(when),
        "history_type": kind,
        "history_user_id": by.pk if by is not None else None,
    }
    target = ", ".join(quote(c) for c in [*columns, *extra])
    marks = ", ".join(["%s"] * len(extra))
    with connection.cursor() as cursor:
        for condition, params in one_of(quote(str(model._meta.pk.column)), pks):
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}) "  # noqa: S608 - names from the models
                f"SELECT {copied}, {marks} FROM {quote(model._meta.db_table)} WHERE {condition}",
                [*extra.values(), *params],
            )
