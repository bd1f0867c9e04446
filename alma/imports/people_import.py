"""Importing people: validate every row, match rows to people, write all or nothing.

Matching before linkage: a row is the same person as an existing record with the same student
number, else the same email, else the same phone; rows of the file that share an email or a
phone are one person too (a bachelor's and a master's row, with two student numbers), and each
of their educations is kept. A person's own fields take the non-empty values of the row of
their latest education (rows of older ones only fill what is empty), so the result does not
depend on the order of the rows, and the same file imported twice changes nothing. The old
values stay in the history.

Everything is written in one transaction, on the request's or command's own connection: a crash
or a kill leaves the database as before, and the database checks every reference as it would
for any other writer. Files run to a million rows, so the file is read as it goes and worked
through in chunks of CHUNK rows: each column of a chunk is cleaned once per distinct text, the
people it names are read with a few queries, and its rows are written with COPY (PostgreSQL) or
one executemany (SQLite), their history rows copied inside the database by one statement per
table. The directory is re-indexed once, at the end, for everyone written.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from alma.imports.fields import (
    DURATION,
    EDUCATION_IMPORT_FIELDS,
    EMPLOYMENT_IMPORT_FIELDS,
    FIELDS,
    NAME_FIELDS,
    PERSON_IMPORT_FIELDS,
    CellError,
    _today,
    clean_column,
    composed_name,
    phone_key,
)
from alma.imports.models import ImportBatch
from alma.imports.reading import Table
from alma.lib.bulk import history_copy, insert_rows, select_one_of, sequence_ids
from alma.lib.errors import ApplicationError
from alma.lib.reasons import Reason
from alma.people.models import (
    ChapterMembership,
    Consent,
    ConsentPurpose,
    Education,
    Employment,
    Person,
    PersonRelation,
    Stage,
    StageTransition,
)
from alma.people.services import people_reindex

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)
CHUNK = 5_000  # rows checked, matched and written at a time
SIMULATE_MAX = 20_000  # previews of more valid rows are counted, not rehearsed
MERGES_LISTED = 500  # rows merged into an earlier row's person, listed in the report

# The columns an import writes, in the order the planned rows hold them.
EDUCATION_COLUMNS = (*EDUCATION_IMPORT_FIELDS, "expected_graduation_year")
EMPLOYMENT_COLUMNS = (*EMPLOYMENT_IMPORT_FIELDS, "is_current")
PERSON_COLUMNS = (*PERSON_IMPORT_FIELDS, "stage")
# What a parent's or guardian's consent column agrees to.
PARENT_CONSENT_PURPOSES = (ConsentPurpose.SEND_OFF, ConsentPurpose.NEW_PARENTS)


@dataclass
class RowError:
    """A row's problem; its reason is kept in no language and shown in the reader's."""

    row: int
    column: str
    reason: Reason

    @property
    def message(self) -> str:
        return str(self.reason)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason.as_dict()}


@dataclass
class ImportReport:
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    educations_added: int = 0
    parents_added: int = 0
    merged_rows: int = 0
    committed: bool = False
    dry_run: bool = False
    encoding: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    not_imported: list[str] = field(default_factory=list)
    # rows that are the same person as an earlier row: {"row", "with_row"} (the first few)
    merged: list[dict[str, int]] = field(default_factory=list)
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
            "educations_added": self.educations_added,
            "parents_added": self.parents_added,
            "merged_rows": self.merged_rows,
            "merged": self.merged,
            "committed": self.committed,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "mapping": self.mapping,
            "not_imported": self.not_imported,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    # the first row of the file with the same email or phone (this row's person is theirs)
    same_as: int | None = None
    person_id: int | None = None  # in the database; negative: a person this chunk creates
    education_id: int | None = None  # the education its student number names, if any


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping limited to this file's headers; raises if it is unusable."""
    clean = {h: f for h, f in mapping.items() if f and h in headers}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise ApplicationError(
            Reason(gettext_noop("Unknown fields in the mapping: %s"), (", ".join(unknown),))
        )
    targets = list(clean.values())
    twice = sorted({f for f in targets if targets.count(f) > 1})
    if twice:
        raise ApplicationError(
            Reason(gettext_noop("Two columns map to the same field: %s"), (", ".join(twice),))
        )
    if not any(name in targets for name in NAME_FIELDS):
        raise ApplicationError(
            Reason(
                gettext_noop(
                    "No column is mapped to the full name (or to the family and given names)."
                )
            )
        )
    return clean


def not_imported(headers: list[str], mapping: dict[str, str]) -> list[str]:
    """The file's named columns that no field takes: shown, never silently dropped."""
    return [h for h in headers if h and h not in mapping]


