"""Importing people: validate every row, match rows to existing people, write all or nothing.

Matching before linkage: a row is the same person as an existing record with the same student
number, else the same email, else the same phone. A matched record takes the row's non-empty
values (the old ones stay in its history); the same file imported twice changes nothing.
Everything is written in one transaction: a crash or a kill leaves the database as before.

Files run to a million rows, so the work is done in bulk and in chunks: each column of a chunk
is cleaned once per distinct text, existing people are read with a few plain queries per chunk
and compared as dicts, and rows are written with COPY (PostgreSQL) or one executemany (SQLite),
their history rows copied inside the database. On PostgreSQL a chunk is written by a worker
thread while the next is checked (see Run). The directory is re-indexed once, at the end.
"""

import datetime as dt
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import zip_longest
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.imports.fields import (
    DURATION,
    EDUCATION_FIELDS,
    EMPLOYMENT_FIELDS,
    FIELDS,
    PERSON_FIELDS,
    CellError,
    _today,
    clean_column,
    phone_key,
)
from alma.imports.models import ImportBatch
from alma.imports.reading import Table, collector_paused
from alma.lib.bulk import (
    CopyText,
    WriteBehind,
    copy_text,
    history_copy,
    insert_rows,
    probing_indexes,
    reading_aside,
    select_one_of,
    sequence_ids,
)
from alma.lib.errors import ApplicationError
from alma.people.models import Education, Employment, Person, Stage
from alma.people.services import people_reindex

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)
CHUNK = 10_000  # rows checked, then written, at a time at most (see _chunks)
SIMULATE_MAX = 20_000  # previews of more rows are counted, not rehearsed

# The columns an import writes, in the order the rows below hold them.
EDUCATION_COLUMNS = (*EDUCATION_FIELDS, "expected_graduation_year")
EMPLOYMENT_COLUMNS = (*EMPLOYMENT_FIELDS, "is_current")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    committed: bool = False
    dry_run: bool = False
    encoding: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "committed": self.committed,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "mapping": self.mapping,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    person_id: int | None = None
    education_id: int | None = None


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping limited to this file's headers; raises if it is unusable."""
    clean = {h: f for h, f in mapping.items() if f and h in headers}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise ApplicationError(_("Unknown fields in the mapping: %s") % ", ".join(unknown))
    targets = list(clean.values())
    twice = sorted({f for f in targets if targets.count(f) > 1})
    if twice:
        raise ApplicationError(_("Two columns map to the same field: %s") % ", ".join(twice))
    if "full_name" not in targets:
        raise ApplicationError(_("No column is mapped to the full name."))
    return clean


KEYS = ("student_number", "email", "phone")  # what rows are matched to existing people on


