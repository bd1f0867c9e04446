"""Directory search: full-text + facets over the directory index, one interface, two engines.

PostgreSQL uses the stored tsvector columns (GIN) and GROUPING SETS for all facet counts in
one pass; SQLite uses the FTS5 table and a materialised CTE. Privacy is part of every
clause: a viewer of level L searches doc{L}, sees only entries whose profile rank is <= L,
and a facet counts or filters a person only where that field's rank is <= L.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from alma.accounts.roles import MEMBER_ROLES, Role, roles_of
from alma.directory.text import query_tokens
from alma.people.models import Chapter, DegreeLevel

TABLE = "directory_directoryentry"
YEAR_BUCKET = 5
FACET_LIMIT = 12
MAX_PAGE = 500  # deep paging is for exports, not people


@dataclass(frozen=True)
class Facet:
    name: str
    label: Any
    column: str
    rank_column: str | None  # None: governed by the profile rank alone


FACETS: dict[str, Facet] = {
    f.name: f
    for f in [
        Facet("year", _("Graduation year"), "graduation_year", "education_rank"),
        Facet("degree", _("Degree"), "degree_level", "education_rank"),
        Facet("school", _("School"), "school", "education_rank"),
        Facet("major", _("Major"), "major", "education_rank"),
        Facet("industry", _("Industry"), "industry", "employment_rank"),
        Facet("country", _("Country"), "country", "location_rank"),
        Facet("province", _("Province"), "province", "location_rank"),
        Facet("city", _("City"), "city", "location_rank"),
        Facet("chapter", _("Chapter"), "chapter_id", None),
    ]
}
SORTS = ("relevance", "name")


@dataclass
class DirectoryQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    @property
    def tokens(self) -> list[str]:
        return query_tokens(self.text)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    total: int
    person_ids: list[int]
    facets: dict[str, list[FacetValue]]
    page: int
    num_pages: int


def viewer_level(viewer: Any) -> int:
    """0: may not search; 1: signed in; 2: verified member; 3: alumni office."""
    held = roles_of(viewer)
    if viewer is None or not viewer.is_authenticated:
        return 0
    if Role.ALUMNI_OFFICE in held:
        return 3
    if held & MEMBER_ROLES:
        return 2
    return 1


def clean_query(raw: dict[str, Any]) -> DirectoryQuery:
    """A DirectoryQuery from request parameters; unknown or malformed values are dropped."""

    def values(name: str) -> list[str]:
        got = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name, [])
        if isinstance(got, str):
            got = [got]
        return [v.strip()[:120] for v in got if v and v.strip()][:20]

    filters: dict[str, list[str]] = {}
    for name in FACETS:
        chosen = values(name)
        if name in ("year", "chapter"):
            chosen = [v for v in chosen if v.isdigit()]
        if chosen:
            filters[name] = sorted(set(chosen))
    sort = raw.get("sort") or "relevance"
    page = str(raw.get("page") or "1")
    return DirectoryQuery(
        text=str(raw.get("q") or "")[:200],
        filters=filters,
        sort=sort if sort in SORTS else "relevance",
        page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
    )


class _Sql:
    """Builds the WHERE clause shared by hits, totals and facet counts."""

    def __init__(self, level: int, query: DirectoryQuery) -> None:
        self.level = level
        self.query = query
        self.vendor = connection.vendor
        self.tokens = query.tokens

    def text_param(self) -> str:
        if self.vendor == "postgresql":
            return " & ".join(f"{t}:*" for t in self.tokens)
        terms = " AND ".join(f'"{t}"*' for t in self.tokens)
        return f"doc{self.level} : ({terms})"

    def where(self, *, exclude: str | None = None) -> tuple[str, list[Any]]:
        clauses = ["e.profile_rank <= %s"]
        params: list[Any] = [self.level]
        if self.tokens:
            if self.vendor == "postgresql":
                clauses.append(f"e.search{self.level} @@ to_tsquery('simple', %s)")
            else:
                clauses.append(
                    "e.person_id IN (SELECT rowid FROM directory_fts WHERE directory_fts MATCH %s)"
                )
            params.append(self.text_param())
        for name, chosen in self.query.filters.items():
            if name == exclude:
                continue
            facet = FACETS[name]
            if name == "chapter":
                marks = ", ".join(["%s"] * len(chosen))
                clauses.append(
                    "e.person_id IN (SELECT person_id FROM people_chaptermembership "
                    f"WHERE chapter_id IN ({marks}))"
                )
                params += [int(v) for v in chosen]
                continue
            clauses.append(f"e.{facet.rank_column} <= %s")
            params.append(self.level)
            if name == "year":
                ranges = " OR ".join(["e.graduation_year BETWEEN %s AND %s"] * len(chosen))
                clauses.append(f"({ranges})")
                for start in chosen:
                    params += [int(start), int(start) + YEAR_BUCKET - 1]
            else:
                marks = ", ".join(["%s"] * len(chosen))
                clauses.append(f"e.{facet.column} IN ({marks})")
                params += chosen
        return " AND ".join(clauses), params

    def bucket(self, facet: Facet) -> str:
        """The facet's grouping key, NULL where the viewer may not see the field."""
        if facet.name == "year":
            return (
                f"CASE WHEN e.education_rank <= {self.level} AND e.graduation_year IS NOT NULL "
                f"THEN (e.graduation_year / {YEAR_BUCKET}) * {YEAR_BUCKET} END"
            )
        return f"CASE WHEN e.{facet.rank_column} <= {self.level} AND e.{facet.column} <> '' THEN e.{facet.column} END"


