"""Directory search: words + facets over the directory index, one interface, two engines.

PostgreSQL matches the weighted tsvector (GIN) and counts all facets in one pass with
GROUPING SETS; SQLite matches its FTS5 table and counts over a materialised CTE. Browsing
without words and with at most one facet in use reads the maintained facet counts instead.
Privacy is part of every clause: a viewer of level L matches only words of rank <= L, sees
only entries whose profile rank is <= L, and a facet filters or counts a person only where
that field's rank is <= L.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from alma.accounts.roles import MEMBER_ROLES, Role, roles_of
from alma.directory.indexing import FACET_RANKS, SHARDS, YEAR_BUCKET, shard_token
from alma.directory.text import query_tokens
from alma.people.models import Chapter, DegreeLevel

ENTRY = "directory_directoryentry"
TEXT = "directory_directorytext"
COUNTS = "directory_facetcount"
FACET_LIMIT = 12
MAX_PAGE = 500  # deep paging is for exports, not people
# Words matching more people than this are counted on a sample of the text index's shards
# (see indexing.SHARDS) and shown as "about N"; below it everything is counted exactly.
EXACT_LIMIT = 5000
PREFIX_MIN = 3
FTS_COLUMNS = {1: "{names text1}", 2: "{names text1 text2}", 3: "{names text1 text2 text3}"}

FACET_LABELS: dict[str, Any] = {
    "year": _("Graduation year"),
    "degree": _("Degree"),
    "school": _("School"),
    "major": _("Major"),
    "industry": _("Industry"),
    "country": _("Country"),
    "province": _("Province"),
    "city": _("City"),
    "chapter": _("Chapter"),
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
    approximate: bool = False
    # No exact match, so these are people whose names look like the words (PostgreSQL only).
    similar_names: bool = False


def viewer_level(viewer: Any) -> int:
    """0: may not search; 1: signed in; 2: verified member; 3: alumni office."""
    if viewer is None or not viewer.is_authenticated:
        return 0
    held = roles_of(viewer)
    if Role.ALUMNI_OFFICE in held:
        return 3
    if held & MEMBER_ROLES:
        return 2
    return 1


def clean_query(raw: Any) -> DirectoryQuery:
    """A DirectoryQuery from request parameters; unknown or malformed values are dropped."""

    def values(name: str) -> list[str]:
        got = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name, [])
        if isinstance(got, str):
            got = [got]
        return [v.strip()[:120] for v in got if v and v.strip()][:20]

    filters: dict[str, list[str]] = {}
    for name in FACET_RANKS:
        chosen = values(name)
        if name in ("year", "chapter"):
            chosen = [v for v in chosen if v.isdigit() and len(v) < 10]
        if chosen:
            filters[name] = sorted(set(chosen))
    sort = raw.get("sort") or "relevance"
    page = str(raw.get("page") or "1")
    return DirectoryQuery(
        text=str(raw.get("q") or "")[:200],
        filters=filters,
        sort=sort if sort in SORTS else "relevance",
        page=min(int(page), MAX_PAGE) if page.isdigit() and 0 < int(page) < 10**6 else 1,
    )


class _Sql:
    """The WHERE clause shared by hits, totals and facet counts, for one level and query."""

    def __init__(self, level: int, query: DirectoryQuery, shards: int = SHARDS) -> None:
        self.level = level
        self.query = query
        self.postgres = connection.vendor == "postgresql"
        self.tokens = query.tokens
        self.shards = shards  # match only people in the first `shards` of SHARDS samples

    def text_param(self) -> str:
        sample = [shard_token(n) for n in range(self.shards)] if self.shards < SHARDS else []
        # Words of three letters or more match as prefixes (partial names); shorter ones, and
        # single Chinese characters, match whole: "li" finds Li, not every Lin, Liu and Lily.
        prefix = [len(t) >= PREFIX_MIN and t.isascii() for t in self.tokens]
        if self.postgres:
            query = " & ".join(
                f"{t}:*" if p else t for t, p in zip(self.tokens, prefix, strict=True)
            )
            return f"({query}) & ({' | '.join(sample)})" if sample else query
        terms = " AND ".join(
            f'"{t}"*' if p else f'"{t}"' for t, p in zip(self.tokens, prefix, strict=True)
        )
        if sample:
            terms = f"({terms}) AND ({' OR '.join(sample)})"
        return f"{FTS_COLUMNS[self.level]} : ({terms})"

    def text_clause(self) -> tuple[str, list[Any]]:
        if self.postgres:
            clause = f"e.person_id IN (SELECT person_id FROM {TEXT} WHERE search{self.level} @@ to_tsquery('simple', %s))"
        else:
            clause = "e.person_id IN (SELECT rowid FROM directory_fts WHERE directory_fts MATCH %s)"
        return clause, [self.text_param()]

    def where(self, *, exclude: str | None = None, text: bool = True) -> tuple[str, list[Any]]:
        clauses = [f"e.profile_rank <= {self.level}"]
        params: list[Any] = []
        if self.tokens and text:
            clause, more = self.text_clause()
            clauses.append(clause)
            params += more
        for name, chosen in self.query.filters.items():
            if name == exclude:
                continue
            marks = ", ".join(["%s"] * len(chosen))
            if name == "chapter":
                clauses.append(
                    f"e.person_id IN (SELECT person_id FROM people_chaptermembership WHERE chapter_id IN ({marks}))"
                )
                params += [int(v) for v in chosen]
            else:
                clauses.append(f"e.{FACET_RANKS[name]} <= {self.level} AND e.{name} IN ({marks})")
                params += [int(v) for v in chosen] if name == "year" else chosen
        return " AND ".join(clauses), params

    def bucket(self, name: str) -> str:
        """The facet's grouping key, NULL where the viewer may not see the field."""
        empty = "IS NOT NULL" if name == "year" else "<> ''"
        value = f"CAST(e.{name} AS TEXT)" if name == "year" else f"e.{name}"
        return (
            f"CASE WHEN e.{FACET_RANKS[name]} <= {self.level} AND e.{name} {empty} THEN {value} END"
        )