class Checks:
    """A file's rows cleaned field by field and checked row by row (names, years, duplicates
    in the file), a chunk at a time, in the file's order."""

    def __init__(self, table: Table, mapping: dict[str, str]) -> None:
        self.table = table
        self.header_of = {name: header for header, name in mapping.items()}
        self.names = list(self.header_of)
        self.positions = [table.headers.index(header) for header in self.header_of.values()]
        self.seen: dict[str, dict[str, int]] = {key: {} for key in KEYS}

    def rows(self, start: int, stop: int) -> tuple[list[Row], list[RowError]]:
        """Rows start to stop (positions in the file's rows, read by now): the valid ones, and
        the errors."""
        header_of, names = self.header_of, self.names
        chunk = self.table.rows[start:stop]
        lines = [line for line, _cells in chunk]
        # Column by column: the cells of a column are cleaned together (see clean_column).
        cells = list(zip_longest(*(cells for _line, cells in chunk)))
        columns: list[list[Any]] = []
        bad_rows: set[int] = set()
        for name, i in zip(names, self.positions, strict=True):
            column, bad = clean_column(name, cells[i] if i < len(cells) else [None] * len(chunk))
            columns.append(column)
            bad_rows.update(bad)
        rows: list[Row] = []
        errors: list[RowError] = []
        # (field, its header, first line of each value) for the identifiers the file has
        seen = [(key, header_of[key], self.seen[key]) for key in KEYS if key in header_of]
        for k, (line, cleaned) in enumerate(zip(lines, zip(*columns, strict=True), strict=True)):
            values = dict(zip(names, cleaned, strict=True))
            problems: list[RowError] = []
            if k in bad_rows:
                for name in names:
                    if isinstance(values[name], CellError):
                        problems.append(RowError(line, header_of[name], str(values.pop(name))))
            if not values.get("full_name") and not any(
                p.column == header_of["full_name"] for p in problems
            ):
                problems.append(RowError(line, header_of["full_name"], _("name is missing")))
            entry, graduation = values.get("entry_year"), values.get("graduation_year")
            if entry and graduation and graduation < entry:
                problems.append(
                    RowError(line, header_of["graduation_year"], _("graduation before entry"))
                )
            has_education = (
                values.get("student_number")
                or values.get("school")
                or values.get("major")
                or values.get("degree_level")
            )
            if has_education and not entry and not graduation and not problems:
                header = (
                    header_of.get("graduation_year")
                    or header_of.get("entry_year")
                    or header_of["full_name"]
                )
                problems.append(RowError(line, header, _("an entry or graduation year is needed")))
            for key, header, first_lines in seen:
                value = values.get(key)
                if value:
                    first = first_lines.setdefault(value, line)
                    if first != line:
                        problems.append(
                            RowError(line, header, _("same as row %(row)d") % {"row": first})
                        )
            if problems:
                errors.extend(problems)
            else:
                rows.append(Row(line, values))
        return rows, errors


@dataclass
class Found:
    """What the database holds for one chunk's identifiers, read in one job ahead of its writes."""

    by_number: dict[str, tuple[int, int]]  # student number -> (person id, education id)
    by_email: dict[str, int]
    existing: "Existing"


def _lookup(numbers: list[str], emails: list[str], phone_hits: list[int]) -> Found:
    with probing_indexes():
        by_number: dict[str, tuple[int, int]] = {
            number: (person_id, pk)
            for pk, person_id, number in select_one_of(
                "SELECT id, person_id, student_number FROM people_education WHERE {where}",
                "student_number",
                numbers,
            )
        }
        by_email: dict[str, int] = {}
        for pk, email in select_one_of(
            # upper(email): the form the index on people's emails holds (see Person.Meta)
            "SELECT id, lower(email) FROM people_person WHERE {where} ORDER BY id",
            "upper(email)",
            emails,
            apply="upper",
        ):
            by_email.setdefault(email, pk)
        found = {person_id for person_id, _pk in by_number.values()}
        found |= set(by_email.values()) | set(phone_hits)
        return Found(by_number, by_email, _existing(sorted(found)))


