"""Reads of the general search index: ranked record ids of one kind for words and facets."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from alma.lib.tokens import facet_token, query_tokens
from alma.search.models import SearchDocument
from alma.search.services import kind_token

TABLE = "search_searchdocument"
# Words of three letters or more match as prefixes ("kaoy" finds "kaoyan"); shorter ones and
# single Chinese characters match whole, so "ai" does not find every "aide" and "airport".
PREFIX_MIN = 3
MAX_LIMIT = 1_000


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]  # object ids, best match first
    total: int  # how many records match in all (for paging)


def _prefix(token: str) -> bool:
    return len(token) >= PREFIX_MIN and token.isascii()


def _facet_groups(facets: Mapping[str, str | Iterable[str]] | None) -> list[list[str]]:
    groups = []
    for name, values in (facets or {}).items():
        chosen = [values] if isinstance(values, str) else [str(v) for v in values]
        chosen = [v for v in chosen if v != ""]
        if chosen:
            groups.append([facet_token(name, v) for v in chosen])
    return groups


# What a query leaves out: object ids, each source a list of ids or a one-column queryset of
# them (run inside the query, as a subquery, so nothing is fetched first).
Exclude = Iterable["QuerySet[Any] | Iterable[int]"]


def _visibility(
    max_level: int | None, owner_id: int | None, exclude: Exclude = ()
) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1=1"]
    params: list[Any] = []
    if max_level is not None and owner_id is None:
        clauses.append("d.level <= %s")
        params.append(max_level)
    elif max_level is not None:
        clauses.append("(d.level <= %s OR d.owner_id = %s)")
        params += [max_level, owner_id]
    for source in exclude:
        if isinstance(source, QuerySet):
            sql, sql_params = source.query.sql_with_params()
            clauses.append(f"d.object_id NOT IN ({sql})")
            params += list(sql_params)
        else:
            ids = [int(i) for i in source]
            if ids:
                clauses.append(f"d.object_id NOT IN ({', '.join(['%s'] * len(ids))})")
                params += ids
    return " AND ".join(clauses), params


def search_query(
    kind: str,
    q: str = "",
    *,
    facets: Mapping[str, str | Iterable[str]] | None = None,
    max_level: int | None = None,
    owner_id: int | None = None,
    exclude: Exclude = (),
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """The ids of the records of `kind` that match every word of `q` (and the facets), ranked.

    Facet values of one facet widen (any of them), different facets narrow (all of them).
    With `max_level`, only records whose level is at most it, or whose owner is `owner_id`,
    are found. Records whose object id is in `exclude` (lists of ids, or one-column querysets
    of ids, run as subqueries) are left out before ranking and paging. Without words the
    newest records come first.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    words = query_tokens(q)
    groups = _facet_groups(facets)
    if not words and not groups:
        documents = SearchDocument.objects.filter(kind=kind)
        if max_level is not None:
            may_find = Q(level__lte=max_level)
            if owner_id is not None:
                may_find |= Q(owner_id=owner_id)
            documents = documents.filter(may_find)
        for source in exclude:
            documents = documents.exclude(object_id__in=source)
        page = documents.order_by("-updated_at", "-id").values_list("object_id", flat=True)
        return SearchResult(ids=list(page[offset : offset + limit]), total=documents.count())
    visible, visible_params = _visibility(max_level, owner_id, exclude)
    if connection.vendor == "postgresql":
        return _postgres(kind, words, groups, visible, visible_params, limit, offset)
    return _sqlite(kind, words, groups, visible, visible_params, limit, offset)


def _postgres(
    kind: str,
    words: list[str],
    groups: list[list[str]],
    visible: str,
    visible_params: list[Any],
    limit: int,
    offset: int,
) -> SearchResult:
    terms = [f"{t}:*" if _prefix(t) else t for t in words]
    terms += [kind_token(kind)] + [f"({' | '.join(group)})" for group in groups]
    tsquery = " & ".join(terms)
    where = f"d.search @@ to_tsquery('simple', %s) AND d.kind = %s AND {visible}"
    params = [tsquery, kind, *visible_params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.object_id FROM {TABLE} d WHERE {where} "
            "ORDER BY ts_rank(d.search, to_tsquery('simple', %s)) DESC, d.updated_at DESC, d.id DESC "
            "LIMIT %s OFFSET %s",
            [*params, tsquery, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) FROM {TABLE} d WHERE {where}", params)
        total = cursor.fetchone()[0]
    return SearchResult(ids=ids, total=total)


def _sqlite(
    kind: str,
    words: list[str],
    groups: list[list[str]],
    visible: str,
    visible_params: list[Any],
    limit: int,
    offset: int,
) -> SearchResult:
    # Tokens are [0-9a-z]+, one Chinese character or a facet token: safe inside double quotes.
    word_terms = " AND ".join(f'"{t}"*' if _prefix(t) else f'"{t}"' for t in words)
    facet_terms = " AND ".join(
        [f'"{kind_token(kind)}"', *["(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups]]
    )
    match = f"{{facets}} : ({facet_terms})"
    if word_terms:
        match = f"{{words}} : ({word_terms}) AND {match}"
    where = f"search_fts MATCH %s AND d.kind = %s AND {visible}"
    params = [match, kind, *visible_params]
    # CROSS JOIN keeps SQLite from probing the full-text index once per document of the kind.
    source = f"search_fts f CROSS JOIN {TABLE} d ON d.id = f.rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.object_id FROM {source} WHERE {where} "
            "ORDER BY f.rank, d.updated_at DESC, d.id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*) FROM {source} WHERE {where}", params)
        total = cursor.fetchone()[0]
    return SearchResult(ids=ids, total=total)
