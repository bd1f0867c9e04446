"""The general search index: any module makes its own records findable by words and facets.

One table of documents (`SearchDocument`: kind, object id, level, owner, words, facets,
updated_at) on the directory's two engines — SQLite FTS5 and PostgreSQL tsvector + GIN — with
the same tokeniser (`alma.lib.tokens.prose_tokens`): every Chinese character a token and its
pinyin too (so "考研", "kaoyan" and "kao yan" find the same question), Latin folded ("José"
finds "jose"), query words of three letters or more matched as prefixes, every word required.

The API (import from `alma.search.services` and `alma.search.selectors`; it imports only `lib`):

    search_index(kind, object_id, text, *, facets={"topic": ["career"]}, level=1, owner_id=None)
        Make or replace one record's document, in the caller's transaction. `kind` names the
        record type ("forum.question", "careers.job"); `level` is the lowest viewer level that
        may find it on the caller's own scale; `owner_id` finds it regardless of level.
    search_index_many(kind, [(object_id, text, facets), ...], level=1)
        The same for many records of one kind at once (bulk loads and rebuilds).
    search_remove(kind, object_id)
        Forget a record (when it is deleted, hidden or made private).
    search_query(kind, q, *, facets=None, max_level=None, owner_id=None, exclude=(), limit=20,
                 offset=0)
        -> SearchResult(ids=[object ids, best first], total=N)
        Records of that kind only. Values of one facet widen, facets narrow. `exclude` leaves out
        object ids (lists, or one-column querysets run as subqueries) before ranking and paging.
        Without words, newest first. The caller loads its own rows by id and still checks its own access rules.

The directory's people index (alma/directory) is a separate, specialised index (per-field
privacy ranks, a million people, facet counts); it shares the tokeniser.
"""