class Matches:
    """Rows matched to the people who existed before the import: by student number, else email,
    else phone. Each chunk's identifiers are read by a job of their own (`lookup`). On a second
    connection (reading_aside) it sees none of the import's writes. On the import's own, it runs
    ahead of the chunk before's writes but after earlier ones, and what the import wrote is set
    aside: people it created are no match (rows that share an identifier within the file are
    errors already), and the people it matched are found by the identifiers they had before
    (`former_*`), as a row may have changed them. Either way people others commit meanwhile are
    matched. Phones are read once, before any write."""

    def __init__(self, header_of: dict[str, str], phones: bool) -> None:
        self.header_of = header_of
        self.by_phone: dict[str, int] = {}
        if phones:
            # Stored phones may be written any way: every one is put in the form rows are matched on.
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, phone FROM people_person WHERE phone <> '' ORDER BY id")
                for pk, phone in cursor.fetchall():
                    key = phone_key(phone)
                    if key:
                        self.by_phone.setdefault(key, pk)
        self.claimed: dict[int, int] = {}
        self.created: set[int] = set()
        self.former_emails: dict[str, int] = {}
        self.former_numbers: dict[str, tuple[int, int]] = {}

    def lookup(self, rows: list[Row]) -> tuple[list[str], list[str], list[int]]:
        """The arguments of `_lookup` for these rows."""
        numbers = [r.values["student_number"] for r in rows if r.values.get("student_number")]
        emails = [r.values["email"] for r in rows if r.values.get("email")]
        by_phone = self.by_phone
        phone_hits = [
            by_phone[r.values["phone"]] for r in rows if r.values.get("phone") in by_phone
        ]
        return numbers, emails, phone_hits

    def match(self, rows: list[Row], found: Found) -> tuple[list[Row], list[RowError]]:
        """Find each row's existing person; conflicts are errors."""
        header_of, created = self.header_of, self.created
        matched: list[Row] = []
        errors: list[RowError] = []
        if not (found.by_number or found.by_email or self.by_phone or self.claimed):
            return rows, errors  # nobody to match (a first import)
        for row in rows:
            v = row.values
            hits: dict[str, int] = {}
            key = v.get("student_number") or ""
            number = self.former_numbers.get(key) or found.by_number.get(key)
            if number and number[0] not in created:
                hits["student_number"], row.education_id = number
            key = v.get("email") or ""
            email = self.former_emails.get(key) or found.by_email.get(key)
            if email and email not in created:
                hits["email"] = email
            if v.get("phone") in self.by_phone:
                hits["phone"] = self.by_phone[v["phone"]]
            if len(set(hits.values())) > 1:
                column = next(
                    k
                    for k in ("email", "phone")
                    if k in hits and hits[k] != next(iter(hits.values()))
                )
                errors.append(
                    RowError(
                        row.line,
                        header_of[column],
                        _("matches a different existing person than the row's other identifiers"),
                    )
                )
                continue
            if hits:
                row.person_id = next(iter(hits.values()))
                first = self.claimed.setdefault(row.person_id, row.line)
                if first == row.line:
                    self._remember(row.person_id, found.existing)
                else:
                    errors.append(
                        RowError(
                            row.line,
                            header_of["full_name"],
                            _("same existing person as row %(row)d") % {"row": first},
                        )
                    )
                    continue
            matched.append(row)
        return matched, errors

    def _remember(self, person_id: int, existing: "Existing") -> None:
        """A claimed person's identifiers as they are before the import changes them."""
        email = existing.people[person_id]["email"]
        if email:
            self.former_emails[email.lower()] = person_id
        for education in existing.educations_of.get(person_id, []):
            if education["student_number"]:
                self.former_numbers[education["student_number"]] = (person_id, education["id"])


def _stage_for(graduation: int | None, year: int) -> str:
    if graduation is None:
        return Stage.NONE
    return Stage.ALUMNUS if graduation <= year else Stage.STUDENT


def _education_row(v: dict[str, Any], year: int) -> tuple[Any, ...] | None:
    """The education a row describes, in EDUCATION_COLUMNS order (None if none); `year` is this
    year."""
    number, school, major = v.get("student_number"), v.get("school"), v.get("major")
    degree, entry, graduation = v.get("degree_level"), v.get("entry_year"), v.get("graduation_year")
    if not (number or entry or graduation or school or major or degree):
        return None
    degree = degree or "bachelor"
    if entry is None and graduation is not None:
        entry = graduation - DURATION[degree]
    return (
        number or None,
        entry,
        graduation if graduation and graduation <= year else None,
        school or "",
        major or "",
        degree,
        graduation,
    )


def _education_values(v: dict[str, Any], year: int) -> dict[str, Any] | None:
    """The education a row describes, as a dict of EDUCATION_COLUMNS (None if none)."""
    row = _education_row(v, year)
    return None if row is None else dict(zip(EDUCATION_COLUMNS, row, strict=True))