def chapters_by_name() -> dict[str, int]:
    """Chapter ids by name, as a file may write it (any case)."""
    from alma.people.models import Chapter

    return {name.casefold(): pk for pk, name in Chapter.objects.values_list("pk", "name")}


class RowChecks:
    """A file's rows cleaned field by field and checked row by row (names, years, chapters,
    identifiers repeated in the file), a chunk at a time, in the file's order."""

    def __init__(self, mapping: dict[str, str], headers: list[str]) -> None:
        self.header_of = {name: header for header, name in mapping.items()}
        self.names = list(self.header_of)
        self.positions = [headers.index(header) for header in self.header_of.values()]
        self.name_header = next(self.header_of[n] for n in NAME_FIELDS if n in self.header_of)
        self.chapters = chapters_by_name() if "chapter" in self.header_of else {}
        self.first_line_of_number: dict[str, int] = {}
        # email or phone -> the first row of the file that gave it (rows sharing one: a person)
        self.first_line_of_email: dict[str, int] = {}
        self.first_line_of_phone: dict[str, int] = {}

    def rows(self, chunk: list[tuple[int, list[Any]]]) -> tuple[list[Row], list[RowError]]:
        """The chunk's valid rows, and the errors of the others."""
        header_of, names = self.header_of, self.names
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
        composing = "family_name" in header_of or "given_name" in header_of
        for k, (line, cleaned) in enumerate(zip(lines, zip(*columns, strict=True), strict=True)):
            values = dict(zip(names, cleaned, strict=True))
            problems: list[RowError] = []
            if k in bad_rows:
                for name in names:
                    if isinstance(values[name], CellError):
                        problems.append(RowError(line, header_of[name], values.pop(name).reason))
            if composing and not values.get("full_name"):
                values["full_name"] = composed_name(
                    values.get("family_name") or "", values.get("given_name") or ""
                )[:200]
            if not values.get("full_name") and not any(
                p.column == self.name_header for p in problems
            ):
                problems.append(
                    RowError(line, self.name_header, Reason(gettext_noop("name is missing")))
                )
            problems += self._row_problems(line, values, bare=not problems)
            if problems:
                errors.extend(problems)
                continue
            row = Row(line, values)
            problem = self._group(row)
            if problem:
                errors.append(problem)
            else:
                rows.append(row)
        return rows, errors

    def _row_problems(self, line: int, values: dict[str, Any], *, bare: bool) -> list[RowError]:
        """The row's problems across its cells (`bare`: none of its cells has one; a missing
        year is then the row's one problem worth naming)."""
        header_of = self.header_of
        problems: list[RowError] = []
        entry, graduation = values.get("entry_year"), values.get("graduation_year")
        entry = entry or values.get("admission_year")
        if entry and graduation and graduation < entry:
            problems.append(
                RowError(
                    line,
                    header_of["graduation_year"],
                    Reason(gettext_noop("graduation before entry")),
                )
            )
        has_education = (
            values.get("student_number")
            or values.get("school")
            or values.get("major")
            or values.get("degree_level")
        )
        if has_education and not entry and not graduation and bare and not problems:
            header = (
                header_of.get("graduation_year")
                or header_of.get("entry_year")
                or header_of.get("admission_year")
                or self.name_header
            )
            problems.append(
                RowError(
                    line, header, Reason(gettext_noop("an entry or graduation year is needed"))
                )
            )
        chapter = values.get("chapter")
        if chapter:
            chapter_id = self.chapters.get(chapter.casefold())
            if chapter_id is None:
                problems.append(
                    RowError(
                        line,
                        header_of["chapter"],
                        Reason(gettext_noop("unknown chapter: %(name)s"), {"name": chapter}),
                    )
                )
            values["chapter"] = chapter_id
        parent_phone, parent_email = values.get("parent_phone"), values.get("parent_email")
        if (parent_phone and parent_phone == values.get("phone")) or (
            parent_email and parent_email == values.get("email")
        ):
            column = "parent_phone" if parent_phone == values.get("phone") else "parent_email"
            problems.append(
                RowError(
                    line,
                    header_of[column],
                    Reason(gettext_noop("the parent's contact is the person's own")),
                )
            )
        elif values.get("parent_name") and not (parent_phone or parent_email):
            column = "parent_phone" if "parent_phone" in header_of else "parent_email"
            problems.append(
                RowError(
                    line,
                    header_of.get(column) or header_of["parent_name"],
                    Reason(gettext_noop("a parent needs a phone or an email")),
                )
            )
        elif (parent_phone or parent_email) and not values.get("parent_name"):
            column = "parent_name" if "parent_name" in header_of else "parent_phone"
            problems.append(
                RowError(
                    line,
                    header_of.get(column) or header_of.get("parent_email") or self.name_header,
                    Reason(gettext_noop("the parent's name is missing")),
                )
            )
        return problems

    def _group(self, row: Row) -> RowError | None:
        """Find the earlier row of the same person (same email or phone); a student number
        given twice is an error."""
        values, line, header_of = row.values, row.line, self.header_of
        number = values.get("student_number")
        if number:
            first = self.first_line_of_number.setdefault(number, line)
            if first != line:
                return RowError(
                    line,
                    header_of["student_number"],
                    Reason(gettext_noop("same as row %(row)d"), {"row": first}),
                )
        email, phone = values.get("email"), values.get("phone")
        by_email = self.first_line_of_email.get(email) if email else None
        by_phone = self.first_line_of_phone.get(phone) if phone else None
        if by_email and by_phone and by_email != by_phone:
            return RowError(
                line,
                header_of["phone"],
                Reason(
                    gettext_noop(
                        "the email is row %(email_row)d's and the phone row %(phone_row)d's"
                    ),
                    {"email_row": by_email, "phone_row": by_phone},
                ),
            )
        row.same_as = by_email or by_phone
        group = row.same_as or line
        if email:
            self.first_line_of_email.setdefault(email, group)
        if phone:
            self.first_line_of_phone.setdefault(phone, group)
        return None


