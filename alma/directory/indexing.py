"""Builds the directory index from people records: what each viewer level may find and count.

`directory_index_people` rewrites a few entries and adjusts the facet counts by the exact
difference, in the caller's transaction (profile edits, the admin, imports of a few rows).
Given many people at once (a large import) it writes them the bulk way and recounts every facet
count instead. `directory_rebuild` rewrites all entries in chunks and recounts the facets
(seeding). All paths produce the same rows; a test holds them to it. Every path also keeps the
sample (`DirectorySample`) that very broad searches are counted on.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction

from alma.directory.models import DirectoryEntry, DirectorySample, DirectoryText, FacetCount
from alma.directory.text import document, facet_token, name_tokens, sort_key
from alma.lib.bulk import insert_rows
from alma.people.models import Audience, ChapterMembership, Education, Employment, Person
from alma.people.privacy import PRIVATE_FIELDS

AUDIENCE_RANK = {
    Audience.SIGNED_IN.value: 1,
    Audience.MEMBERS.value: 2,
    Audience.ALUMNI_OFFICE.value: 3,
    Audience.ONLY_ME.value: 4,
}
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
PERSON_FIELDS = (
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


def _rank(privacy: dict[str, Any] | None, key: str) -> int:
    value = (privacy or {}).get(key)
    # Hand-typed JSON (the admin) may hold anything, even a list: read it as the default.
    if not isinstance(value, str) or value not in AUDIENCE_RANK:
        value = PRIVATE_FIELDS[key].default.value
    return AUDIENCE_RANK[value]


def _build(
    person: dict[str, Any],
    educations: list[dict[str, Any]],
    employments: list[dict[str, Any]],
    chapters: list[int],
) -> tuple[DirectoryEntry, DirectoryText]:
    privacy = person["privacy"]
    ranks = {key: _rank(privacy, key) for key in ("profile", *TEXT_GROUPS)}
    conferred = [e for e in educations if e["graduation_year"]]
    latest = max(
        conferred or educations,
        key=lambda e: (e["graduation_year"] or 0, e["entry_year"]),
        default=None,
    )
    current = next((job for job in employments if job["is_current"]), None)
    year = latest["graduation_year"] if latest else None

    words = {
        "education": document(
            *[f"{e['school']} {e['major']} {e['degree_level']}" for e in educations]
        ),
        "employment": document(
            *[f"{j['organization_name']} {j['title']} {j['industry']}" for j in employments]
        ),
        "current_location": document(
            person["current_city"], person["current_province"], person["current_country"]
        ),
        "expertise": document(person["expertise"], person["interests"]),
        "about": document(person["headline"]),
    }
    by_rank = {
        level: " ".join(text for key, text in words.items() if ranks[key] == level and text)
        for level in LEVELS
    }
    entry = DirectoryEntry(
        person_id=person["id"],
        profile_rank=ranks["profile"],
        education_rank=ranks["education"],
        employment_rank=ranks["employment"],
        location_rank=ranks["current_location"],
        sort_name=sort_key(person["full_name"], person["name_latin"])[:200],
        year=(year // YEAR_BUCKET) * YEAR_BUCKET if year else None,
        degree=latest["degree_level"] if latest else "",
        school=latest["school"] if latest else "",
        major=latest["major"] if latest else "",
        industry=current["industry"] if current else "",
        country=person["current_country"],
        province=person["current_province"],
        city=person["current_city"],
        chapters=",".join(str(c) for c in sorted(set(chapters)))[:200],
    )
    # Each facet value is a word too, at its field's rank (chapters, like names, at the
    # profile's): words and narrow facets are then matched together by the text index.
    for name in SINGLE_FACETS:
        value, rank = getattr(entry, name), getattr(entry, FACET_RANKS[name] or "profile_rank")
        if value not in (None, "") and rank in by_rank:
            by_rank[rank] = f"{by_rank[rank]} {facet_token(name, str(value))}".strip()
    names = name_tokens(person["full_name"], person["name_latin"])
    names += [facet_token("chapter", c) for c in entry.chapters.split(",") if c]
    text = DirectoryText(
        person_id=person["id"],
        names=" ".join(names),
        text1=by_rank[1],
        text2=by_rank[2],
        text3=by_rank[3],
    )
    return entry, text


def _sample(entry: DirectoryEntry, text: DirectoryText) -> DirectorySample | None:
    sub = sample_slot(entry.person_id)
    if sub is None:
        return None
    words = [text.names]
    levels = {}
    for level, more in zip(LEVELS, (text.text1, text.text2, text.text3), strict=True):
        words.append(more)
        levels[f"words{level}"] = " " + " ".join(w for w in words if w) + " "
    facets = {f.attname: getattr(entry, f.attname) for f in DirectoryEntry._meta.concrete_fields}
    del facets["sort_name"]
    return DirectorySample(sub=sub, **facets, **levels)


def facet_values(entry: DirectoryEntry, level: int) -> list[tuple[str, str]]:
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


def contributions(entry: DirectoryEntry) -> Counter[Key]:
    """What one entry adds to the facet counts, at every level."""
    counted: Counter[Key] = Counter()
    for level in LEVELS:
        if entry.profile_rank > level:
            continue
        counted[(level, "", "", "", "")] += 1
        values = facet_values(entry, level)
        for facet_a, value_a in values:
            counted[(level, facet_a, value_a, "", "")] += 1
            for facet_b, value_b in values:
                if facet_a != facet_b:
                    counted[(level, facet_a, value_a, facet_b, value_b)] += 1
    return counted


def _apply(delta: Counter[Key]) -> None:
    rows = sorted((*key, n) for key, n in delta.items() if n)  # a fixed order avoids deadlocks
    if not rows:
        return
    table = FacetCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (level, facet_a, value_a, facet_b, value_b, count) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (level, facet_a, value_a, facet_b, value_b) "
            f"DO UPDATE SET count = {table}.count + excluded.count",
            rows,
        )


Rows = tuple[list[DirectoryEntry], list[DirectoryText], list[DirectorySample]]


def _rows_for(ids: list[int]) -> Rows:
    people = list(Person.objects.filter(pk__in=ids).order_by("pk").values(*PERSON_FIELDS))
    educations: dict[int, list[Any]] = {}
    employments: dict[int, list[Any]] = {}
    chapters: dict[int, list[int]] = {}
    for e in Education.objects.filter(person_id__in=ids).values(
        "person_id", "school", "major", "degree_level", "entry_year", "graduation_year"
    ):
        educations.setdefault(e["person_id"], []).append(e)
    for j in Employment.objects.filter(person_id__in=ids).values(
        "person_id", "organization_name", "title", "industry", "is_current"
    ):
        employments.setdefault(j["person_id"], []).append(j)
    for person_id, chapter_id in ChapterMembership.objects.filter(person_id__in=ids).values_list(
        "person_id", "chapter_id"
    ):
        chapters.setdefault(person_id, []).append(chapter_id)
    entries, texts, samples = [], [], []
    for person in people:
        pk = person["id"]
        entry, text = _build(
            person, educations.get(pk, []), employments.get(pk, []), chapters.get(pk, [])
        )
        entries.append(entry)
        texts.append(text)
        sample = _sample(entry, text)
        if sample is not None:
            samples.append(sample)
    return entries, texts, samples


def _delete(ids: list[int]) -> None:
    for model in (DirectoryEntry, DirectoryText, DirectorySample):
        model.objects.filter(person_id__in=ids).delete()


def _write(rows: Rows) -> None:
    entries, texts, samples = rows
    _insert(DirectoryEntry, entries, ENTRY_COLUMNS)
    _insert(DirectoryText, texts, TEXT_COLUMNS)
    _insert(DirectorySample, samples, SAMPLE_COLUMNS)


@transaction.atomic
def directory_index_people(*, person_ids: Iterable[int]) -> int:
    """Re-index these people (a deleted person loses their entry) and adjust the counts exactly."""
    ids = sorted(set(person_ids))
    if len(ids) > BULK_INDEX:
        written = 0
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            _delete(chunk)
            rows = _rows_for(chunk)
            _write(rows)
            written += len(rows[0])
        _recount_facets()
        return written
    old = list(DirectoryEntry.objects.filter(person_id__in=ids))
    _delete(ids)
    rows = _rows_for(ids)
    _write(rows)
    entries = rows[0]
    delta: Counter[Key] = Counter()
    for entry in entries:
        delta.update(contributions(entry))
    for entry in old:
        delta.subtract(contributions(entry))
    _apply(delta)
    return len(entries)


@transaction.atomic
def directory_forget_people(*, person_ids: Iterable[int]) -> None:
    """Take people out of the index and the facet counts (before their records are deleted)."""
    ids = sorted(set(person_ids))
    delta: Counter[Key] = Counter()
    for entry in DirectoryEntry.objects.filter(person_id__in=ids):
        delta.subtract(contributions(entry))
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
        seen: dict[str, int] = {}
        coded = np.empty(len(rows), dtype=np.int32)
        for n, row in enumerate(rows):
            value = row[i]
            coded[n] = -1 if value in (None, "") else seen.setdefault(str(value), len(seen))
        codes[name], vocab[name] = coded, list(seen)
    # Memberships of people in the index, as (entry position, chapter code).
    chapters: dict[str, int] = {}
    member_rows, member_codes = [], []
    positions: Any = np.searchsorted(person_ids, [m[0] for m in memberships]) if memberships else []
    for (person_id, chapter_id), position in zip(memberships, positions, strict=True):
        if position < len(person_ids) and person_ids[position] == person_id:
            member_rows.append(position)
            member_codes.append(chapters.setdefault(str(chapter_id), len(chapters)))
    member_at = np.array(member_rows, dtype=np.int64)
    member_code = np.array(member_codes, dtype=np.int32)
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


ENTRY_COLUMNS = [str(f.column) for f in DirectoryEntry._meta.concrete_fields]
TEXT_COLUMNS = [str(f.column) for f in DirectoryText._meta.concrete_fields]
SAMPLE_COLUMNS = [str(f.column) for f in DirectorySample._meta.concrete_fields]


def _insert(model: type[Any], rows: list[Any], columns: list[str]) -> None:
    """Insert index rows fast, with no model overhead."""
    insert_rows(model._meta.db_table, columns, [[getattr(row, c) for c in columns] for row in rows])


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
            _write(_rows_for(ids))
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
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = ids[start : start + REBUILD_CHUNK]
        texts = DirectoryText.objects.in_bulk(chunk)
        samples = [
            _sample(entry, texts[entry.pk])
            for entry in DirectoryEntry.objects.filter(pk__in=chunk)
            if entry.pk in texts
        ]
        _insert(DirectorySample, samples, SAMPLE_COLUMNS)
    return len(ids)