def _job_row(v: dict[str, Any]) -> list[Any]:
    """The job a row describes, in EMPLOYMENT_FIELDS order (blank if none)."""
    return [v.get(n) or "" for n in EMPLOYMENT_FIELDS]


def _values_of(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function giving these values of a row's, in this order, as a tuple."""
    return itemgetter(*names) if len(names) > 1 else lambda v: (v[names[0]],)


def _changed(record: dict[str, Any], values: dict[str, Any]) -> bool:
    """Set the non-empty values that differ; True if any did."""
    changed = False
    for name, value in values.items():
        if value in (None, "") or record[name] == value:
            continue
        record[name] = value
        changed = True
    return changed


@dataclass
class Existing:
    """The matched people as they are now: plain dicts of the fields an import may change."""

    people: dict[int, dict[str, Any]]
    educations: dict[int, dict[str, Any]]  # by id
    educations_of: dict[int, list[dict[str, Any]]]  # by person, in the models' order
    jobs_of: dict[int, list[dict[str, Any]]]


def _records(sql: str, column: str, ids: list[int], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(names, row, strict=True)) for row in select_one_of(sql, column, ids)]


def _existing(person_ids: list[int]) -> Existing:
    people_columns = ("id", *PERSON_FIELDS)
    education_columns = ("id", "person_id", *EDUCATION_COLUMNS)
    job_columns = ("id", "person_id", *EMPLOYMENT_FIELDS)
    people = {
        p["id"]: p
        for p in _records(
            f"SELECT {', '.join(people_columns)} FROM people_person WHERE {{where}}",  # noqa: S608 - our own names
            "id",
            person_ids,
            people_columns,
        )
    }
    educations = _records(
        f"SELECT {', '.join(education_columns)} FROM people_education WHERE {{where}} "  # noqa: S608
        "ORDER BY entry_year DESC, id",
        "person_id",
        person_ids,
        education_columns,
    )
    jobs = _records(
        f"SELECT {', '.join(job_columns)} FROM people_employment WHERE {{where}} "  # noqa: S608
        "ORDER BY is_current DESC, start_year DESC, id",
        "person_id",
        person_ids,
        job_columns,
    )
    existing = Existing(people, {e["id"]: e for e in educations}, {}, {})
    for education in educations:
        existing.educations_of.setdefault(education["person_id"], []).append(education)
    for job in jobs:
        existing.jobs_of.setdefault(job["person_id"], []).append(job)
    return existing


@dataclass
class Changes:
    """What one chunk of rows writes: planned in Python, written by one job (see _write)."""

    # the person fields the file has (the others take the model's defaults)
    person_columns: tuple[str, ...]
    new_people: list[tuple[Any, ...]] = field(default_factory=list)  # (*person_columns, stage)
    # the new people's education and job: (position in new_people, *columns)
    new_people_educations: list[tuple[Any, ...]] = field(default_factory=list)
    new_people_jobs: list[tuple[Any, ...]] = field(default_factory=list)
    new_educations: list[tuple[Any, ...]] = field(default_factory=list)  # (person_id, ...)
    new_jobs: list[tuple[Any, ...]] = field(default_factory=list)  # (person_id, ...)
    # changed records
    people: list[dict[str, Any]] = field(default_factory=list)
    educations: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    # when the changes are made: the new rows' timestamps and their history rows'
    when: dt.datetime = field(default_factory=timezone.now)
    # PostgreSQL: each table's new rows ready to send (see _prepare), if made already
    prepared: "dict[type[Any], Prepared]" = field(default_factory=dict)

    def writes(self) -> bool:
        """Whether the chunk changes anything (a new person's records come with them)."""
        new = (self.new_people, self.new_educations, self.new_jobs)
        return any((*new, self.people, self.educations, self.jobs))