@dataclass
class Existing:
    """People as they are now: plain dicts of the fields an import may change."""

    people: dict[int, dict[str, Any]]
    educations_of: dict[int, list[dict[str, Any]]]  # by person, oldest record first
    jobs_of: dict[int, list[dict[str, Any]]]


@dataclass
class Found:
    """What the database holds for one chunk's identifiers."""

    by_number: dict[str, tuple[int, int]]  # student number -> (person id, education id)
    by_email: dict[str, int]
    existing: Existing


def _records(sql: str, column: str, ids: list[int], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(names, row, strict=True)) for row in select_one_of(sql, column, ids)]


def _existing(person_ids: list[int]) -> Existing:
    people_columns = ("id", *PERSON_COLUMNS)
    education_columns = ("id", "person_id", *EDUCATION_COLUMNS)
    job_columns = ("id", "person_id", *EMPLOYMENT_IMPORT_FIELDS)
    people = {
        p["id"]: p
        for p in _records(
            f"SELECT {', '.join(people_columns)} FROM people_person WHERE {{where}}",  # noqa: S608 - our own names
            "id",
            person_ids,
            people_columns,
        )
    }
    existing = Existing(people, {}, {})
    for education in _records(
        f"SELECT {', '.join(education_columns)} FROM people_education WHERE {{where}} "  # noqa: S608
        "ORDER BY id",
        "person_id",
        person_ids,
        education_columns,
    ):
        existing.educations_of.setdefault(education["person_id"], []).append(education)
    for job in _records(
        f"SELECT {', '.join(job_columns)} FROM people_employment WHERE {{where}} "  # noqa: S608
        "ORDER BY is_current DESC, start_year DESC, id",
        "person_id",
        person_ids,
        job_columns,
    ):
        existing.jobs_of.setdefault(job["person_id"], []).append(job)
    return existing