def _fetch(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall())


# PostgreSQL lists a page of broad matches by walking the name index, which is fastest when
# matches are spread over the alphabet ("engineer"), and slow when they all sort late ("wang",
# "zhang": most of a million names read). The walk gets this long; then the matches are
# collected first instead, at a cost that follows their number, not where they sort.
WALK_TIMEOUT_MS = 150


def _hits(sql: _Sql, query: DirectoryQuery, *, rank: bool = True) -> list[int]:
    where, params = sql.where()
    limits = [query.page_size, (query.page - 1) * query.page_size]
    order = "e.sort_name, e.person_id"
    if sql.postgres and sql.tokens and not rank:
        walk = (
            f"SELECT e.person_id FROM {ENTRY} e WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {WALK_TIMEOUT_MS}")
                return [r[0] for r in _fetch(walk, [*params, *limits])]
        except OperationalError:  # the walk was cancelled: collect the matches instead
            rest, rest_params = sql.where(text=False)
            statement = (
                f"WITH m AS MATERIALIZED (SELECT person_id FROM {TEXT} "
                f"WHERE search{sql.level} @@ to_tsquery('simple', %s)) "
                f"SELECT e.person_id FROM {ENTRY} e JOIN m ON m.person_id = e.person_id "
                f"WHERE {rest} ORDER BY {order} LIMIT %s OFFSET %s"
            )
            return [r[0] for r in _fetch(statement, [sql.text_param(), *rest_params, *limits])]
    if sql.tokens and query.sort == "relevance" and rank:
        if sql.postgres:
            statement = (
                f"SELECT e.person_id FROM {ENTRY} e JOIN {TEXT} t ON t.person_id = e.person_id WHERE {where} "
                f"ORDER BY ts_rank(t.search{sql.level}, to_tsquery('simple', %s)) DESC, {order} LIMIT %s OFFSET %s"
            )
            return [r[0] for r in _fetch(statement, [*params, sql.text_param(), *limits])]
        statement = (
            f"SELECT e.person_id FROM directory_fts f JOIN {ENTRY} e ON e.person_id = f.rowid "
            f"WHERE directory_fts MATCH %s AND {where} ORDER BY f.rank, {order} LIMIT %s OFFSET %s"
        )
        return [r[0] for r in _fetch(statement, [sql.text_param(), *params, *limits])]
    statement = (
        f"SELECT e.person_id FROM {ENTRY} e WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return [r[0] for r in _fetch(statement, [*params, *limits])]


def _live_counts(
    sql: _Sql, names: list[str], exclude: str | None
) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and counts of these single-valued facets under the filters (minus `exclude`)."""
    where, params = sql.where(exclude=exclude)
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    columns = ", ".join(f"{sql.bucket(name)} AS {name}" for name in names)
    total = 0
    if sql.postgres:
        grouping = ", ".join(names)
        sets = ", ".join(f"({name})" for name in names)
        rows = _fetch(
            f"SELECT GROUPING({grouping}), {grouping}, count(*) FROM "
            f"(SELECT {columns} FROM {ENTRY} e WHERE {where}) s GROUP BY GROUPING SETS ({sets}, ())",
            params,
        )
        width = len(names)
        for row in rows:
            mask, values, count = row[0], row[1 : 1 + width], row[-1]
            if mask == (1 << width) - 1:
                total = count
                continue
            index = next(i for i in range(width) if not mask & (1 << (width - 1 - i)))
            if values[index] is not None:
                counts[names[index]][str(values[index])] = count
        return total, counts
    branches = ["SELECT '', '', count(*) FROM m"] + [
        f"SELECT '{name}', {name}, count(*) FROM m WHERE {name} IS NOT NULL GROUP BY {name}"
        for name in names
    ]
    statement = (
        f"WITH m AS MATERIALIZED (SELECT {columns} FROM {ENTRY} e WHERE {where}) "
        + " UNION ALL ".join(branches)
    )
    for name, value, count in _fetch(statement, params):
        if name == "":
            total = count
        else:
            counts[name][str(value)] = count
    return total, counts


def _live_chapter_counts(sql: _Sql) -> dict[str, int]:
    where, params = sql.where(exclude="chapter")
    rows = _fetch(
        f"SELECT m.chapter_id, count(*) FROM people_chaptermembership m JOIN {ENTRY} e "
        f"ON e.person_id = m.person_id WHERE {where} GROUP BY m.chapter_id",
        params,
    )
    return {str(chapter): count for chapter, count in rows}


def _live(sql: _Sql, query: DirectoryQuery) -> tuple[int, dict[str, dict[str, int]]]:
    plain = [name for name in FACET_RANKS if name != "chapter" and name not in query.filters]
    total, counts = _live_counts(sql, plain, exclude=None)
    # Disjunctive facets: a facet in use is counted without its own filter, so its other
    # values show what choosing them as well would add.
    for name in query.filters:
        if name != "chapter":
            counts[name] = _live_counts(sql, [name], exclude=name)[1][name]
    counts["chapter"] = _live_chapter_counts(sql)
    return total, counts


def _counted(level: int, query: DirectoryQuery) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facet counts from the maintained counts (browsing with at most one facet)."""
    rows = _fetch(
        f"SELECT facet_a, value_a, count FROM {COUNTS} WHERE level = %s AND facet_b = '' AND count > 0",
        [level],
    )
    single: dict[str, dict[str, int]] = defaultdict(dict)
    total = 0
    for facet, value, count in rows:
        if facet == "":
            total = count
        else:
            single[facet][value] = count
    if not query.filters:
        return total, dict(single)
    ((name, chosen),) = query.filters.items()
    marks = ", ".join(["%s"] * len(chosen))
    rows = _fetch(
        f"SELECT facet_b, value_b, sum(count) FROM {COUNTS} WHERE level = %s AND facet_a = %s "
        f"AND value_a IN ({marks}) AND count > 0 GROUP BY facet_b, value_b",
        [level, name, *chosen],
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for facet, value, count in rows:
        if facet:
            counts[facet][value] = int(count)
    counts[name] = single.get(name, {})  # disjunctive: the facet in use, unfiltered
    return sum(single.get(name, {}).get(v, 0) for v in chosen), dict(counts)


def _uses_counts(query: DirectoryQuery) -> bool:
    if query.tokens or len(query.filters) > 1:
        return False
    # People can be in several chapters: summing pairs over two chapters would count some twice.
    return not (query.filters.get("chapter") and len(query.filters["chapter"]) > 1)


def _labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "degree":
        return {v: str(DegreeLevel(v).label) if v in DegreeLevel.values else v for v in values}
    if name == "year":
        return {v: f"{v}–{int(v) + YEAR_BUCKET - 1}" for v in values}
    if name == "chapter":
        names = dict(
            Chapter.objects.filter(pk__in=[int(v) for v in values]).values_list("pk", "name")
        )
        return {v: names.get(int(v), v) for v in values}
    return {v: v for v in values}


def directory_search(*, viewer: Any, query: DirectoryQuery) -> SearchResult:
    """One page of hits (person ids, in order) with the total and the facet counts."""
    level = viewer_level(viewer)
    if level == 0 or (query.text.strip() and not query.tokens):
        return SearchResult(total=0, person_ids=[], facets={}, page=1, num_pages=1)
    sql = _Sql(level, query)
    approximate = False
    if _uses_counts(query):
        total, counts = _counted(level, query)
    elif not query.tokens:
        total, counts = _live(sql, query)
    else:
        # How broad are the words? Count one shard's matches through the index first.
        # (The words alone decide: filters narrow the result, not the work of matching them.)
        probe = _Sql(level, DirectoryQuery(text=query.text), shards=1)
        where, params = probe.where()
        in_one_shard = _fetch(f"SELECT count(*) FROM {ENTRY} e WHERE {where}", params)[0][0]
        if in_one_shard * SHARDS <= EXACT_LIMIT:
            total, counts = _live(sql, query)
        else:
            shards = min(SHARDS, max(1, math.ceil(EXACT_LIMIT / in_one_shard)))
            sample_total, sample_counts = _live(_Sql(level, query, shards=shards), query)
            scale = SHARDS / shards
            total = _about(sample_total * scale)
            counts = {
                name: {value: max(1, _about(count * scale)) for value, count in values.items()}
                for name, values in sample_counts.items()
            }
            approximate = shards < SHARDS

    facets: dict[str, list[FacetValue]] = {}
    for name in FACET_RANKS:
        chosen = query.filters.get(name, [])
        found = counts.get(name, {})
        if name == "year":
            ordered = sorted(found.items(), key=lambda kv: -int(kv[0]))
        else:
            ordered = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ordered[:FACET_LIMIT]
        shown = {value for value, _count in top}
        top += [(value, found.get(value, 0)) for value in chosen if value not in shown]
        labels = _labels(name, [value for value, _count in top])
        facets[name] = [
            FacetValue(value, labels[value], count, value in chosen) for value, count in top
        ]

    num_pages = max(1, min(MAX_PAGE, math.ceil(total / query.page_size)))
    query.page = min(query.page, num_pages)
    if total == 0 and query.tokens and not query.filters:
        similar = _similar_names(level, query.text)
        if similar:
            return SearchResult(
                total=0, person_ids=similar, facets=facets, page=1, num_pages=1, similar_names=True
            )
    return SearchResult(
        total=total,
        # Ranking hundreds of thousands of matches costs more than it tells: very broad
        # words list by name, like a browse.
        person_ids=_hits(sql, query, rank=not approximate) if total else [],
        facets=facets,
        page=query.page,
        num_pages=num_pages,
        approximate=approximate,
    )


SIMILAR_LIMIT = 10


def _similar_names(level: int, text: str) -> list[int]:
    """People (visible at the level) whose names are most like the words: typos, partial names."""
    if connection.vendor != "postgresql":
        return []
    words = " ".join(query_tokens(text))
    if not words:
        return []
    rows = _fetch(
        f"SELECT e.person_id FROM {ENTRY} e WHERE e.profile_rank <= {level} AND e.sort_name %% %s "
        "ORDER BY similarity(e.sort_name, %s) DESC, e.sort_name, e.person_id LIMIT %s",
        [words, words, SIMILAR_LIMIT],
    )
    return [r[0] for r in rows]


def _about(estimate: float) -> int:
    """An estimate rounded to two significant figures: 123456 -> 120000."""
    value = int(round(estimate))
    if value < 100:
        return value
    magnitude = 10 ** (len(str(value)) - 2)
    return int(round(value / magnitude) * magnitude)
