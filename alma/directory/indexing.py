"""Builds the directory index from people records: what each viewer level may find and count.

`directory_index_people` rewrites a few entries and adjusts the facet counts by the exact
difference, in the caller's transaction (profile edits, the admin, imports of a few rows).
Given many people at once (a large import) it writes them the bulk way and recounts every facet
count instead. `directory_rebuild` rewrites all entries in chunks and recounts the facets
(seeding). All paths produce the same rows; a test holds them to it. Every path also keeps the
sample (`DirectorySample`) that very broad searches are counted on.

Imports index hundreds of thousands of people in one go, so the rows are plain tuples
(`EntryRow`, `TextRow`, `SampleRow`) read and written with SQL: model instances, and the ORM's
preparing of thousands of ids per query, cost more than the database's own work.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

from django.db import connection, transaction

from alma.directory.models import DirectoryEntry, DirectorySample, DirectoryText, FacetCount
from alma.directory.text import document, facet_token, name_tokens, sort_key
from alma.lib.bulk import insert_rows, one_of, select_one_of
from alma.people.models import (
    ChapterMembership,
    Education,
    Employment,
    Person,
    PersonRelation,
    Stage,
)
from alma.people.privacy import audience_rank

LEVELS = (1, 2, 3)
REBUILD_CHUNK = 5000
YEAR_BUCKET = 5
# One person in SAMPLE_EVERY is in the sample that very broad searches are counted on, chosen
# by a hash of the id (ids come in the order people were loaded, which may follow a pattern),
# and the sample is split again into SUBSAMPLES parts. See search.py.
SAMPLE_EVERY = 32
SUBSAMPLES = 8
# Re-indexing more people than this at once writes them in bulk and recounts all facets.
BULK_INDEX = 20_000


def sample_slot(person_id: int) -> int | None:
    """The person's part of the sample (0 to SUBSAMPLES - 1), or None when not sampled."""
    # Knuth's multiplicative hash; its high bits are the well-mixed ones.
    mixed = (person_id * 2654435761) % 2**32
    if mixed * SAMPLE_EVERY >> 32:
        return None
    return (mixed * SAMPLE_EVERY * SUBSAMPLES >> 32) % SUBSAMPLES


# Facet -> the entry column holding the rank that governs it (None: the profile's own rank).
FACET_RANKS: dict[str, str | None] = {
    "year": "education_rank",
    "degree": "education_rank",
    "school": "education_rank",
    "major": "education_rank",
    "industry": "employment_rank",
    "country": "location_rank",
    "province": "location_rank",
    "city": "location_rank",
    "chapter": None,
}
SINGLE_FACETS = [name for name in FACET_RANKS if name != "chapter"]
# Privacy keys whose words go into the searchable text, besides names.
TEXT_GROUPS = ("education", "employment", "current_location", "expertise", "about")
INDEXED_PERSON_COLUMNS = (
    "id",
    "full_name",
    "name_latin",
    "privacy",
    "current_city",
    "current_province",
    "current_country",
    "expertise",
    "interests",
    "headline",
)

Key = tuple[int, str, str, str, str]


class EntryRow(NamedTuple):
    """A `DirectoryEntry` row, in the order its columns are written (plain tuples: building a
    model instance per person cost more than the database's own work)."""

    person_id: int
    profile_rank: int
    education_rank: int
    employment_rank: int
    location_rank: int
    year: int | None
    degree: str
    school: str
    major: str
    industry: str
    country: str
    province: str
    city: str
    chapters: str
    sort_name: str  # last: a sample row holds every column before it


class TextRow(NamedTuple):
    """A `DirectoryText` row."""

    person_id: int
    names: str
    text1: str
    text2: str
    text3: str


class SampleRow(NamedTuple):
    """A `DirectorySample` row: the entry's columns but the sort name, then its part and words."""

    person_id: int
    profile_rank: int
    education_rank: int
    employment_rank: int
    location_rank: int
    year: int | None
    degree: str
    school: str
    major: str
    industry: str
    country: str
    province: str
    city: str
    chapters: str
    sub: int
    words1: str
    words2: str
    words3: str


# A field's rank comes from people.privacy (audience_rank), the one place that reads settings.
_rank = audience_rank


RANK_KEYS = ("profile", *TEXT_GROUPS)


def _ranks(privacy: Any) -> tuple[int, ...]:
    """The ranks of RANK_KEYS under these privacy settings (the JSON text, as the database
    returns it, or already read)."""
    if isinstance(privacy, str):
        return _ranks_of_json(privacy)
    return tuple(_rank(privacy, key) for key in RANK_KEYS)