class PeopleMatcher:
    """Rows matched to people in the database: by student number, else email, else phone, and
    to the person of the file's earlier row with the same email or phone. The database is read
    on the import's own connection, so it holds the people the import has written already;
    phones are read once, before any write (stored phones may be written any way: each is
    put in the form rows are matched on)."""

    def __init__(self, header_of: dict[str, str], phones: bool) -> None:
        self.header_of = header_of
        self.by_phone: dict[str, int] = {}
        if phones:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, phone FROM people_person WHERE phone <> '' ORDER BY id")
                for pk, phone in cursor.fetchall():
                    key = phone_key(phone)
                    if key:
                        self.by_phone.setdefault(key, pk)
        # the first row of each person of the file -> their id (negative: not written yet)
        self.person_of_first_row: dict[int, int] = {}
        # emails people had before a row of this import changed them
        self.former_emails: dict[str, int] = {}

    def lookup(self, rows: list[Row]) -> Found:
        numbers = [r.values["student_number"] for r in rows if r.values.get("student_number")]
        emails = [r.values["email"] for r in rows if r.values.get("email")]
        by_number = {
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
        found = {person_id for person_id, _pk in by_number.values()} | set(by_email.values())
        for row in rows:
            v = row.values
            found.add(self.by_phone.get(v.get("phone") or "", 0))
            found.add(self.former_emails.get(v.get("email") or "", 0))
            found.add(self.person_of_first_row.get(row.same_as or row.line, 0))
        return Found(by_number, by_email, _existing(sorted(pk for pk in found if pk > 0)))

    def match(self, rows: list[Row], found: Found) -> tuple[list[Row], list[RowError]]:
        """Set each row's person (a negative id for one to create); conflicts are errors."""
        header_of = self.header_of
        matched: list[Row] = []
        errors: list[RowError] = []
        for row in rows:
            v = row.values
            hits: dict[str, int] = {}
            number = found.by_number.get(v.get("student_number") or "")
            if number:
                hits["student_number"], row.education_id = number
            email = v.get("email") or ""
            by_email = self.former_emails.get(email) or found.by_email.get(email)
            if by_email:
                hits["email"] = by_email
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
                        Reason(
                            gettext_noop(
                                "matches a different existing person than the row's other identifiers"
                            )
                        ),
                    )
                )
                continue
            in_database = next(iter(hits.values()), None)
            first_row = row.same_as or row.line
            in_file = self.person_of_first_row.get(first_row)
            if in_database and in_file and in_database != in_file:
                column = "email" if v.get("email") else "phone"
                errors.append(
                    RowError(
                        row.line,
                        header_of[column],
                        Reason(
                            gettext_noop(
                                "same email or phone as row %(row)d, but the row's other "
                                "identifiers are another existing person's"
                            ),
                            {"row": first_row},
                        ),
                    )
                )
                continue
            row.person_id = in_database or in_file or -first_row
            self.person_of_first_row[first_row] = row.person_id
            matched.append(row)
        return matched, errors

    def remember_former_email(self, person: dict[str, Any], email: str) -> None:
        if email and person["email"] and person["email"].lower() != email:
            self.former_emails.setdefault(person["email"].lower(), person["id"])

    def written(self, new_ids: dict[int, int]) -> None:
        """The people a chunk created have their ids (negative id -> id)."""
        for first_row, pk in list(self.person_of_first_row.items()):
            if pk < 0:
                self.person_of_first_row[first_row] = new_ids[pk]


def _stage_inferred(v: dict[str, Any], year: int) -> str:
    """A new person's stage when the file does not give one."""
    graduation, admission = v.get("graduation_year"), v.get("admission_year")
    if graduation is not None:
        return Stage.ALUMNUS if graduation <= year else Stage.STUDENT
    if admission is not None and admission >= year:
        return Stage.PROSPECTIVE
    return Stage.NONE


def _education_values(v: dict[str, Any], year: int) -> dict[str, Any] | None:
    """The education a row describes, as a dict of EDUCATION_COLUMNS (None if none)."""
    number, school, major = v.get("student_number"), v.get("school"), v.get("major")
    degree, entry, graduation = v.get("degree_level"), v.get("entry_year"), v.get("graduation_year")
    admission = v.get("admission_year")
    entry = entry or admission
    if not (number or entry or graduation or school or major or degree):
        return None
    degree = degree or "bachelor"
    if entry is None and graduation is not None:
        entry = graduation - DURATION[degree]
    expected = graduation
    if expected is None and admission is not None:
        expected = admission + DURATION[degree]
    return {
        "student_number": number or None,
        "entry_year": entry,
        "graduation_year": graduation if graduation and graduation <= year else None,
        "school": school or "",
        "major": major or "",
        "degree_level": degree,
        "expected_graduation_year": expected,
    }


def _set_values(record: dict[str, Any], values: dict[str, Any], *, fill_only: bool = False) -> None:
    """Take the non-empty values (only into empty fields, if fill_only)."""
    for name, value in values.items():
        if value in (None, "") or (fill_only and record[name] not in (None, "")):
            continue
        record[name] = value


def _recency(education: dict[str, Any], position: int) -> tuple[int, int, int]:
    """How recent an education is: its entry, then graduation, then the order it was written."""
    return (education["entry_year"] or 0, education["graduation_year"] or 0, position)


