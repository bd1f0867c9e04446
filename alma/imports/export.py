"""Exports of a directory search as CSV or XLSX: the same search and the same privacy as the page.

Each person goes through `people.privacy.person_view_for`, so a cell holds a value only where the
exporting user may see that field of that person; a column appears only if it is visible for at
least one person. Cells that a spreadsheet would read as a formula are escaped, and every export
is logged (who, when, the query, the columns, how many people).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from alma.directory.search import DirectoryQuery, directory_search
from alma.directory.services import private_views_log
from alma.imports.models import ExportLog
from alma.people.models import Person
from alma.people.privacy import PRIVATE_FIELDS, person_view_for

EXPORT_LIMIT = 50_000
PAGE = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (column, label, privacy key or None for always shown)
COLUMNS: list[tuple[str, Any, str | None]] = [
    ("id", "id", None),
    ("full_name", "full_name", None),
    ("name_latin", "name_latin", None),
    ("stage", "stage", None),
    ("email", "email", "email"),
    ("phone", "phone", "phone"),
    ("wechat", "wechat", "wechat"),
    ("date_of_birth", "date_of_birth", "date_of_birth"),
    ("gender", "gender", "gender"),
    ("current_city", "current_city", "current_location"),
    ("current_province", "current_province", "current_location"),
    ("current_country", "current_country", "current_location"),
    ("hometown_city", "hometown_city", "hometown"),
    ("headline", "headline", "about"),
    ("expertise", "expertise", "expertise"),
    ("interests", "interests", "expertise"),
    ("education", "education", "education"),
    ("employment", "employment", "employment"),
]


def escape_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that starts like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(column: str, view: dict[str, Any]) -> Any:
    if column == "education":
        return "; ".join(
            f"{e.get_degree_level_display()} {e.school} {e.major} {e.graduation_year or e.entry_year}".strip()
            for e in view.get("educations", [])
        )
    if column == "employment":
        return "; ".join(
            f"{j.title} @ {j.organization_name}".strip(" @") for j in view.get("employments", [])
        )
    value = view.get(column)
    if value is not None and hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


@dataclass
class Export:
    columns: list[str]
    rows: list[list[Any]]
    log: ExportLog


def _people(viewer: Any, query: DirectoryQuery) -> Iterable[list[Person]]:
    done = 0
    page = 1
    while done < EXPORT_LIMIT:
        q = DirectoryQuery(
            text=query.text, filters=query.filters, sort="name", page=page, page_size=PAGE
        )
        result = directory_search(viewer=viewer, query=q)
        if not result.person_ids or result.page != page:
            return
        by_id = Person.objects.prefetch_related("educations", "employments").in_bulk(
            result.person_ids
        )
        yield [by_id[pk] for pk in result.person_ids if pk in by_id]
        done += len(result.person_ids)
        if page >= result.num_pages:
            return
        page += 1


@transaction.atomic
def directory_export(*, viewer: Any, query: DirectoryQuery, format: str) -> Export:
    views: list[dict[str, Any]] = []
    shown: dict[int, set[str]] = {}
    people: list[Person] = []
    for chunk in _people(viewer, query):
        for person in chunk:
            view = person_view_for(viewer, person)
            if view is None:
                continue
            views.append(view)
            people.append(person)
            shown[person.pk] = {
                key
                for key, f in PRIVATE_FIELDS.items()
                if f.attributes and any(a in view for a in f.attributes)
            }
    visible_keys = set().union(*shown.values()) if shown else set()
    columns = [(name, key) for name, _label, key in COLUMNS if key is None or key in visible_keys]
    rows = [[escape_cell(_cell(name, view)) for name, _key in columns] for view in views]
    private_views_log(viewer=viewer, people=people, shown=shown, context="export")
    log = ExportLog.objects.create(
        exported_by=viewer if viewer.is_authenticated else None,
        format=format,
        query={"q": query.text, "filters": query.filters},
        fields=[name for name, _key in columns],
        row_count=len(rows),
    )
    return Export(columns=[name for name, _key in columns], rows=rows, log=log)


def csv_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    # A BOM so that Excel opens UTF-8 Chinese text correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: list[str], rows: list[list[Any]], *, title: str = "") -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or _("Export"))[:31])
    sheet.append(columns)
    for row in rows:
        # Escaped text stays text: openpyxl writes a string starting with ' as a string cell.
        sheet.append([str(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