def _plan_new(
    values: dict[str, Any],
    changes: Changes,
    year: int,
    person: Callable[[dict[str, Any]], tuple[Any, ...]],
) -> None:
    """Record a new person's rows (`person`: their values of changes.person_columns)."""
    i = len(changes.new_people)
    changes.new_people.append((*person(values), _stage_for(values.get("graduation_year"), year)))
    education = _education_row(values, year)
    if education:
        changes.new_people_educations.append((i, *education))
    if values.get("organization_name"):
        changes.new_people_jobs.append((i, *_job_row(values), True))


def _plan_update(row: Row, person_id: int, existing: Existing, changes: Changes, year: int) -> bool:
    """Record what a matched row changes on its person; True if anything does."""
    v = row.values
    person = existing.people[person_id]
    changed = False
    if _changed(person, {n: v[n] for n in PERSON_FIELDS if n in v}):
        changes.people.append(person)
        changed = True
    education_values = _education_values(v, year)
    if education_values:
        education = existing.educations.get(row.education_id) if row.education_id else None
        if education is None:
            education = next(
                (e for e in existing.educations_of.get(person["id"], [])
                 if e["degree_level"] == education_values["degree_level"]
                 and (e["school"] == education_values["school"] or not education_values["school"])),
                None,
            )  # fmt: skip
        if education is None:
            changes.new_educations.append((person["id"], *education_values.values()))
            changed = True
        elif _changed(education, education_values):
            if education["graduation_year"] and education["graduation_year"] < education["entry_year"]:  # fmt: skip
                education["entry_year"] = (
                    education["graduation_year"] - DURATION[education["degree_level"]]
                )
            changes.educations.append(education)
            changed = True
    job_values = dict(zip(EMPLOYMENT_FIELDS, _job_row(v), strict=True))
    if job_values["organization_name"]:
        name = job_values["organization_name"].casefold()
        job = next(
            (
                j
                for j in existing.jobs_of.get(person["id"], [])
                if j["organization_name"].casefold() == name
            ),
            None,
        )
        if job is None:
            changes.new_jobs.append((person["id"], *job_values.values(), True))
            changed = True
        elif _changed(job, job_values):
            changes.jobs.append(job)
            changed = True
    return changed


def _draw_ids(changes: Changes) -> dict[type[Any], list[int]]:
    """PostgreSQL: the ids of the rows the changes add, drawn from the tables' sequences."""
    counts = {
        Person: len(changes.new_people),
        Education: len(changes.new_people_educations) + len(changes.new_educations),
        Employment: len(changes.new_people_jobs) + len(changes.new_jobs),
    }
    return {model: sequence_ids(model._meta.db_table, "id", n) for model, n in counts.items()}


def _tables(changes: Changes) -> list[tuple[type[Any], tuple[str, ...], list[tuple[Any, ...]]]]:
    """The new rows of each table, with the columns they hold, people first."""
    return [
        (Person, (*changes.person_columns, "stage"), changes.new_people),
        (Education, ("person_id", *EDUCATION_COLUMNS), changes.new_educations),
        (Employment, ("person_id", *EMPLOYMENT_COLUMNS), changes.new_jobs),
    ]


def _link(changes: Changes, person_ids: list[int]) -> None:
    """The new people's education and jobs, once the people have their ids."""
    for planned, new_rows in (
        (changes.new_people_educations, changes.new_educations),
        (changes.new_people_jobs, changes.new_jobs),
    ):
        new_rows += [(person_ids[row[0]], *row[1:]) for row in planned]
        planned.clear()


def _prepare(changes: Changes, ids: dict[type[Any], list[int]]) -> None:
    """PostgreSQL, with the new rows' ids drawn already: make each table's COPY text here, in
    the importing thread, so that the worker that writes (the slower side) only sends it."""
    _link(changes, ids[Person])
    for model, columns, rows in _tables(changes):
        if rows:
            names, full_rows, _ = _table_rows(model, columns, rows, changes.when, ids[model])
            changes.prepared[model] = (names, copy_text(full_rows), ids[model])


