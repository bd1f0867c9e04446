"""Importing people: validate every row, match rows to existing people, write all or nothing.

Matching before linkage: a row is the same person as an existing record with the same student
number, else the same email, else the same phone. A matched record takes the row's non-empty
values (the old ones stay in its history); the same file imported twice changes nothing.
Everything is written in one transaction: a crash or a kill leaves the database as before.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from alma.imports.fields import (
    DURATION,
    EDUCATION_FIELDS,
    EMPLOYMENT_FIELDS,
    FIELDS,
    PERSON_FIELDS,
    CellError,
    _today,
    clean_cell,
    phone_key,
)
from alma.imports.reading import Table
from alma.lib.errors import ApplicationError
from alma.people.models import Education, Employment, Person, Stage

Progress = Callable[[str, int, int], None]
CHUNK = 2000
SIMULATE_MAX = 20_000  # previews of more rows are counted, not rehearsed


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


@dataclass
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


def validate_rows(table: Table, mapping: dict[str, str]) -> tuple[list[Row], list[RowError]]:
    """Each row cleaned field by field; row-level rules (names, years, duplicates in the file)."""
    index = {name: table.headers.index(header) for header, name in mapping.items()}
    header_of = {name: header for header, name in mapping.items()}
    rows: list[Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.rows:
        values: dict[str, Any] = {}
        problems: list[RowError] = []
        for name, i in index.items():
            try:
                values[name] = clean_cell(name, cells[i] if i < len(cells) else None)
            except CellError as error:
                problems.append(RowError(line, header_of[name], str(error)))
        if not values.get("full_name") and not any(
            p.column == header_of["full_name"] for p in problems
        ):
            problems.append(RowError(line, header_of["full_name"], _("name is missing")))
        entry, graduation = values.get("entry_year"), values.get("graduation_year")
        if entry and graduation and graduation < entry:
            problems.append(
                RowError(line, header_of["graduation_year"], _("graduation before entry"))
            )
        has_education = any(
            values.get(n) for n in ("student_number", "school", "major", "degree_level")
        )
        if has_education and not entry and not graduation and not problems:
            column = (
                header_of.get("graduation_year")
                or header_of.get("entry_year")
                or header_of["full_name"]
            )
            problems.append(RowError(line, column, _("an entry or graduation year is needed")))
        for key in ("student_number", "email", "phone"):
            value = values.get(key)
            if value:
                first = seen.setdefault((key, value), line)
                if first != line:
                    problems.append(
                        RowError(line, header_of[key], _("same as row %(row)d") % {"row": first})
                    )
        if problems:
            errors.extend(problems)
        else:
            rows.append(Row(line, values))
    return rows, errors


def _chunks(items: list[Any], size: int = 900) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def match_rows(rows: list[Row], mapping: dict[str, str]) -> tuple[list[Row], list[RowError]]:
    """Find each row's existing person (student number, email, phone); conflicts are errors."""
    header_of = {name: header for header, name in mapping.items()}
    numbers = [r.values["student_number"] for r in rows if r.values.get("student_number")]
    by_number: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(numbers):
        for pk, person_id, number in Education.objects.filter(student_number__in=chunk).values_list(
            "pk", "person_id", "student_number"
        ):
            by_number[str(number)] = (person_id, pk)
    emails = [r.values["email"] for r in rows if r.values.get("email")]
    by_email: dict[str, int] = {}
    for chunk in _chunks(emails):
        for pk, email in (
            Person.objects.annotate(e=Lower("email")).filter(e__in=chunk).values_list("pk", "e")
        ):
            by_email.setdefault(email, pk)
    by_phone: dict[str, int] = {}
    if any(r.values.get("phone") for r in rows):
        for pk, phone in Person.objects.exclude(phone="").values_list("pk", "phone").iterator(5000):
            key = phone_key(phone)
            if key:
                by_phone.setdefault(key, pk)
    matched: list[Row] = []
    errors: list[RowError] = []
    claimed: dict[int, int] = {}
    for row in rows:
        v = row.values
        found: dict[str, int] = {}
        if v.get("student_number") in by_number:
            found["student_number"], row.education_id = by_number[v["student_number"]]
        if v.get("email") in by_email:
            found["email"] = by_email[v["email"]]
        if v.get("phone") in by_phone:
            found["phone"] = by_phone[v["phone"]]
        if len(set(found.values())) > 1:
            column = next(
                k
                for k in ("email", "phone")
                if k in found and found[k] != next(iter(found.values()))
            )
            errors.append(
                RowError(
                    row.line,
                    header_of[column],
                    _("matches a different existing person than the row's other identifiers"),
                )
            )
            continue
        if found:
            row.person_id = next(iter(found.values()))
            first = claimed.setdefault(row.person_id, row.line)
            if first != row.line:
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