@lru_cache(maxsize=10_000)
def _ranks_of_json(text: str) -> tuple[int, ...]:
    # Few people change the defaults, and then in few ways: most settings repeat.
    return tuple(_rank(json.loads(text), key) for key in RANK_KEYS)


@lru_cache(maxsize=100_000)
def _name_words(full_name: str, name_latin: str) -> tuple[tuple[str, ...], str]:
    """The name's search words and its sort key (cached: names repeat, and pinyin is slow)."""
    return tuple(name_tokens(full_name, name_latin)), sort_key(full_name, name_latin)[:200]


# Column positions in the rows `_built` reads.
_SCHOOL, _MAJOR, _DEGREE, _ENTRY_YEAR, _GRADUATION_YEAR = 1, 2, 3, 4, 5
_EMPLOYER, _TITLE, _INDUSTRY, _IS_CURRENT = 1, 2, 3, 4


def _build(
    person: tuple[Any, ...],
    educations: list[tuple[Any, ...]],
    employments: list[tuple[Any, ...]],
    chapters: list[int],
) -> tuple[EntryRow, TextRow]:
    """One person's entry and words, from their INDEXED_PERSON_COLUMNS and their education (latest entry
    first), employment (current first) and chapter rows as `_built` reads them."""
    pk, full_name, name_latin, privacy, city, province, country, expertise, interests, about = (
        person
    )
    profile_rank, education_rank, employment_rank, location_rank, expertise_rank, about_rank = (
        _ranks(privacy)
    )
    conferred = [e for e in educations if e[_GRADUATION_YEAR]]
    latest = max(
        conferred or educations,
        key=lambda e: (e[_GRADUATION_YEAR] or 0, e[_ENTRY_YEAR]),
        default=None,
    )
    current = next((job for job in employments if job[_IS_CURRENT]), None)
    graduated = latest[_GRADUATION_YEAR] if latest else None
    year = (graduated // YEAR_BUCKET) * YEAR_BUCKET if graduated else None
    degree, school, major = (
        (latest[_DEGREE], latest[_SCHOOL], latest[_MAJOR]) if latest else ("",) * 3
    )
    industry = current[_INDUSTRY] if current else ""
    chapter_list = ",".join(str(c) for c in sorted(set(chapters)))[:200]

    # The words of each field group, by its rank; levels[4] (only me) is never written.
    levels: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    for rank, found in (
        (education_rank, document(*[f"{e[_SCHOOL]} {e[_MAJOR]} {e[_DEGREE]}" for e in educations])),
        (
            employment_rank,
            document(*[f"{j[_EMPLOYER]} {j[_TITLE]} {j[_INDUSTRY]}" for j in employments]),
        ),
        (location_rank, document(city, province, country)),
        (expertise_rank, document(expertise, interests)),
        (about_rank, document(about)),
    ):
        if found:
            levels[rank].append(found)
    names, sort_name = _name_words(full_name, name_latin)
    entry = EntryRow(
        pk,
        profile_rank,
        education_rank,
        employment_rank,
        location_rank,
        year,
        degree,
        school,
        major,
        industry,
        country,
        province,
        city,
        chapter_list,
        sort_name,
    )
    # Each facet value is a word too, at its field's rank (chapters, like names, at the
    # profile's): words and narrow facets are then matched together by the text index.
    for name in SINGLE_FACETS:
        value, rank = getattr(entry, name), getattr(entry, FACET_RANKS[name] or "profile_rank")
        if value not in (None, ""):
            levels[rank].append(facet_token(name, str(value)))
    chapter_words = [facet_token("chapter", c) for c in chapter_list.split(",") if c]
    text = TextRow(
        pk,
        " ".join((*names, *chapter_words)),
        " ".join(levels[1]),
        " ".join(levels[2]),
        " ".join(levels[3]),
    )
    return entry, text


def _sample(entry: EntryRow, text: TextRow) -> SampleRow | None:
    sub = sample_slot(entry.person_id)
    if sub is None:
        return None
    words = [text.names]
    levels = []
    for more in (text.text1, text.text2, text.text3):
        words.append(more)
        levels.append(" " + " ".join(w for w in words if w) + " ")
    return SampleRow(*entry[:-1], sub, *levels)


def facet_values(entry: EntryRow, level: int) -> list[tuple[str, str]]:
    """The (facet, value) pairs a viewer of this level sees on the entry."""
    if entry.profile_rank > level:
        return []
    values = []
    for name in SINGLE_FACETS:
        value = getattr(entry, name)
        rank_column = FACET_RANKS[name]
        if value not in (None, "") and rank_column and getattr(entry, rank_column) <= level:
            values.append((name, str(value)))
    values += [("chapter", c) for c in entry.chapters.split(",") if c]
    return values


def _contribution_keys(entry: EntryRow) -> Iterator[Key]:
    """The facet counts one entry adds one to, at every level."""
    for level in LEVELS:
        if entry.profile_rank > level:
            continue
        yield (level, "", "", "", "")
        values = facet_values(entry, level)
        for facet_a, value_a in values:
            yield (level, facet_a, value_a, "", "")
            for facet_b, value_b in values:
                if facet_a != facet_b:
                    yield (level, facet_a, value_a, facet_b, value_b)


def _difference(old: Iterable[EntryRow], new: Iterable[EntryRow]) -> Counter[Key]:
    """How the facet counts change when the old entries are replaced by the new ones."""
    before = {entry.person_id: entry for entry in old}
    changed = []
    for entry in new:
        # An entry rewritten with the same facets counts the same: skip it on both sides.
        was = before.get(entry.person_id)
        if was is not None and was[:-1] == entry[:-1]:
            del before[entry.person_id]
        else:
            changed.append(entry)
    # Counter(iterable) counts in C; subtract(iterable) would loop in Python.
    delta = Counter(chain.from_iterable(map(_contribution_keys, changed)))
    delta.subtract(Counter(chain.from_iterable(map(_contribution_keys, before.values()))))
    return delta


def _apply(delta: Counter[Key]) -> None:
    rows = sorted((*key, n) for key, n in delta.items() if n)  # a fixed order avoids deadlocks
    if not rows:
        return
    table = FacetCount._meta.db_table
    insert = f"INSERT INTO {table} (level, facet_a, value_a, facet_b, value_b, count) "
    add = (
        "ON CONFLICT (level, facet_a, value_a, facet_b, value_b) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, the rows (in this order) as one JSON parameter, rather than a
            # statement per row.
            cursor.execute(
                f"{insert}SELECT (r->>0)::int, r->>1, r->>2, r->>3, r->>4, (r->>5)::int "
                f"FROM json_array_elements(%s::json) AS r {add}",
                [json.dumps(rows, ensure_ascii=False)],
            )
            return
        cursor.executemany(f"{insert}VALUES (%s, %s, %s, %s, %s, %s) {add}", rows)


def _columns(model: type[Any], names: Iterable[str]) -> str:
    return ", ".join(str(model._meta.get_field(name).column) for name in names)


def _reads() -> dict[str, str]:
    """The SELECTs of the index, in the order each model lists its rows (its Meta.ordering,
    then by id so that equal rows always come in the same order)."""
    return {
        # The directory lists members, never contacts: a relative (a parent of an admitted
        # student) with no student lifecycle of their own stays a contact of their student.
        "people": f"SELECT {_columns(Person, INDEXED_PERSON_COLUMNS)} FROM {Person._meta.db_table} "
        f"WHERE {{where}} AND NOT (stage = '{Stage.NONE}' AND id IN "
        f"(SELECT relative_id FROM {PersonRelation._meta.db_table})) ORDER BY id",
        "educations": f"SELECT {_columns(Education, INDEXED_EDUCATION_COLUMNS)} "
        f"FROM {Education._meta.db_table} WHERE {{where}} ORDER BY entry_year DESC, id",
        "employments": f"SELECT {_columns(Employment, EMPLOYMENT_FIELDS)} "
        f"FROM {Employment._meta.db_table} "
        "WHERE {where} ORDER BY is_current DESC, start_year DESC, id",
        "chapters": f"SELECT person_id, chapter_id FROM {ChapterMembership._meta.db_table} "
        "WHERE {where}",
        "entries": f"SELECT {', '.join(EntryRow._fields)} FROM {DirectoryEntry._meta.db_table} "
        "WHERE {where}",
        "texts": f"SELECT {', '.join(TextRow._fields)} FROM {DirectoryText._meta.db_table} "
        "WHERE {where}",
    }


INDEXED_EDUCATION_COLUMNS = (
    "person",
    "school",
    "major",
    "degree_level",
    "entry_year",
    "graduation_year",
)
EMPLOYMENT_FIELDS = ("person", "organization_name", "title", "industry", "is_current")


def _built(ids: list[int]) -> Iterator[tuple[EntryRow, TextRow]]:
    """The entry and words of each of these people (in id order), from their records.

    The records are read here; the rows are built as they are drawn (the connection is then
    free for a COPY that draws them)."""
    reads = _reads()
    educations: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    employments: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    chapters: dict[int, list[int]] = defaultdict(list)
    for row in select_one_of(reads["educations"], "person_id", ids):
        educations[row[0]].append(row)
    for row in select_one_of(reads["employments"], "person_id", ids):
        employments[row[0]].append(row)
    for person_id, chapter_id in select_one_of(reads["chapters"], "person_id", ids):
        chapters[person_id].append(chapter_id)
    people = select_one_of(reads["people"], "id", ids)

    def build(person: tuple[Any, ...]) -> tuple[EntryRow, TextRow]:
        pk = person[0]
        return _build(person, educations.get(pk, []), employments.get(pk, []), chapters.get(pk, []))

    return map(build, people)


def _entries_of(ids: list[int]) -> list[EntryRow]:
    return [EntryRow(*row) for row in select_one_of(_reads()["entries"], "person_id", ids)]


def _delete(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        for model in (DirectoryEntry, DirectoryText, DirectorySample):
            for condition, params in one_of("person_id", ids):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {condition}", params)


def _index_rows_write(ids: list[int]) -> list[EntryRow]:
    """Write the index rows of these people (none may be there yet); returns their entries."""
    entries: list[EntryRow] = []
    samples: list[SampleRow] = []
    built = _built(ids)  # reads now, before the COPY holds the connection

    def texts() -> Iterator[TextRow]:
        for entry, text in built:
            entries.append(entry)
            sample = _sample(entry, text)
            if sample is not None:
                samples.append(sample)
            yield text

    # The words first, built as they are sent: PostgreSQL indexes them (its largest share of
    # the work) while the next people are built. Building must not query the database: the
    # COPY holds the connection, and a query would wait for it forever.
    _index_rows_insert(DirectoryText, TextRow._fields, texts())
    _index_rows_insert(DirectoryEntry, EntryRow._fields, entries)
    _index_rows_insert(DirectorySample, SampleRow._fields, samples)
    return entries


def _index_rows_insert(
    model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert index rows, drawn as they are sent: COPY on PostgreSQL; on SQLite one statement
    reading them from a JSON array, as its full-text tables write their pending words out at
    every statement, so a statement per row (as executemany runs) would be far slower)."""
    if connection.vendor == "postgresql":
        insert_rows(model._meta.db_table, columns, rows)
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM json_each(%s)",
            [json.dumps(list(rows), ensure_ascii=False)],
        )


@transaction.atomic
def directory_index_people(*, person_ids: Iterable[int]) -> int:
    """Re-index these people (a deleted person loses their entry) and adjust the counts exactly."""
    ids = sorted({int(pk) for pk in person_ids})
    if len(ids) > BULK_INDEX:
        written = 0
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            _delete(chunk)
            written += len(_index_rows_write(chunk))
        _recount_facets()
        return written
    old = _entries_of(ids)
    _delete(ids)
    entries = _index_rows_write(ids)
    _apply(_difference(old, entries))
    return len(entries)


@transaction.atomic
def directory_forget_people(*, person_ids: Iterable[int]) -> None:
    """Take people out of the index and the facet counts (before their records are deleted)."""
    ids = sorted({int(pk) for pk in person_ids})
    delta = _difference(_entries_of(ids), [])
    _delete(ids)
    _apply(delta)


def _recount_facets() -> None:
    """Recount every facet count from the entries: one read of the index, counting in numpy.

    Each facet's values are coded as integers; a pair of facets is counted with one bincount
    over the people who show both. A million people take seconds, where a GROUP BY per pair
    and level (over a hundred scans) took minutes.
    """
    import numpy as np

    columns = [
        "person_id",
        "profile_rank",
        "education_rank",
        "employment_rank",
        "location_rank",
        *SINGLE_FACETS,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {DirectoryEntry._meta.db_table} ORDER BY person_id"
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT person_id, chapter_id FROM people_chaptermembership")
        memberships = cursor.fetchall()
    person_ids = np.array([row[0] for row in rows], dtype=np.int64)
    ranks = {
        name: np.array([row[i] for row in rows], dtype=np.int16)
        for i, name in enumerate(columns[1:5], start=1)
    }
    codes: dict[str, Any] = {}
    vocab: dict[str, list[str]] = {}
    for i, name in enumerate(SINGLE_FACETS, start=5):
        values = [row[i] for row in rows]
        # Codes in order of first appearance, -1 for no value; the loops over every entry
        # run in C (dict.fromkeys, np.fromiter), the Python loop over distinct values only.
        seen: dict[str, int] = {}
        code_of: dict[Any, int] = {None: -1, "": -1}
        for value in dict.fromkeys(values):
            if value not in (None, ""):
                code_of[value] = seen.setdefault(str(value), len(seen))
        codes[name] = np.fromiter(
            map(code_of.__getitem__, values), dtype=np.int32, count=len(values)
        )
        vocab[name] = list(seen)
    # Memberships of people in the index, as (entry position, chapter code).
    chapters: dict[str, int] = {}
    member_person = np.array([m[0] for m in memberships], dtype=np.int64)
    positions = np.searchsorted(person_ids, member_person)
    found = positions < len(person_ids)
    found[found] = person_ids[positions[found]] == member_person[found]
    kept = np.flatnonzero(found)
    member_at = positions[kept].astype(np.int64)
    member_code = np.array(
        [chapters.setdefault(str(memberships[k][1]), len(chapters)) for k in kept],
        dtype=np.int32,
    )
    chapter_vocab = list(chapters)

    out: list[tuple[int, str, str, str, str, int]] = []

    def emit(level: int, a: str, a_vocab: list[str], b: str, b_vocab: list[str], flat: Any) -> None:
        width = len(b_vocab)
        counted = np.bincount(flat, minlength=len(a_vocab) * width)
        for index in np.flatnonzero(counted):
            i, j = divmod(int(index), width)
            out.append((level, a, a_vocab[i], b, b_vocab[j], int(counted[index])))
            out.append((level, b, b_vocab[j], a, a_vocab[i], int(counted[index])))

    for level in LEVELS:
        listed = ranks["profile_rank"] <= level
        out.append((level, "", "", "", "", int(listed.sum())))
        shown = {
            name: listed
            & (codes[name] >= 0)
            & (ranks[FACET_RANKS[name] or "profile_rank"] <= level)
            for name in SINGLE_FACETS
        }
        member_listed = listed[member_at] if len(member_at) else np.zeros(0, dtype=bool)
        for j, count in enumerate(
            np.bincount(member_code[member_listed], minlength=len(chapter_vocab))
        ):
            if count:
                out.append((level, "chapter", chapter_vocab[j], "", "", int(count)))
        for i, a in enumerate(SINGLE_FACETS):
            for j, count in enumerate(np.bincount(codes[a][shown[a]], minlength=len(vocab[a]))):
                if count:
                    out.append((level, a, vocab[a][j], "", "", int(count)))
            for b in SINGLE_FACETS[i + 1 :]:
                both = shown[a] & shown[b]
                emit(
                    level,
                    a,
                    vocab[a],
                    b,
                    vocab[b],
                    codes[a][both].astype(np.int64) * len(vocab[b]) + codes[b][both],
                )
            if len(member_at):
                with_a = member_listed & shown[a][member_at]
                flat = (
                    codes[a][member_at[with_a]].astype(np.int64) * len(chapter_vocab)
                    + member_code[with_a]
                )
                emit(level, a, vocab[a], "chapter", chapter_vocab, flat)

    FacetCount.objects.all().delete()
    insert_rows(
        FacetCount._meta.db_table,
        ["level", "facet_a", "value_a", "facet_b", "value_b", "count"],
        out,
    )


def directory_rebuild(
    *,
    chunk: int = REBUILD_CHUNK,
    after_id: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rewrite the entries of people with id > after_id in chunks, then recount all facets."""
    total = Person.objects.filter(pk__gt=after_id).count()
    done = 0
    last_pk = after_id
    while True:
        ids = list(
            Person.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            break
        with transaction.atomic():
            for model in (DirectoryEntry, DirectoryText, DirectorySample):
                model.objects.filter(person_id__gt=last_pk, person_id__lte=ids[-1]).delete()
            _index_rows_write(ids)
        last_pk = ids[-1]
        done += len(ids)
        if progress:
            progress(done, total)
    with transaction.atomic():
        _recount_facets()
    return done


@transaction.atomic
def directory_refill_sample() -> int:
    """Rewrite the sample from the entries and words already in the index (no records read)."""
    DirectorySample.objects.all().delete()
    ids = [
        pk
        for pk in DirectoryEntry.objects.order_by("pk").values_list("pk", flat=True).iterator()
        if sample_slot(pk) is not None
    ]
    reads = _reads()
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = ids[start : start + REBUILD_CHUNK]
        texts = {row[0]: TextRow(*row) for row in select_one_of(reads["texts"], "person_id", chunk)}
        samples = [
            sample
            for row in select_one_of(reads["entries"], "person_id", chunk)
            if row[0] in texts and (sample := _sample(EntryRow(*row), texts[row[0]])) is not None
        ]
        _index_rows_insert(DirectorySample, SampleRow._fields, samples)
    return len(ids)