def _write(changes: Changes) -> list[int]:
    """Write one chunk's changes with their history rows; returns the new people's ids. On
    PostgreSQL the chunk's deferred checks (a job's link to an employer's record; a record's
    person is checked as each statement ends, people migration 0005) are made now, while Python
    plans the next chunk, rather than all at the commit."""
    when = changes.when
    (_, columns, rows), *others = _tables(changes)
    new_ids = _insert(Person, columns, rows, when, changes.prepared.get(Person))
    _link(changes, new_ids)  # done already where prepared
    for model, columns, rows in others:
        _insert(model, columns, rows, when, changes.prepared.get(model))
    _update(Person, PERSON_FIELDS, changes.people, when)
    _update(Education, EDUCATION_COLUMNS, changes.educations, when)
    _update(Employment, EMPLOYMENT_FIELDS, changes.jobs, when)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return new_ids


class Run:
    """One import under way: chunks are checked, matched and planned here while the chunk before
    is written by a WriteBehind job, in one transaction. Where the import runs outside any
    transaction on PostgreSQL, each chunk's lookup and the ids of its new rows are done `aside`,
    on a second connection, so the one that writes does nothing else.

    Chunks are written as they are checked, speculatively: the transaction is rolled back at the
    end unless the import commits. A preview writes too, and rolls back, so its counts are
    exactly what a commit would do; once an import cannot commit and has more than SIMULATE_MAX
    valid rows, writing stops and the rest is only counted.
    """

    def __init__(
        self,
        checks: Checks,
        behind: WriteBehind,
        aside: WriteBehind | None,
        *,
        dry_run: bool,
        skip_invalid: bool,
    ) -> None:
        self.checks, self.behind, self.aside = checks, behind, aside
        self.person_columns = tuple(n for n in PERSON_FIELDS if n in checks.header_of)
        self.person_of = _values_of(self.person_columns)
        self.dry_run, self.skip_invalid = dry_run, skip_invalid
        self.matches = Matches(checks.header_of, phones="phone" in checks.header_of)
        # checked chunks whose identifiers are being looked up: (start, rows, errors, lookup)
        self.ahead: deque[tuple[int, list[Row], list[RowError], Future[Found]]] = deque()
        self.written: list[Future[list[int]]] = []
        self.harvested = 0  # written jobs whose new ids are in matches.created
        self.errors: list[RowError] = []
        self.valid = self.matched = self.updated = self.unchanged = 0
        self.touched: list[int] = []
        self.writing = True
        self.wrote = True  # whether the chunk planned last had anything to write

    def check(self, start: int, stop: int) -> None:
        rows, errors = self.checks.rows(start, stop)
        # on a connection of its own beside the writes, else queued ahead of the last chunk's
        lookup = (self.aside or self.behind).submit(_lookup, *self.matches.lookup(rows))
        self.ahead.append((start, rows, errors, lookup))

    def plan(self) -> int:
        """Match, plan and submit the oldest checked chunk; returns where it starts."""
        start, rows, errors, lookup = self.ahead.popleft()
        found = lookup.result()
        # Every write queued before this lookup is done: its people are no match.
        while self.harvested < len(self.written) and self.written[self.harvested].done():
            self.matches.created.update(self.written[self.harvested].result())
            self.harvested += 1
        rows, match_errors = self.matches.match(rows, found)
        self.errors += errors + match_errors
        self.valid += len(rows)
        self.matched += sum(1 for r in rows if r.person_id is not None)
        self.writing = self.writing and (self.can_commit or self.valid <= SIMULATE_MAX)
        if not self.writing:
            return start
        changes = Changes(person_columns=self.person_columns)
        year, person = _today().year, self.person_of
        for row in rows:
            if row.person_id is None:
                _plan_new(row.values, changes, year, person)
            elif _plan_update(row, row.person_id, found.existing, changes, year):
                self.updated += 1
                self.touched.append(row.person_id)
            else:
                self.unchanged += 1
        self.wrote = changes.writes()
        if self.aside:
            _prepare(changes, self.aside.submit(_draw_ids, changes).result())
        self.written.append(self.behind.submit(_write, changes))
        return start

    def starving(self) -> bool:
        """Whether the writer is about to run out of work: then the chunk just checked is
        planned at once (waiting for its lookup), not after the next one is checked. Only
        where lookups run aside (on the import's own connection they queue behind the writes),
        and while chunks have something to write: a file that changes nothing (imported
        again) is read fastest with each lookup running while the next chunk is checked."""
        return self.aside is not None and self.writing and self.wrote and self.behind.backlog() < 2

    @property
    def can_commit(self) -> bool:
        return not self.dry_run and (self.skip_invalid or not self.errors)

    def created(self) -> list[int]:
        """The new people's ids (once every write is done)."""
        return [pk for future in self.written for pk in future.result()]