def _hits(sql: _Sql, query: DirectoryQuery) -> list[int]:
    where, params = sql.where()
    offset = (query.page - 1) * query.page_size
    if sql.tokens and query.sort == "relevance":
        if sql.vendor == "postgresql":
            statement = (
                f"SELECT e.person_id FROM {TABLE} e WHERE {where} "
                f"ORDER BY ts_rank(e.search{sql.level}, to_tsquery('simple', %s)) DESC, e.sort_name, e.person_id "
                "LIMIT %s OFFSET %s"
            )
            params = [*params, sql.text_param(), query.page_size, offset]
        else:
            statement = (
                f"SELECT e.person_id FROM directory_fts f JOIN {TABLE} e ON e.person_id = f.rowid "
                f"WHERE directory_fts MATCH %s AND {where} ORDER BY f.rank, e.sort_name, e.person_id "
                "LIMIT %s OFFSET %s"
            )
            params = [sql.text_param(), *params, query.page_size, offset]
    else:
        statement = f"SELECT e.person_id FROM {TABLE} e WHERE {where} ORDER BY e.sort_name, e.person_id LIMIT %s OFFSET %s"
        params = [*params, query.page_size, offset]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def _grouped_counts(
    sql: _Sql, facets: list[Facet], exclude: str | None
) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and counts for these (non-chapter) facets under the filters, minus `exclude`."""
    where, params = sql.where(exclude=exclude)
    counts: dict[str, dict[str, int]] = {f.name: {} for f in facets}
    if sql.vendor == "postgresql":
        columns = ", ".join(f"{sql.bucket(f)} AS {f.name}" for f in facets)
        sets = ", ".join(f"({f.name})" for f in facets)
        grouping = ", ".join(f.name for f in facets)
        statement = (
            f"SELECT GROUPING({grouping}), {grouping}, count(*) FROM "
            f"(SELECT {columns} FROM {TABLE} e WHERE {where}) s GROUP BY GROUPING SETS ({sets}, ())"
        )
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            width = len(facets)
            for row in cursor.fetchall():
                mask, values, count = row[0], row[1 : 1 + width], row[-1]
                if mask == (1 << width) - 1:
                    total = count
                    continue
                index = next(i for i in range(width) if not mask & (1 << (width - 1 - i)))
                if values[index] is not None:
                    counts[facets[index].name][str(values[index])] = count
        return total, counts
    columns = ", ".join(f"{sql.bucket(f)} AS {f.name}" for f in facets)
    branches = ["SELECT '', '', count(*) FROM m"] + [
        f"SELECT '{f.name}', CAST({f.name} AS TEXT), count(*) FROM m WHERE {f.name} IS NOT NULL GROUP BY {f.name}"
        for f in facets
    ]
    statement = (
        f"WITH m AS MATERIALIZED (SELECT {columns} FROM {TABLE} e WHERE {where}) "
        + " UNION ALL ".join(branches)
    )
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for name, value, count in cursor.fetchall():
            if name == "":
                total = count
            else:
                counts[name][value] = count
    return total, counts


def _chapter_counts(sql: _Sql) -> dict[str, int]:
    where, params = sql.where(exclude="chapter")
    statement = (
        f"SELECT m.chapter_id, count(*) FROM people_chaptermembership m JOIN {TABLE} e "
        f"ON e.person_id = m.person_id WHERE {where} GROUP BY m.chapter_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return {str(chapter): count for chapter, count in cursor.fetchall()}


def _labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "degree":
        return {v: str(DegreeLevel(v).label) if v in DegreeLevel.values else v for v in values}
    if name == "year":
        return {v: f"{v}–{int(v) + YEAR_BUCKET - 1}" for v in values}
    if name == "chapter":
        ids = [int(v) for v in values if v.isdigit()]
        names = dict(Chapter.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {v: names.get(int(v), v) for v in values}
    return {v: v for v in values}


def directory_search(*, viewer: Any, query: DirectoryQuery) -> SearchResult:
    """One page of hits (person ids, in order) with the total and facet counts."""
    level = viewer_level(viewer)
    if level == 0 or (query.text.strip() and not query.tokens):
        return SearchResult(total=0, person_ids=[], facets={}, page=1, num_pages=1)
    sql = _Sql(level, query)
    plain = [f for f in FACETS.values() if f.name != "chapter" and f.name not in query.filters]
    total, counts = _grouped_counts(sql, plain, exclude=None)
    # Disjunctive facets: a facet in use is counted without its own filter, so the other
    # values of that facet show what choosing them as well would add.
    for name in query.filters:
        if name != "chapter":
            _total, own = _grouped_counts(sql, [FACETS[name]], exclude=name)
            counts[name] = own[name]
    counts["chapter"] = _chapter_counts(sql)

    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        chosen = set(query.filters.get(name, []))
        ordered = sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        if name == "year":
            ordered = sorted(counts.get(name, {}).items(), key=lambda kv: -int(kv[0]))
        top = ordered[:FACET_LIMIT] + [
            (v, counts.get(name, {}).get(v, 0))
            for v in chosen
            if v not in dict(ordered[:FACET_LIMIT])
        ]
        labels = _labels(name, [v for v, _c in top])
        facets[name] = [FacetValue(v, labels[v], c, v in chosen) for v, c in top]

    num_pages = max(1, min(MAX_PAGE, math.ceil(total / query.page_size)))
    if query.page > num_pages:
        query.page = num_pages
    return SearchResult(
        total=total,
        person_ids=_hits(sql, query) if total else [],
        facets=facets,
        page=query.page,
        num_pages=num_pages,
    )