def _stage_for(graduation: int | None) -> str:
    if graduation is None:
        return Stage.NONE
    return Stage.ALUMNUS if graduation <= _today().year else Stage.STUDENT


def _education_values(v: dict[str, Any]) -> dict[str, Any] | None:
    if not any(v.get(n) for n in EDUCATION_FIELDS):
        return None
    degree = v.get("degree_level") or "bachelor"
    entry, graduation = v.get("entry_year"), v.get("graduation_year")
    if entry is None and graduation is not None:
        entry = graduation - DURATION[degree]
    values = {
        "degree_level": degree,
        "school": v.get("school") or "",
        "major": v.get("major") or "",
        "entry_year": entry,
        "graduation_year": graduation if graduation and graduation <= _today().year else None,
        "expected_graduation_year": graduation,
        "student_number": v.get("student_number") or None,
    }
    return values


def _changed(obj: Any, values: dict[str, Any]) -> bool:
    """Set the non-empty values that differ; True if any did."""
    changed = False
    for name, value in values.items():
        if value in (None, "") or getattr(obj, name) == value:
            continue
        setattr(obj, name, value)
        changed = True
    return changed


def write_rows(rows: list[Row], *, progress: Progress | None = None) -> tuple[int, int, int]:
    """Create and update people; returns (created, updated, unchanged). Call inside atomic."""
    created = updated = unchanged = 0
    total = len(rows)
    existing_ids = [r.person_id for r in rows if r.person_id]
    people = Person.objects.in_bulk(existing_ids)
    educations = Education.objects.in_bulk([r.education_id for r in rows if r.education_id])
    educations_of: dict[int, list[Education]] = {}
    jobs_of: dict[int, list[Employment]] = {}
    for chunk in _chunks(existing_ids):
        for known in Education.objects.filter(person_id__in=chunk):
            educations_of.setdefault(known.person_id, []).append(known)
        for held in Employment.objects.filter(person_id__in=chunk):
            jobs_of.setdefault(held.person_id, []).append(held)
    touched: list[int] = []
    new_educations: list[dict[str, Any]] = []
    new_jobs: list[dict[str, Any]] = []
    first_new_id: int | None = None
    done = 0
    for chunk in _chunks(rows, CHUNK):
        new_people: list[tuple[Row, dict[str, Any]]] = []
        person_updates: list[Person] = []
        education_new: list[Education] = []
        education_updates: list[Education] = []
        job_new: list[Employment] = []
        job_updates: list[Employment] = []
        for row in chunk:
            v = row.values
            person_values = {n: v[n] for n in PERSON_FIELDS if n in v}
            education_values = _education_values(v)
            job_values = {n: v.get(n) or "" for n in EMPLOYMENT_FIELDS}
            if row.person_id is None:
                fresh = {k: val for k, val in person_values.items() if val is not None}
                fresh["stage"] = _stage_for(v.get("graduation_year"))
                new_people.append((row, fresh))
                continue
            person = people[row.person_id]
            changed = False
            if _changed(person, person_values):
                person_updates.append(person)
                changed = True
            if education_values:
                education: Education | None = (
                    educations.get(row.education_id) if row.education_id else None
                )
                if education is None:
                    education = next(
                        (e for e in educations_of.get(person.pk, [])
                         if e.degree_level == education_values["degree_level"]
                         and (e.school == education_values["school"] or not education_values["school"])),
                        None,
                    )  # fmt: skip
                if education is None:
                    education_new.append(Education(person=person, **education_values))
                    changed = True
                elif _changed(education, education_values):
                    if (
                        education.graduation_year
                        and education.graduation_year < education.entry_year
                    ):
                        education.entry_year = (
                            education.graduation_year - DURATION[education.degree_level]
                        )
                    education_updates.append(education)
                    changed = True
            if job_values["organization_name"]:
                name = job_values["organization_name"].casefold()
                job: Employment | None = next(
                    (
                        j
                        for j in jobs_of.get(person.pk, [])
                        if j.organization_name.casefold() == name
                    ),
                    None,
                )
                if job is None:
                    job_new.append(Employment(person=person, is_current=True, **job_values))
                    changed = True
                elif _changed(job, job_values):
                    job_updates.append(job)
                    changed = True
            if changed:
                updated += 1
                touched.append(person.pk)
            else:
                unchanged += 1
        if new_people:
            ids = _fast_create(Person, [fresh for _row, fresh in new_people])
            for (row, _p), pk in zip(new_people, ids, strict=True):
                first_new_id = pk if first_new_id is None else min(first_new_id, pk)
                touched.append(pk)
                education_values = _education_values(row.values)
                if education_values:
                    new_educations.append({"person_id": pk, **education_values})
                if row.values.get("organization_name"):
                    new_jobs.append(
                        {
                            "person_id": pk,
                            "is_current": True,
                            **{n: row.values.get(n) or "" for n in EMPLOYMENT_FIELDS},
                        }
                    )
            created += len(new_people)
        _fast_create(Education, new_educations)
        _fast_create(Employment, new_jobs)
        new_educations, new_jobs = [], []
        if person_updates:
            bulk_update_with_history(person_updates, Person, list(PERSON_FIELDS), batch_size=500)
        if education_new:
            bulk_create_with_history(education_new, Education, batch_size=500)
        # (rows of new people go through _fast_create above)
        if education_updates:
            bulk_update_with_history(
                education_updates,
                Education,
                [*EDUCATION_FIELDS, "expected_graduation_year"],
                batch_size=500,
            )
        if job_new:
            bulk_create_with_history(job_new, Employment, batch_size=500)
        if job_updates:
            bulk_update_with_history(
                job_updates, Employment, list(EMPLOYMENT_FIELDS), batch_size=500
            )
        done += len(chunk)
        if progress:
            progress("write", done, total)
    _reindex(touched, first_new_id, created, progress)
    return created, updated, unchanged