Prepared = tuple[list[str], CopyText, list[int]]  # columns, their COPY text, the rows' ids


def _table_rows(
    model: type[Any],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    when: dt.datetime,
    ids: list[int] | None,
) -> tuple[list[str], Iterable[tuple[Any, ...]], list[int] | None]:
    """The columns to write, the rows to write in them, and (PostgreSQL) their ids: rows holding
    these columns, then the model's other fields at their defaults (less those the database
    fills itself, db_default: fewer values to send); ids drawn if not given already."""
    rest = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in columns and not f.has_db_default()
    ]
    defaults = tuple(_default(f, when) for f in rest)
    names = [*columns, *(f.column for f in rest)]
    if connection.vendor != "postgresql":
        return names, [(*row, *defaults) for row in rows], None
    ids = ids or sequence_ids(model._meta.db_table, "id", len(rows))
    # made as they are sent (or formatted), not all at once before
    return ["id", *names], ((pk, *row, *defaults) for pk, row in zip(ids, rows, strict=True)), ids


def _insert(
    model: type[Any],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    when: dt.datetime,
    prepared: Prepared | None = None,
) -> list[int]:
    """Insert rows holding these columns (the others take their defaults) with their '+' history
    rows; returns the new ids in the order of the rows. COPY on PostgreSQL (of the text
    `prepared` already, if given), one executemany on SQLite: building a model instance per row
    would cost more than the database's own work."""
    if not rows:
        return []
    table = model._meta.db_table
    if prepared:
        names, text, ids = prepared
        insert_rows(table, names, text)
    else:
        names, full_rows, drawn = _table_rows(model, columns, rows, when, None)
        insert_rows(table, names, full_rows)
        if drawn is None:
            # SQLite has one writer at a time, this transaction: the rows took consecutive ids.
            with connection.cursor() as cursor:
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
            drawn = list(range(last - len(rows) + 1, last + 1))
        ids = drawn
    # The history rows, copied by the database from the rows just written: sending the same
    # values a second time costs the client and the wire twice what the copy costs the server.
    history_copy(model, ids, kind="+", reason="import", when=when)
    return ids


def _default(f: Any, now: dt.datetime) -> Any:
    """A field's default as the database takes it (JSON as text: COPY reads it as fast as any)."""
    value = now if getattr(f, "auto_now", False) else f.get_default()
    if f.get_internal_type() == "JSONField":
        return json.dumps(value)
    return f.get_db_prep_save(value, connection)


def _update(
    model: type[Any], columns: tuple[str, ...], records: list[dict[str, Any]], when: dt.datetime
) -> None:
    """Write the changed records' columns (and a person's updated_at), with '~' history rows."""
    if not records:
        return
    stamp = model is Person
    sets = ", ".join([*(f"{c} = %s" for c in columns), *(["updated_at = %s"] if stamp else [])])
    now = connection.ops.adapt_datetimefield_value(when)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {model._meta.db_table} SET {sets} WHERE id = %s",  # noqa: S608 - our names
            [(*(r[c] for c in columns), *([now] if stamp else []), r["id"]) for r in records],
        )
    history_copy(model, [r["id"] for r in records], kind="~", reason="import", when=when)