@dataclass
class PersonPlan:
    """What a chunk's rows make of one person: the record as it will be, and as it was."""

    person: dict[str, Any]
    educations: list[dict[str, Any]]
    jobs: list[dict[str, Any]]
    before: dict[str, Any]  # the person's fields before the chunk (empty for a new person)
    educations_before: dict[int, dict[str, Any]]  # by id
    jobs_before: dict[int, dict[str, Any]]
    chapters: set[int] = field(default_factory=set)
    parents: list[dict[str, Any]] = field(default_factory=list)
    inferred_stage: str = Stage.NONE  # a new person's, from their latest row, if none is given

    @classmethod
    def new(cls, person_id: int) -> "PersonPlan":
        person: dict[str, Any] = dict.fromkeys(PERSON_COLUMNS, "")
        person.update(id=person_id, date_of_birth=None, stage=None)
        return cls(person, [], [], {}, {}, {})

    @classmethod
    def of(cls, person_id: int, existing: Existing) -> "PersonPlan":
        person = existing.people[person_id]
        educations = existing.educations_of.get(person_id, [])
        jobs = existing.jobs_of.get(person_id, [])
        return cls(
            person,
            educations,
            jobs,
            dict(person),
            {e["id"]: dict(e) for e in educations},
            {j["id"]: dict(j) for j in jobs},
        )

    @property
    def is_new(self) -> bool:
        return self.person["id"] < 0

    def take(self, row: Row, year: int) -> None:
        """Apply one row: its education and job, and its person fields if its education is the
        person's latest (or it names none); otherwise they only fill what is empty."""
        v = row.values
        education = self._take_education(row, year)
        latest = education is None or education is max(
            self.educations,
            key=lambda e: _recency(e, e["id"] if e["id"] else 2**62 + self.educations.index(e)),
        )
        person_values = {n: v[n] for n in PERSON_IMPORT_FIELDS if n in v}
        if v.get("stage"):
            person_values["stage"] = v["stage"]
        _set_values(self.person, person_values, fill_only=not latest)
        if self.is_new and latest:
            self.inferred_stage = _stage_inferred(v, year)
        self._take_job(v)
        if v.get("chapter"):
            self.chapters.add(v["chapter"])
        if v.get("parent_name"):
            self.parents.append(v)

    def _take_education(self, row: Row, year: int) -> dict[str, Any] | None:
        values = _education_values(row.values, year)
        if values is None:
            return None
        number = values["student_number"]
        education = None
        if row.education_id:
            education = next((e for e in self.educations if e["id"] == row.education_id), None)
        if education is None and number:
            education = next((e for e in self.educations if e["student_number"] == number), None)
        if education is None:
            # The same degree at the same school (or the row names no school), unless the two
            # have different student numbers: then they are two courses of study.
            education = next(
                (
                    e
                    for e in self.educations
                    if e["degree_level"] == values["degree_level"]
                    and (e["school"] == values["school"] or not values["school"])
                    and not (number and e["student_number"] and e["student_number"] != number)
                ),
                None,
            )
        if education is None:
            self.educations.append({"id": None, "person_id": self.person["id"], **values})
            return self.educations[-1]
        _set_values(education, values)
        if education["graduation_year"] and education["graduation_year"] < education["entry_year"]:
            education["entry_year"] = (
                education["graduation_year"] - DURATION[education["degree_level"]]
            )
        return education

    def _take_job(self, v: dict[str, Any]) -> None:
        values = {n: v.get(n) or "" for n in EMPLOYMENT_IMPORT_FIELDS}
        if not values["organization_name"]:
            return
        name = values["organization_name"].casefold()
        job = next((j for j in self.jobs if j["organization_name"].casefold() == name), None)
        if job is None:
            self.jobs.append({"id": None, "person_id": self.person["id"], **values})
        else:
            _set_values(job, values)

    def person_changed(self) -> bool:
        return any(self.person[n] != self.before[n] for n in PERSON_COLUMNS)

    def changed_educations(self) -> list[dict[str, Any]]:
        return [
            e
            for e in self.educations
            if e["id"]
            and any(e[n] != self.educations_before[e["id"]][n] for n in EDUCATION_COLUMNS)
        ]

    def changed_jobs(self) -> list[dict[str, Any]]:
        return [
            j
            for j in self.jobs
            if j["id"]
            and any(j[n] != self.jobs_before[j["id"]][n] for n in EMPLOYMENT_IMPORT_FIELDS)
        ]


@dataclass
class Changes:
    """What one chunk writes. Person ids below zero stand for the people it creates."""

    new_people: list[dict[str, Any]] = field(default_factory=list)
    new_educations: list[dict[str, Any]] = field(default_factory=list)
    new_jobs: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    educations: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[tuple[int, str, str]] = field(default_factory=list)
    memberships: list[tuple[int, int]] = field(default_factory=list)  # (chapter, person)
    parents: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (person, row)
    when: dt.datetime = field(default_factory=timezone.now)

    def add(self, plan: PersonPlan) -> bool:
        """Take a plan's writes; True if the person or their records change."""
        person_id = plan.person["id"]
        changed = False
        if plan.is_new:
            plan.person["stage"] = plan.person["stage"] or plan.inferred_stage
            self.new_people.append(plan.person)
            if plan.person["stage"] != Stage.NONE:
                self.transitions.append((person_id, Stage.NONE, plan.person["stage"]))
            changed = True
        elif plan.person_changed():
            self.people.append(plan.person)
            if plan.person["stage"] != plan.before["stage"]:
                self.transitions.append((person_id, plan.before["stage"], plan.person["stage"]))
            changed = True
        new_educations = [e for e in plan.educations if not e["id"]]
        new_jobs = [dict(j, is_current=True) for j in plan.jobs if not j["id"]]
        changed_educations, changed_jobs = plan.changed_educations(), plan.changed_jobs()
        self.new_educations += new_educations
        self.new_jobs += new_jobs
        self.educations += changed_educations
        self.jobs += changed_jobs
        self.memberships += [(chapter, person_id) for chapter in sorted(plan.chapters)]
        self.parents += [(person_id, v) for v in plan.parents]
        return changed or bool(new_educations or new_jobs or changed_educations or changed_jobs)


