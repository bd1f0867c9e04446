"""Directory search: words + facets over the directory index, one interface, two engines.

PostgreSQL matches the weighted tsvector (GIN), SQLite its FTS5 table. Browsing without words
and with at most one facet in use reads the maintained facet counts; browsing with more facets
counts all facets in one pass (GROUPING SETS on PostgreSQL, a materialised CTE on SQLite).
With words, the matching people are collected once and every count (the total, each facet,
each facet in use counted without its own filter, chapters) is taken from that set in one
statement. Words so broad that collecting their matches would be slow ("engineer": half the
alumni) are counted the same way on the sample of the index (indexing.SAMPLE_EVERY) and shown
as "about N"; their page of hits is still exact, found by walking the name index.
Privacy is part of every clause: a viewer of level L matches only words of rank <= L, sees
only entries whose profile rank is <= L, and a facet filters or counts a person only where
that field's rank is <= L.
"""

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from alma.directory import indexing
from alma.directory.indexing import FACET_RANKS, SINGLE_FACETS, YEAR_BUCKET
from alma.directory.text import facet_token, query_tokens
from alma.people.models import Chapter, DegreeLevel, LocalName
from alma.people.privacy import viewer_rank
from alma.people.reference import local_name

ENTRY = "directory_directoryentry"
TEXT = "directory_directorytext"
SAMPLE = "directory_directorysample"
COUNTS = "directory_facetcount"
FACET_LIMIT = 12
MAX_PAGE = 500  # deep paging is for exports, not people
# Words matching more people than this (estimated on the sample) are counted on the sample and
# shown as "about N"; below it everything is counted exactly.
EXACT_LIMIT = 5000
# The sample is read in parts until about this many of its people match the words: enough
# for two significant figures on the total and on the larger facet values.
SAMPLE_TARGET = 2000
# Fewer sampled matches than this (broad words, narrow facets) are too few to scale up.
SAMPLE_MIN = 20
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
# Facet values shown in the reader's language (people.reference).
LOCAL_KINDS = {
    "school": LocalName.Kind.SCHOOL,
    "major": LocalName.Kind.MAJOR,
    "industry": LocalName.Kind.INDUSTRY,
    "country": LocalName.Kind.PLACE,
    "province": LocalName.Kind.PLACE,
    "city": LocalName.Kind.PLACE,
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
    return viewer_rank(viewer)  # the audiences' ranks are people.privacy's


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

    def __init__(
        self,
        level: int,
        query: DirectoryQuery,
        *,
        facet_words: bool = False,
        facets_first: bool = False,
    ) -> None:
        self.level = level
        self.query = query
        self.postgres = connection.vendor == "postgresql"
        self.tokens = query.tokens
        # Match the filters' facet words with the words, in the text index (narrow facets);
        # on PostgreSQL, where the facets' people are few, look up only the facet words in
        # the index and check the words on those people's rows (a broad prefix is costly to
        # look up: "engineer:*" gathers half a million entries first).
        self.facet_words = facet_words or facets_first
        self.facets_first = facets_first and self.postgres

    def _prefix(self) -> list[bool]:
        # Words of three letters or more match as prefixes (partial names); shorter ones, and
        # single Chinese characters, match whole: "li" finds Li, not every Lin, Liu and Lily.
        return [len(t) >= PREFIX_MIN and t.isascii() for t in self.tokens]

    def _facets(self) -> list[list[str]]:
        chosen = self.query.filters.items() if self.facet_words else []
        return [[facet_token(name, v) for v in values] for name, values in chosen]

    def word_query(self) -> str:
        pairs = zip(self.tokens, self._prefix(), strict=True)
        return " & ".join(f"{t}:*" if p else t for t, p in pairs)

    def facet_query(self) -> str:
        return " & ".join(f"({' | '.join(any_of)})" for any_of in self._facets())

    def text_param(self) -> str:
        if self.postgres:
            return " & ".join(q for q in (self.word_query(), self.facet_query()) if q)
        ors = [" OR ".join(f'"{w}"' for w in any_of) for any_of in self._facets()]
        every = " AND ".join([self.fts_terms(), *[f"({any_of})" for any_of in ors]])
        return f"{FTS_COLUMNS[self.level]} : ({every})"

    def fts_terms(self) -> str:
        pairs = zip(self.tokens, self._prefix(), strict=True)
        return " AND ".join(f'"{t}"*' if p else f'"{t}"' for t, p in pairs)

    def text_clause(self, *, per_row: bool = False) -> tuple[str, list[Any]]:
        """The words' condition on entry `e`: as a set of matches, or checked row by row.

        Row by row suits walking the name index (a handful of index probes); the set suits
        collecting every match.
        """
        if self.postgres and per_row:
            clause = (
                f"(SELECT t.search{self.level} @@ to_tsquery('simple', %s) FROM {TEXT} t "
                "WHERE t.person_id = e.person_id)"
            )
        elif self.facets_first:  # (concatenating keeps the index off the words' check)
            search = f"search{self.level}"
            clause = (
                f"e.person_id IN (SELECT person_id FROM {TEXT} WHERE {search} @@ "
                f"to_tsquery('simple', %s) AND ({search} || ''::tsvector) @@ to_tsquery('simple', %s))"
            )
            return clause, [self.facet_query(), self.word_query()]
        elif self.postgres:
            clause = f"e.person_id IN (SELECT person_id FROM {TEXT} WHERE search{self.level} @@ to_tsquery('simple', %s))"
        elif per_row:
            # FTS5 would load a broad prefix's whole doclist for each probe: read the row's
            # words in place instead, as the sample does (the same tokens, space-separated).
            columns = ["t.names", *[f"t.text{n}" for n in range(1, self.level + 1)]]
            words = " || ' ' || ".join(columns)
            likes = " AND ".join([f"(' ' || {words} || ' ') LIKE %s"] * len(self.tokens))
            clause = f"EXISTS (SELECT 1 FROM {TEXT} t WHERE t.person_id = e.person_id AND {likes})"
            return clause, self.like_params()
        else:
            clause = "e.person_id IN (SELECT rowid FROM directory_fts WHERE directory_fts MATCH %s)"
        return clause, [self.text_param()]

    def sample_clause(self) -> tuple[str, list[Any]]:
        """The words' condition on a sample row `e`."""
        if self.postgres:  # LIKE over the padded words, served by trigram indexes
            marks = [f"e.words{self.level} LIKE %s" for _t in self.tokens]
            return " AND ".join(marks), self.like_params()
        clause = "e.person_id IN (SELECT rowid FROM directory_sample_fts WHERE directory_sample_fts MATCH %s)"
        return clause, [f"{{words{self.level}}} : ({self.fts_terms()})"]

    def like_params(self) -> list[str]:
        """LIKE patterns of the tokens over space-padded words: a prefix, or a whole word."""
        # Tokens are [0-9a-z]+ or one Chinese character: nothing LIKE would read as a pattern.
        pairs = zip(self.tokens, self._prefix(), strict=True)
        return [f"% {t}%" if p else f"% {t} %" for t, p in pairs]

    def where(
        self, *, exclude: str | None = None, text: bool = True, per_row: bool = False
    ) -> tuple[str, list[Any]]:
        clauses = [f"e.profile_rank <= {self.level}"]
        params: list[Any] = []
        if self.tokens and text:
            clause, more = self.text_clause(per_row=per_row)
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

    def matched_filters(self, exclude: str | None = None) -> tuple[str, list[Any]]:
        """The facet filters on `m`, the collected matches (bucket columns, NULL where hidden)."""
        clauses, params = ["1 = 1"], []
        for name, chosen in self.query.filters.items():
            if name == exclude:
                continue
            if name == "chapter":
                clauses.append(
                    "(" + " OR ".join(["',' || m.chapters || ',' LIKE %s"] * len(chosen)) + ")"
                )
                params += [f"%,{int(v)},%" for v in chosen]
            else:
                clauses.append(f"m.{name} IN ({', '.join(['%s'] * len(chosen))})")
                params += chosen
        return " AND ".join(clauses), params


def _fetch(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall())


Counts = dict[str, dict[str, int]]


def _count_matches(
    sql: _Sql,
    source: str,
    params: list[Any],
    *,
    extra: Sequence[str] = (),
    page: DirectoryQuery | None = None,
) -> tuple[int, Counts, dict[str, int], list[int]]:
    """Total and every facet's counts over `source`: the people matching the words, unfiltered.

    One statement: the matches are collected once (a materialised CTE of their facet values)
    and each count is a GROUP BY over them, a facet in use counted without its own filter.
    Also returns {"*": matches before the facet filters} and the `extra` branches' counts,
    and with `page`, that page of the filtered matches in `_broad_hits` order.
    """
    columns = ", ".join(f"{sql.bucket(name)} AS {name}" for name in SINGLE_FACETS)
    branches: list[str] = ["SELECT '*', '', count(*) FROM m", *extra]
    values: list[Any] = list(params)
    if page is not None:
        order, order_params = _broad_order(sql, page, "m")
        where, more = sql.matched_filters()
        branches.append(
            f"SELECT '@', CAST(h.person_id AS TEXT), h.position FROM (SELECT m.person_id, "
            f"row_number() OVER (ORDER BY {order}) AS position FROM m WHERE {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s) h"
        )
        offset = (page.page - 1) * page.page_size
        values += [*order_params, *more, *order_params, page.page_size, offset]
    where, more = sql.matched_filters()
    branches.append(f"SELECT '', '', count(*) FROM m WHERE {where}")
    values += more
    for name in SINGLE_FACETS:
        where, more = sql.matched_filters(exclude=name)
        branches.append(
            f"SELECT '{name}', {name}, count(*) FROM m WHERE {name} IS NOT NULL AND {where} GROUP BY {name}"
        )
        values += more
    where, more = sql.matched_filters(exclude="chapter")
    if sql.postgres:
        chapters = "unnest(string_to_array(m.chapters, ',')) AS c(value)"
    else:
        chapters = "json_each('[' || m.chapters || ']') AS c"
    branches.append(
        f"SELECT 'chapter', CAST(c.value AS TEXT), count(*) FROM m, {chapters} "
        f"WHERE m.chapters <> '' AND {where} GROUP BY c.value"
    )
    values += more
    if page is not None:
        columns += ", e.person_id AS person_id, e.sort_name AS sort_name"
    statement = (
        f"WITH m AS MATERIALIZED (SELECT {columns}, e.chapters AS chapters {source}) "
        + " UNION ALL ".join(branches)
    )
    counts: Counts = {name: {} for name in FACET_RANKS}
    totals: dict[str, int] = {}
    hits: list[tuple[int, int]] = []
    for name, value, count in _fetch(statement, values):
        if name in FACET_RANKS:
            counts[name][str(value)] = count
        elif name == "@":
            hits.append((count, int(value)))
        else:
            totals[name] = count
    return totals.get("", 0), counts, totals, [person for _position, person in sorted(hits)]


def _broad_order(sql: _Sql, query: DirectoryQuery, table: str) -> tuple[str, list[Any]]:
    """ORDER BY for broad words: the name that is the words, then names beginning with them,
    then by name."""
    by_name = f"{table}.sort_name, {table}.person_id"
    if query.sort == "name":
        return by_name, []
    low, high = _name_range(sql)
    named = (
        f"CASE WHEN {table}.sort_name = %s THEN 0 "
        f"WHEN {table}.sort_name >= %s AND {table}.sort_name < %s THEN 1 ELSE 2 END"
    )
    return f"{named}, {by_name}", [low, low, high]


def _name_range(sql: _Sql) -> tuple[str, str]:
    """Names that begin with the words sort from `low` up to (not including) `high`."""
    low = " ".join(sql.tokens)
    return low, low[:-1] + chr(ord(low[-1]) + 1)


def _exact_word_counts(sql: _Sql) -> tuple[int, Counts]:
    clause, params = sql.text_clause()
    source = f"FROM {ENTRY} e WHERE e.profile_rank <= {sql.level} AND {clause}"
    return _count_matches(sql, source, params)[:2]


# Up to this many people in the chosen facets, broad words under narrow facets are checked on
# the facets' people (PostgreSQL).
FACETS_FIRST = 5_000


def _facet_people(level: int, query: DirectoryQuery) -> int:
    """At most how many people the viewer sees in the chosen facets (from the kept counts)."""
    clauses, params = [], []
    for name, chosen in query.filters.items():
        clauses.append(f"(facet_a = %s AND value_a IN ({', '.join(['%s'] * len(chosen))}))")
        params += [name, *chosen]
    rows = _fetch(
        f"SELECT facet_a, sum(count) FROM {COUNTS} WHERE level = %s AND facet_b = '' "
        f"AND ({' OR '.join(clauses)}) GROUP BY facet_a",
        [level, *params],
    )
    sums = {facet: int(total) for facet, total in rows}
    return min(sums.get(name, 0) for name in query.filters)


def _narrow_word_counts(sql: _Sql, query: DirectoryQuery) -> tuple[int, Counts, list[int]]:
    """Broad words under narrow facets: words and facet words matched together in the text
    index, counted exactly, and the page of hits taken from the same matches."""
    clause, params = sql.text_clause()
    source = f"FROM {ENTRY} e WHERE e.profile_rank <= {sql.level} AND {clause}"
    total, counts, _totals, hits = _count_matches(sql, source, params, page=query)
    return total, counts, hits


@dataclass
class _Sampled:
    total: int  # sampled people matching the words and the filters
    counts: Counts
    matched: int  # ... matching the words
    scale: float  # people in the index per sampled person


def _sampled_word_counts(sql: _Sql, parts: int) -> _Sampled:
    """Counts of the words' matches in the first `parts` parts of the sample."""
    clause, params = sql.sample_clause()
    rows = f"FROM {SAMPLE} e WHERE e.sub < {parts} AND e.profile_rank <= {sql.level}"
    # With the count of people sampled ('#') and in the index ('$': kept in the facet counts).
    extra = [
        f"SELECT '#', '', count(*) {rows}",
        f"SELECT '$', '', count FROM {COUNTS} WHERE level = {sql.level} AND facet_a = '' AND facet_b = ''",
    ]
    total, counts, totals = _count_matches(sql, f"{rows} AND {clause}", params, extra=extra)[:3]
    scale = totals.get("$", 0) / totals["#"] if totals["#"] else 0.0
    return _Sampled(total, counts, totals["*"], scale)


# A page of broad matches is found by walking the name index and checking each person's words
# in place, which is fast when matches are common along the way. Where they are rare (the
# facets chosen with the words are) the walk gets this long; then the matches are collected
# first instead, at a cost that follows their number.
WALK_BUDGET_MS = 150


def _walk(sql: _Sql, extra: str, extra_params: list[Any], limit: int, offset: int) -> list[int]:
    where, params = sql.where(per_row=True)
    order = "ORDER BY e.sort_name, e.person_id LIMIT %s OFFSET %s"
    walk = f"SELECT e.person_id FROM {ENTRY} e WHERE {where}{extra} {order}"
    try:
        with _budget(WALK_BUDGET_MS):
            return [r[0] for r in _fetch(walk, [*params, *extra_params, limit, offset])]
    except OperationalError:
        pass
    rest, rest_params = sql.where(text=False)
    clause, text_params = sql.text_clause()
    if sql.postgres:  # collect the matches first, however the planner would otherwise go
        matches = (
            f"SELECT person_id FROM {TEXT} WHERE search{sql.level} @@ to_tsquery('simple', %s)"
        )
        collect = (
            f"WITH m AS MATERIALIZED ({matches}) SELECT e.person_id FROM {ENTRY} e "
            f"JOIN m ON m.person_id = e.person_id WHERE {rest}{extra} {order}"
        )
        values = [*text_params, *rest_params, *extra_params, limit, offset]
    else:
        collect = f"SELECT e.person_id FROM {ENTRY} e WHERE {rest} AND {clause}{extra} {order}"
        values = [*rest_params, *text_params, *extra_params, limit, offset]
    return [r[0] for r in _fetch(collect, values)]


class _budget:
    """Cancel the statement run inside after `ms` milliseconds (OperationalError)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __enter__(self) -> None:
        if connection.vendor == "postgresql":
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {self.ms}")
            return
        deadline = time.monotonic() + self.ms / 1000
        connection.ensure_connection()
        connection.connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)

    def __exit__(self, *exc: Any) -> None:
        if connection.vendor == "postgresql":
            if exc[0] is None:  # a released savepoint would keep the timeout for the request
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            self.atomic.__exit__(*exc)  # on a cancel, rolls back to before SET LOCAL
        else:
            connection.connection.set_progress_handler(None, 0)


def _broad_hits(sql: _Sql, query: DirectoryQuery) -> list[int]:
    """A page of matches of broad words: people whose names begin with the words first (best
    match), then everyone else matching, by name. `sort=name`: all by name."""
    size, offset = query.page_size, (query.page - 1) * query.page_size
    if query.sort == "name":
        return _walk(sql, "", [], size, offset)
    low, high = _name_range(sql)
    named = " AND e.sort_name >= %s AND e.sort_name < %s"
    first = _walk(sql, named, [low, high], size, offset)
    if len(first) == size:
        return first
    if first or offset == 0:
        named_total = offset + len(first)
    else:
        where, params = sql.where(per_row=True)
        named_total = _fetch(
            f"SELECT count(*) FROM {ENTRY} e WHERE {where}{named}", [*params, low, high]
        )[0][0]
    others = " AND NOT (e.sort_name >= %s AND e.sort_name < %s)"
    return first + _walk(sql, others, [low, high], size - len(first), max(0, offset - named_total))


def _hits(sql: _Sql, query: DirectoryQuery) -> list[int]:
    where, params = sql.where()
    limits = [query.page_size, (query.page - 1) * query.page_size]
    order = "e.sort_name, e.person_id"
    if sql.tokens and query.sort == "relevance":
        # A name that is exactly the words ("Wang Lei") comes before longer names that merely
        # begin with them (Wang Leifei), which the text rank alone may put first.
        exact = "CASE WHEN e.sort_name = %s THEN 0 ELSE 1 END"
        whole_name = " ".join(sql.tokens)
        if sql.postgres:
            statement = (
                f"SELECT e.person_id FROM {ENTRY} e JOIN {TEXT} t ON t.person_id = e.person_id WHERE {where} "
                f"ORDER BY {exact}, ts_rank(t.search{sql.level}, to_tsquery('simple', %s)) DESC, "
                f"{order} LIMIT %s OFFSET %s"
            )
            return [
                r[0] for r in _fetch(statement, [*params, whole_name, sql.text_param(), *limits])
            ]
        statement = (
            f"SELECT e.person_id FROM directory_fts f JOIN {ENTRY} e ON e.person_id = f.rowid "
            f"WHERE directory_fts MATCH %s AND {where} ORDER BY {exact}, f.rank, {order} "
            "LIMIT %s OFFSET %s"
        )
        return [r[0] for r in _fetch(statement, [sql.text_param(), *params, whole_name, *limits])]
    statement = (
        f"SELECT e.person_id FROM {ENTRY} e WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return [r[0] for r in _fetch(statement, [*params, *limits])]


def _live_counts(sql: _Sql, names: list[str], exclude: str | None) -> tuple[int, Counts]:
    """Total and counts of these single-valued facets under the filters (minus `exclude`)."""
    where, params = sql.where(exclude=exclude)
    counts: Counts = {name: {} for name in names}
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
        return {v: local_name(LocalName.Kind.CHAPTER, names.get(int(v), v)) for v in values}
    kind = LOCAL_KINDS.get(name)
    return {v: local_name(kind, v) if kind else v for v in values}


def directory_search(*, viewer: Any, query: DirectoryQuery) -> SearchResult:
    """One page of hits (person ids, in order) with the total and the facet counts."""
    level = viewer_level(viewer)
    if level == 0 or (query.text.strip() and not query.tokens):
        return SearchResult(total=0, person_ids=[], facets={}, page=1, num_pages=1)
    sql = _Sql(level, query)
    approximate = broad = False
    hits: list[int] | None = None  # the page, where counting found it already
    if _uses_counts(query):
        total, counts = _counted(level, query)
    elif not query.tokens:
        total, counts = _live(sql, query)
    else:
        # How broad are the words? The sample's first part tells, and counts them if so.
        # (The words alone decide: filters narrow the result, not the work of matching.)
        sample = _sampled_word_counts(sql, 1)
        broad = sample.matched * sample.scale > EXACT_LIMIT
        if not broad:
            total, counts = _exact_word_counts(sql)
        else:
            # Read enough of the sample for about SAMPLE_TARGET matches of the words, and for
            # twice SAMPLE_MIN once the facets are applied, if the whole sample has them.
            parts = min(
                indexing.SUBSAMPLES,
                max(
                    math.ceil(SAMPLE_TARGET / max(1, sample.matched)),
                    math.ceil(2 * SAMPLE_MIN / max(1, sample.total)),
                ),
            )
            # (Unless the whole sample would hold too few of them even so.)
            if parts > 1 and sample.total * indexing.SUBSAMPLES >= 2 * SAMPLE_MIN:
                sample = _sampled_word_counts(sql, parts)
            if sample.total < SAMPLE_MIN:
                # The facets chosen with the words leave few people: too few to estimate
                # from the sample, and few enough to match words and facets together in the
                # text index and count exactly. (A facet in use then lists only its chosen
                # values.)
                few = bool(query.filters) and _facet_people(level, query) <= FACETS_FIRST
                sql = _Sql(level, query, facet_words=True, facets_first=few)
                total, counts, hits = _narrow_word_counts(sql, query)
            else:
                approximate = True
                total = _about(sample.total * sample.scale)
                counts = {
                    name: {v: max(1, _about(n * sample.scale)) for v, n in values.items()}
                    for name, values in sample.counts.items()
                }

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
    if query.page > num_pages:
        query.page, hits = num_pages, None
    if total == 0 and query.tokens and not query.filters:
        similar = _similar_names(level, query.text)
        if similar:
            return SearchResult(
                total=0, person_ids=similar, facets=facets, page=1, num_pages=1, similar_names=True
            )
    return SearchResult(
        total=total,
        # Ranking hundreds of thousands of matches costs more than it tells: very broad
        # words list names beginning with the words first, then by name.
        person_ids=[] if not total else hits if hits is not None else _page(sql, query, broad),
        facets=facets,
        page=query.page,
        num_pages=num_pages,
        approximate=approximate,
    )


def _page(sql: _Sql, query: DirectoryQuery, broad: bool) -> list[int]:
    if sql.facet_words:  # broad words under narrow facets, asked for a page past the last
        return _narrow_word_counts(sql, query)[2]
    return (_broad_hits if broad else _hits)(sql, query)


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
