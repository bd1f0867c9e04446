"""Writing many plain rows fast: COPY on PostgreSQL, one executemany on SQLite.

For bulk paths (imports, the directory index) where building a model instance per row and
letting the ORM prepare each value would cost more than the database's own work. Values must
already be as the database takes them.
"""

import io
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

T = TypeVar("T")

SWITCH_INTERVAL = 0.0002  # seconds a thread may hold the interpreter's lock while another waits
IN_LIST = 10_000  # values in one SQLite "IN (...)" (PostgreSQL takes the whole list at once)


class CopyText(bytes):
    """Rows as PostgreSQL's COPY reads them (text format), made by copy_text."""


def copy_text(rows: Iterable[Sequence[Any]], *, using: Any = None) -> CopyText:
    """PostgreSQL: the rows as COPY text, made by psycopg's own formatter into memory (a Copy on
    a cursor that runs nothing, writing to a FileWriter, as psycopg documents). It needs no
    turn on the connection, so one thread can make it while another, which writes, sends
    the text before: formatting is most of what a bulk write costs the client."""
    import psycopg
    from psycopg.copy import FileWriter

    buffer = io.BytesIO()
    cursor = (using or connection).connection.cursor()
    with psycopg.Copy(cursor, binary=False, writer=FileWriter(buffer)) as copy:
        for row in rows:
            copy.write_row(row)
    return CopyText(buffer.getvalue())


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]] | CopyText,
    *,
    using: Any = None,
) -> None:
    """Insert the rows into the table's columns (on `using`, a connection; else the default).
    PostgreSQL takes them as CopyText too."""
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
                if isinstance(rows, CopyText):
                    copy.write(rows)
                    return
                for row in rows:
                    copy.write_row(row)
            return
        if isinstance(rows, CopyText):
            raise TypeError("COPY text is for PostgreSQL")
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


@contextmanager
def probing_indexes() -> Iterator[None]:
    """PostgreSQL: reads by lists of keys (one_of) use the column's index, whatever the size of
    the table. Within a bulk write the planner has no statistics for the rows the transaction
    has written and, once the table is large, scans it whole for every list: at 500,000 rows a
    read of 10,000 student numbers took 85 ms by scan, 28 ms by the index."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        before = cursor.fetchone()[0]
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


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


_switching = {"users": 0, "interval": sys.getswitchinterval()}
_switching_lock = threading.Lock()


def _quick_switching(on: bool) -> None:
    """While any WriteBehind runs: a worker needs the interpreter's lock back after each reply
    from the server, and at the default 5 ms switch interval the server would wait that long
    between statements. Counted, as imports may overlap in the threads of one web process."""
    with _switching_lock:
        if on:
            if not _switching["users"]:
                _switching["interval"] = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
            _switching["users"] += 1
        else:
            _switching["users"] -= 1
            if not _switching["users"]:
                sys.setswitchinterval(_switching["interval"])


class WriteBehind:
    """Database work run in order on one worker thread that shares this thread's connection, and
    so its transaction, while this thread goes on with Python work (cleaning and planning the
    next chunk of a bulk write while the database writes the last).

    Only on PostgreSQL, where the worker waits on the server with the interpreter's lock
    released, so Python on one core and the server on another overlap. On SQLite the database
    work is Python's own and each call runs at once, in this thread: sqlite3 releases the lock
    around every row, and two threads taking turns at it row by row would be slower than one.

    `using`: a connection of its own for the worker (see reading_aside), else this thread's.
    While jobs are pending this thread must not use the connection itself. Leaving the block
    waits for the jobs (and drops those not started when it is left by an exception). A job's
    exception comes out of its future's result() (on either database), out of the futures of
    every job submitted after it, out of wait() and out of the block.
    """

    def __init__(self, *, depth: int = 2, using: Any = None) -> None:
        self.connection = using or connections[DEFAULT_DB_ALIAS]
        self.depth = depth  # jobs pending at most: submit() waits for the oldest beyond that
        self.pending: list[Future[Any]] = []
        self.pool: ThreadPoolExecutor | None = None
        self.failure: BaseException | None = None

    def __enter__(self) -> "WriteBehind":
        if self.connection.vendor == "postgresql":
            self.connection.inc_thread_sharing()
            self.pool = ThreadPoolExecutor(1, initializer=self._share)
            _quick_switching(True)
        return self

    def _share(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.connection

    def submit(self, job: Callable[..., T], *args: Any) -> "Future[T]":
        if self.pool is None:
            done: Future[T] = Future()
            try:
                done.set_result(self._run(job, *args))
            except Exception as error:  # as from the worker: through the future
                done.set_exception(error)
            return done
        while len(self.pending) >= self.depth:
            self.pending.pop(0).result()
        future = self.pool.submit(self._run, job, *args)
        self.pending.append(future)
        return future

    def backlog(self) -> int:
        """Jobs submitted and not finished yet (none on SQLite, where each runs at once)."""
        return sum(1 for future in self.pending if not future.done())

    def _run(self, job: Callable[..., T], *args: Any) -> T:
        # After a failure the transaction is lost: the jobs behind it fail with its error.
        if self.failure is not None:
            raise self.failure
        try:
            return job(*args)
        except BaseException as error:
            self.failure = error
            raise

    def wait(self) -> None:
        """Wait for every job; raises the first failed job's exception."""
        while self.pending:
            self.pending.pop(0).result()
        if self.failure is not None:
            raise self.failure

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            try:
                self.pool.shutdown(wait=True, cancel_futures=exc is not None)
            finally:
                _quick_switching(False)
                self.connection.dec_thread_sharing()
        if exc is None:
            self.wait()


@contextmanager
def reading_aside(*, tables: Sequence[str], depth: int = 2) -> Iterator[WriteBehind | None]:
    """PostgreSQL, outside any transaction: a WriteBehind on a second connection to the same
    database, for reads of what is committed and for draws from sequences beside a bulk write
    on the first, so that the backend that writes does nothing else (it is the slower side of
    a bulk write). Rows the write adds or changes stay invisible to it until the commit, so it
    reads the data as it was before the write (with what others commit meanwhile); sequences
    give unique values to any session.

    The `tables` it reads are locked for reading (as any read locks them) in a transaction
    held open until the end, before the write begins. Otherwise a session asking meanwhile for
    an exclusive lock on one of them (a migration), which waits for the write, would make the
    next read wait for it in turn: the write would wait for its reads, the reads for that
    session, and that session for the write, a wait PostgreSQL cannot see as a deadlock.

    None inside a transaction, where the caller's own uncommitted rows belong to the data before
    the write and only the caller's connection sees them, and on SQLite, where jobs run inline.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        quote = side.ops.quote_name
        with side.cursor() as cursor:
            cursor.execute("BEGIN")  # READ COMMITTED: each read still sees the latest commits
            cursor.execute(f"LOCK TABLE {', '.join(quote(t) for t in tables)} IN ACCESS SHARE MODE")
        with WriteBehind(depth=depth, using=side) as aside:
            yield aside
    finally:
        side.close()  # the server ends the reading transaction with the session