def _reindex(touched: list[int], progress: Progress | None) -> None:
    """Index everyone written, in this transaction (bulk writes bypass the directory's signals)."""
    if not touched:
        return
    if progress:
        progress(ImportBatch.Stage.INDEX, 0, len(touched))
    people_reindex(person_ids=touched)
    if progress:
        progress(ImportBatch.Stage.INDEX, len(touched), len(touched))


def people_import(
    *,
    table: Table,
    mapping: dict[str, str],
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, match and (unless dry_run, or errors without skip_invalid) write, all or nothing."""
    with collector_paused():
        return _people_import(table, mapping, dry_run, skip_invalid, progress)


def _chunks(table: Table) -> Iterator[tuple[int, int]]:
    """(start, stop) of each chunk, read from the table as it comes. The first is a tenth of
    CHUNK, so the database starts writing soon; each is at most a quarter larger than the one
    before, up to CHUNK, so the next is checked and planned in about the time the database
    takes to write the last (Python's part of a row costs a little less than the database's)
    and the database does not wait for it."""
    start, size = 0, max(1, CHUNK // 10)
    while True:
        stop = min(table.read(start + size), start + size)
        if stop <= start:
            return
        yield start, stop
        start, size = stop, min(CHUNK, max(size + 1, size * 5 // 4))


def _plan_and_report(run: Run, progress: Progress | None, table: Table) -> None:
    start = run.plan()
    if progress:  # the rows before this chunk are written, or being written
        stage = ImportBatch.Stage.WRITE if run.writing else ImportBatch.Stage.VALIDATE
        progress(stage, start, table.estimated_rows())


def _people_import(
    table: Table,
    mapping: dict[str, str],
    dry_run: bool,
    skip_invalid: bool,
    progress: Progress | None,
) -> ImportReport:
    mapping = check_mapping(table.headers, mapping)
    report = ImportReport(dry_run=dry_run, encoding=table.encoding, mapping=mapping)
    if progress:
        progress(ImportBatch.Stage.VALIDATE, 0, table.estimated_rows())
    checks = Checks(table, mapping)
    read = [m._meta.db_table for m in (Person, Education, Employment)]  # see _lookup
    with reading_aside(tables=read, depth=4) as aside, transaction.atomic():
        with WriteBehind(depth=4) as behind:
            run = Run(checks, behind, aside, dry_run=dry_run, skip_invalid=skip_invalid)
            # One chunk checked ahead, its lookup running meanwhile (aside, or queued before the
            # writes of the one planned), unless the writer is starving (Run.starving). The
            # file is read as it is checked (a lazy table): the first chunks are written while
            # the rest is read.
            for start, stop in _chunks(table):
                run.check(start, stop)
                while run.ahead and (len(run.ahead) > 1 or run.starving()):
                    _plan_and_report(run, progress, table)
            while run.ahead:
                _plan_and_report(run, progress, table)
            behind.wait()
        total = report.rows = len(table.rows)
        if progress:
            progress(
                ImportBatch.Stage.WRITE if run.writing else ImportBatch.Stage.VALIDATE, total, total
            )
        report.errors = sorted(run.errors, key=lambda e: (e.row, e.column))
        report.valid = run.valid
        if not run.writing:
            # A large preview counts from the matches: updates include rows that would not change.
            report.created = run.valid - run.matched
            report.updated = run.matched
            transaction.set_rollback(True)
            return report
        created = run.created()
        report.created, report.updated, report.unchanged = len(created), run.updated, run.unchanged
        if run.can_commit:
            _reindex(run.touched + created, progress)
            report.skipped = report.invalid
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report