class PeopleImport:
    """One import under way: chunks are checked, matched, planned and written in turn, in the
    caller's transaction (see people_import)."""

    def __init__(self, checks: RowChecks, *, dry_run: bool, skip_invalid: bool, source: str):
        self.checks = checks
        self.header_of = checks.header_of
        self.person_columns = tuple(
            n for n in PERSON_IMPORT_FIELDS if n in self.header_of or n == "full_name"
        )
        self.dry_run, self.skip_invalid, self.source = dry_run, skip_invalid, source
        phones = "phone" in self.header_of or "parent_phone" in self.header_of
        self.matcher = PeopleMatcher(self.header_of, phones=phones)
        self.parents = ParentWriter(self.matcher.by_phone, source)
        self.errors: list[RowError] = []
        self.merged: list[dict[str, int]] = []
        self.valid = self.merged_rows = self.educations_added = 0
        self.created: set[int] = set()  # people the rows created
        self.planned_new: set[int] = set()  # ... and those a preview that stopped writing counts
        self.seen: set[int] = set()  # people who existed before the import, matched by a row
        self.changed: set[int] = set()  # ... and changed by it
        self.touched: list[int] = []  # everyone written, for the directory
        self.writing = True

    @property
    def can_commit(self) -> bool:
        return not self.dry_run and (self.skip_invalid or not self.errors)

    def chunk(self, chunk: list[tuple[int, list[Any]]]) -> None:
        rows, errors = self.checks.rows(chunk)
        found = self.matcher.lookup(rows)
        rows, match_errors = self.matcher.match(rows, found)
        self.errors += errors + match_errors
        self.valid += len(rows)
        for row in rows:
            if row.same_as is not None:
                self.merged_rows += 1
                if len(self.merged) < MERGES_LISTED:
                    self.merged.append({"row": row.line, "with_row": row.same_as})
        for row in rows:
            pid = row.person_id or 0
            if pid < 0:
                self.planned_new.add(pid)
            elif pid not in self.created:
                self.seen.add(pid)
        self.writing = self.writing and (self.can_commit or self.valid <= SIMULATE_MAX)
        if not self.writing:
            return
        year = _today().year
        plans: dict[int, PersonPlan] = {}
        for row in rows:
            pid = row.person_id or 0
            plan = plans.get(pid)
            if plan is None:
                plan = PersonPlan.new(pid) if pid < 0 else PersonPlan.of(pid, found.existing)
                plans[pid] = plan
            if not plan.is_new:
                self.matcher.remember_former_email(plan.person, row.values.get("email") or "")
            plan.take(row, year)
        changes = Changes()
        for pid, plan in plans.items():
            if changes.add(plan) and pid > 0:
                self.touched.append(pid)
                if pid in self.seen:
                    self.changed.add(pid)
        new_ids = self._write(changes)
        self.matcher.written(new_ids)
        self.created.update(new_ids.values())
        self.touched += new_ids.values()

    def _write(self, changes: Changes) -> dict[int, int]:
        """Write one chunk's changes with their history rows; returns the new people's ids
        by the negative ids that stood for them."""
        when = changes.when
        person_columns = (*self.person_columns, "stage")
        new_ids = dict(
            zip(
                [p["id"] for p in changes.new_people],
                _insert_new_rows(
                    Person,
                    person_columns,
                    [tuple(p[c] for c in person_columns) for p in changes.new_people],
                    when,
                ),
                strict=True,
            )
        )

        def person(pk: int) -> int:
            return new_ids[pk] if pk < 0 else pk

        _insert_new_rows(
            Education,
            ("person_id", *EDUCATION_COLUMNS),
            [
                (person(e["person_id"]), *(e[c] for c in EDUCATION_COLUMNS))
                for e in changes.new_educations
            ],
            when,
        )
        self.educations_added += len(changes.new_educations)
        _insert_new_rows(
            Employment,
            ("person_id", *EMPLOYMENT_COLUMNS),
            [
                (person(j["person_id"]), *(j[c] for c in EMPLOYMENT_COLUMNS))
                for j in changes.new_jobs
            ],
            when,
        )
        _update_records(Person, PERSON_COLUMNS, changes.people, when)
        _update_records(Education, EDUCATION_COLUMNS, changes.educations, when)
        _update_records(Employment, EMPLOYMENT_IMPORT_FIELDS, changes.jobs, when)
        insert_rows(
            StageTransition._meta.db_table,
            ("person_id", "from_stage", "to_stage", "occurred_at"),
            [(person(pk), before, after, when) for pk, before, after in changes.transitions],
        )
        joined = _add_memberships([(chapter, person(pk)) for chapter, pk in changes.memberships])
        self.touched += [pk for pk in joined if pk not in self.created and pk > 0]
        if changes.parents:
            self.touched += self.parents.write([(person(pk), v) for pk, v in changes.parents], when)
        return new_ids


