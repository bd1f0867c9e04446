"""Exports of a directory search or a segment as CSV or XLSX: the same search and privacy as the page.

Each person goes through `people.privacy.person_view_for`, so a cell holds a value only where the
exporting user may see that field of that person; a column appears only if it is visible for at
least one person. Cells that a spreadsheet would read as a formula are escaped, and every export
is logged (who, when, the query, the columns, how many people).

A segment is a saved directory search (`models.Segment`): creating, editing and deleting one,
its current size, and its export, which is the directory export of its search.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alma.directory.search import FACET_LABELS, DirectoryQuery, clean_query, directory_search
from alma.directory.services import private_views_log
from alma.imports.models import ExportLog, Segment
from alma.lib.errors import ApplicationError
from alma.lib.sheets import escape_cell
from alma.people.models import Person
from alma.people.privacy import PRIVATE_FIELDS, person_view_for

EXPORT_LIMIT = 50_000
PAGE = 500

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
            text=query.text, filters=query.filters, sort=query.sort, page=page, page_size=PAGE
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
def directory_export(
    *, viewer: Any, query: DirectoryQuery, format: str, segment: Segment | None = None
) -> Export:
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
        segment=segment,
        format=format,
        query={"q": query.text, "filters": query.filters, "sort": query.sort},
        fields=[name for name, _key in columns],
        row_count=len(rows),
    )
    return Export(columns=[name for name, _key in columns], rows=rows, log=log)


# Segments: saved searches, evaluated again whenever they are used.

SORT_LABELS: dict[str, Any] = {
    "relevance": gettext_lazy("Best match"),
    "name": gettext_lazy("Name"),
}


def query_params(query: DirectoryQuery) -> dict[str, Any]:
    """The directory page's parameters for a query, without the page: what a segment keeps."""
    params: dict[str, Any] = {}
    if query.text:
        params["q"] = query.text
    for name, values in sorted(query.filters.items()):
        params[name] = list(values)
    if query.sort != "relevance":
        params["sort"] = query.sort
    return params


def segment_query(segment: Segment) -> DirectoryQuery:
    # Cleaned again on every use: what was stored passes the same checks as the page's URL.
    return clean_query(segment.query or {})


def directory_querystring(query: DirectoryQuery) -> str:
    """The directory page's query string for a query: where a segment opens."""
    return urlencode(query_params(query), doseq=True)


@dataclass
class SearchSummary:
    """A search in words, and how many people it finds now, for the viewer."""

    text: str
    filters: list[tuple[Any, list[str]]]  # (facet label, chosen values' labels)
    sort: Any
    total: int
    approximate: bool


def search_summary(*, viewer: Any, query: DirectoryQuery) -> SearchSummary:
    """Run the search for its count (and its facet labels), as the viewer may see it."""
    probe = DirectoryQuery(text=query.text, filters=query.filters, sort=query.sort, page_size=1)
    result = directory_search(viewer=viewer, query=probe)
    filters = []
    for name, chosen in query.filters.items():
        labels = {v.value: v.label for v in result.facets.get(name, []) if v.selected}
        filters.append((FACET_LABELS.get(name, name), [labels.get(v, v) for v in chosen]))
    return SearchSummary(
        text=query.text,
        filters=filters,
        sort=SORT_LABELS.get(query.sort, query.sort),
        total=result.total,
        approximate=result.approximate,
    )


def _segment_name(name: str, *, other_than: Segment | None = None) -> str:
    name = name.strip()[:120]
    if not name:
        raise ApplicationError(_("A segment needs a name."), field="name")
    taken = Segment.objects.filter(name=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise ApplicationError(
            _("A segment called %(name)s already exists.") % {"name": name}, field="name"
        )
    return name


@transaction.atomic
def segment_create(*, name: str, description: str, query: DirectoryQuery, by: Any) -> Segment:
    return Segment.objects.create(
        name=_segment_name(name),
        description=description.strip(),
        query=query_params(query),
        created_by=by if by is not None and by.is_authenticated else None,
    )


@transaction.atomic
def segment_update(*, segment: Segment, name: str, description: str) -> Segment:
    segment.name = _segment_name(name, other_than=segment)
    segment.description = description.strip()
    segment.save(update_fields=["name", "description", "updated_at"])
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    # Its export logs stay, with the search they ran (ExportLog.segment is set to null).
    segment.delete()


def segment_export(*, viewer: Any, segment: Segment, format: str) -> Export:
    """The segment's people now, as the viewer may see them: the directory export of its search."""
    return directory_export(
        viewer=viewer, query=segment_query(segment), format=format, segment=segment
    )