def _fast_create(model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert new rows with multi-row INSERTs (COPY on PostgreSQL) and their '+' history rows.

    Building model instances and history instances for 100,000 rows spends minutes in the ORM;
    this writes the same rows (the history copied inside the database) in seconds.
    """
    from alma.people.demo import _Table

    if not rows:
        return []
    ids = _Table(model).insert(rows, returning=True)
    _history_copy(model, ids)
    return ids


def _history_copy(model: type[Any], pks: list[int]) -> None:
    """django-simple-history's creation rows ('+'), copied from the new rows by the database."""
    history = model.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    columns = [f.column for f in history._meta.concrete_fields if f.column not in own]
    quote = connection.ops.quote_name
    copied = ", ".join(quote(c) for c in columns)
    target = ", ".join(
        quote(c) for c in [*columns, "history_change_reason", "history_date", "history_type"]
    )
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for chunk in _chunks(pks):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}) "  # noqa: S608 - names from the models
                f"SELECT {copied}, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(str(model._meta.pk.column))} IN ({marks})",
                ["import", stamp, "+", *chunk],
            )


def _reindex(
    touched: list[int], first_new_id: int | None, created: int, progress: Progress | None
) -> None:
    """Bulk writes bypass the directory's signals: index the people written, in this transaction."""
    if not touched or not apps.is_installed("alma.directory"):
        return
    from alma.directory.indexing import directory_index_people, directory_rebuild

    if first_new_id is not None and created > 1000:
        directory_rebuild(after_id=first_new_id - 1)
        old = [pk for pk in touched if pk < first_new_id]
    else:
        old = touched
    for chunk in _chunks(sorted(set(old)), 1000):
        directory_index_people(person_ids=chunk)
    if progress:
        progress("index", len(touched), len(touched))


def people_import(
    *,
    table: Table,
    mapping: dict[str, str],
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, match and (unless dry_run, or errors without skip_invalid) write, all or nothing."""
    mapping = check_mapping(table.headers, mapping)
    report = ImportReport(
        rows=len(table.rows), dry_run=dry_run, encoding=table.encoding, mapping=mapping
    )
    if progress:
        progress("validate", 0, report.rows)
    rows, errors = validate_rows(table, mapping)
    commit = not dry_run and (skip_invalid or not errors)
    with transaction.atomic():
        # Matching and writing see the same database: nothing can slip in between.
        rows, match_errors = match_rows(rows, mapping)
        report.errors = sorted(errors + match_errors, key=lambda e: (e.row, e.column))
        report.valid = len(rows)
        if progress:
            progress("validate", report.rows, report.rows)
        commit = commit and (skip_invalid or not match_errors)
        if not commit and len(rows) > SIMULATE_MAX:
            # A large preview counts from the matches: updates include rows that would not change.
            report.created = sum(1 for r in rows if r.person_id is None)
            report.updated = len(rows) - report.created
            return report
        # A preview writes too, then rolls back: its counts are exactly what a commit would do.
        report.created, report.updated, report.unchanged = write_rows(
            rows, progress=progress if commit else None
        )
        if commit:
            report.skipped = report.invalid
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def today() -> dt.date:
    return timezone.localdate()