class ParentWriter:
    """Parents' and guardians' records from the rows' parent columns: a parent is found by
    phone or email (among everyone, and the parents this import wrote), else created; linked
    to the student (PersonRelation); their consent column recorded for the send-off and
    new-parents purposes, with the import as its source, only where it changes the decision
    in force (so a file imported again records nothing)."""

    def __init__(self, by_phone: dict[str, int], source: str) -> None:
        self.by_phone = by_phone  # people who existed before the import
        self.written_by_key: dict[str, int] = {}  # "phone:..." / "email:..." -> parent id
        self.source = source[:60]
        self.added = 0

    def write(self, parents: list[tuple[int, dict[str, Any]]], when: dt.datetime) -> list[int]:
        """Write the chunk's parents; returns the people created."""
        emails = sorted({v["parent_email"] for _pk, v in parents if v.get("parent_email")})
        by_email: dict[str, int] = {}
        for pk, email in select_one_of(
            "SELECT id, lower(email) FROM people_person WHERE {where} ORDER BY id",
            "upper(email)",
            emails,
            apply="upper",
        ):
            by_email.setdefault(email, pk)
        new: dict[str, tuple[str, ...]] = {}  # first key -> (name, phone, email)
        found: list[tuple[int, dict[str, Any], int | str]] = []
        for student, v in parents:
            phone, email = v.get("parent_phone") or "", v.get("parent_email") or ""
            keys = [
                k
                for k in (f"phone:{phone}" if phone else "", f"email:{email}" if email else "")
                if k
            ]
            parent: int | str | None = next(
                (self.written_by_key[k] for k in keys if k in self.written_by_key), None
            )
            if parent is None:
                parent = self.by_phone.get(phone) or by_email.get(email)
            if parent is None:
                key = next((k for k in keys if k in new), keys[0])
                new.setdefault(key, (v["parent_name"], phone, email))
                parent = key
            found.append((student, v, parent))
        created = _insert_new_rows(
            Person,
            ("full_name", "phone", "email", "stage"),
            [(*p, Stage.NONE) for p in new.values()],
            when,
        )
        ids = dict(zip(new, created, strict=True))
        for key, pk in ids.items():
            self.written_by_key[key] = pk
            name, phone, email = new[key]
            if phone:
                self.written_by_key.setdefault(f"phone:{phone}", pk)
            if email:
                self.written_by_key.setdefault(f"email:{email}", pk)
        self.added += len(created)
        relations: dict[tuple[int, int], str] = {}
        consents: dict[int, bool] = {}
        for student, v, parent in found:
            parent_id = ids[parent] if isinstance(parent, str) else parent
            if parent_id == student:
                continue
            relations.setdefault((student, parent_id), v.get("parent_relation") or "parent")
            if v.get("parent_consent") is not None:
                consents[parent_id] = v["parent_consent"]
        _add_relations(relations, when)
        self._record_consents(consents, when)
        return created

    def _record_consents(self, decisions: dict[int, bool], when: dt.datetime) -> None:
        if not decisions:
            return
        in_force: dict[tuple[int, str], bool] = {}
        for person_id, purpose, granted in (
            Consent.objects.filter(
                person_id__in=list(decisions), purpose__in=PARENT_CONSENT_PURPOSES
            )
            .order_by("person_id", "purpose", "recorded_at", "id")
            .values_list("person_id", "purpose", "granted")
        ):
            in_force[(person_id, purpose)] = granted
        insert_rows(
            Consent._meta.db_table,
            ("person_id", "purpose", "granted", "recorded_at", "source"),
            [
                (person_id, str(purpose), granted, when, self.source)
                for person_id, granted in sorted(decisions.items())
                for purpose in PARENT_CONSENT_PURPOSES
                if in_force.get((person_id, purpose)) is not granted
            ],
        )


def _add_relations(relations: dict[tuple[int, int], str], when: dt.datetime) -> None:
    if not relations:
        return
    table = PersonRelation._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (person_id, relative_id, kind, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (person_id, relative_id) DO NOTHING",
            [(*pair, kind, when) for pair, kind in sorted(relations.items())],
        )


def _add_memberships(memberships: list[tuple[int, int]]) -> list[int]:
    """Make the people members of the chapters they are not in yet; returns who joined one."""
    if not memberships:
        return []
    held = set(
        ChapterMembership.objects.filter(
            person_id__in=sorted({pk for _chapter, pk in memberships})
        ).values_list("chapter_id", "person_id")
    )
    new = [pair for pair in memberships if pair not in held]
    ChapterMembership.objects.bulk_create(
        [ChapterMembership(chapter_id=chapter, person_id=pk) for chapter, pk in new]
    )
    return sorted({pk for _chapter, pk in new})


def _table_rows(
    model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]], when: dt.datetime
) -> tuple[list[str], list[tuple[Any, ...]], list[int] | None]:
    """The columns to write, the rows to write in them, and (PostgreSQL) their ids: rows holding
    these columns, then the model's other fields at their defaults (less those the database
    fills itself, db_default: fewer values to send)."""
    rest = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in columns and not f.has_db_default()
    ]
    defaults = tuple(_default(f, when) for f in rest)
    names = [*columns, *(f.column for f in rest)]
    if connection.vendor != "postgresql":
        return names, [(*row, *defaults) for row in rows], None
    ids = sequence_ids(model._meta.db_table, "id", len(rows))
    return ["id", *names], [(pk, *row, *defaults) for pk, row in zip(ids, rows, strict=True)], ids


def _insert_new_rows(
    model: type[Any], columns: tuple[str, ...], rows: list[tuple[Any, ...]], when: dt.datetime
) -> list[int]:
    """Insert rows holding these columns (the others take their defaults) with their '+' history
    rows; returns the new ids in the order of the rows. COPY on PostgreSQL, with ids drawn from
    the table's sequence; one executemany on SQLite."""
    if not rows:
        return []
    names, full_rows, ids = _table_rows(model, columns, rows, when)
    insert_rows(model._meta.db_table, names, full_rows)
    if ids is None:
        # SQLite has one writer at a time, this transaction: the rows took consecutive ids.
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
        ids = list(range(last - len(rows) + 1, last + 1))
    # The history rows, copied by the database from the rows just written (one statement).
    history_copy(model, ids, kind="+", reason="import", when=when)
    return ids


def _default(f: Any, now: dt.datetime) -> Any:
    """A field's default as the database takes it (JSON as text: COPY reads it as fast as any)."""
    value = now if getattr(f, "auto_now", False) else f.get_default()
    if f.get_internal_type() == "JSONField":
        return json.dumps(value)
    return f.get_db_prep_save(value, connection)


def _update_records(
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


def chunks_of(table: Table) -> Iterator[tuple[int, list[tuple[int, list[Any]]]]]:
    """(rows before, rows) of each chunk of CHUNK rows, read from the table as it comes and let
    go once done."""
    while True:
        start = table.taken
        rows = table.take(CHUNK)
        if not rows:
            return
        yield start, rows


def people_import(
    *,
    table: Table,
    mapping: dict[str, str],
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    source: str = "import",
) -> ImportReport:
    """Validate, match and (unless dry_run, or errors without skip_invalid) write, all or nothing.
    `source` names the import on the consents it records."""
    mapping = check_mapping(table.headers, mapping)
    report = ImportReport(
        dry_run=dry_run,
        encoding=table.encoding,
        mapping=mapping,
        not_imported=not_imported(table.headers, mapping),
    )
    if progress:
        progress(ImportBatch.Stage.VALIDATE, 0, table.estimated_rows())
    with transaction.atomic():
        run = PeopleImport(
            RowChecks(mapping, table.headers),
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            source=source,
        )
        for start, rows in chunks_of(table):
            if progress:
                stage = ImportBatch.Stage.WRITE if run.writing else ImportBatch.Stage.VALIDATE
                progress(stage, start, table.estimated_rows())
            run.chunk(rows)
        total = report.rows = table.row_count
        if progress:
            stage = ImportBatch.Stage.WRITE if run.writing else ImportBatch.Stage.VALIDATE
            progress(stage, total, total)
        report.errors = sorted(run.errors, key=lambda e: (e.row, e.column))
        report.valid = run.valid
        report.merged_rows, report.merged = run.merged_rows, run.merged
        if not run.writing:
            # A large preview counts from the matches: updates include people it would not change.
            report.created, report.updated = len(run.planned_new), len(run.seen)
            transaction.set_rollback(True)
            return report
        report.created, report.updated = len(run.created), len(run.changed)
        report.unchanged = len(run.seen - run.changed)
        report.educations_added, report.parents_added = run.educations_added, run.parents.added
        if run.can_commit:
            _reindex(run.touched, progress)
            report.skipped = report.invalid
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report
