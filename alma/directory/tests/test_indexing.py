"""Indexing: the rows written by each path, and the facet counts kept exact through edits."""

import pytest
from django.db import connection

from alma.directory import indexing
from alma.directory.indexing import (
    EntryRow,
    SampleRow,
    TextRow,
    directory_forget_people,
    directory_index_people,
    directory_rebuild,
)
from alma.directory.models import DirectoryEntry, DirectorySample, DirectoryText, FacetCount
from alma.lib import bulk
from alma.people.models import Person
from alma.testing import factories as f


def test_the_row_tuples_hold_every_column_of_their_tables():
    for row, model in (
        (EntryRow, DirectoryEntry),
        (TextRow, DirectoryText),
        (SampleRow, DirectorySample),
    ):
        assert sorted(row._fields) == sorted(field.column for field in model._meta.concrete_fields)
    # A sample row is built from an entry row: its columns but the sort name, then its own.
    assert SampleRow._fields == (*EntryRow._fields[:-1], "sub", "words1", "words2", "words3")
    assert EntryRow._fields[-1] == "sort_name"


def index_state() -> tuple[list, list, list, dict]:
    if connection.vendor == "sqlite":
        # The full-text indexes agree with the rows they index (raises if not).
        with connection.cursor() as cursor:
            for fts in ("directory_fts", "directory_sample_fts"):
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")  # noqa: S608
    return (
        list(DirectoryEntry.objects.order_by("pk").values()),
        list(DirectoryText.objects.order_by("pk").values()),
        list(DirectorySample.objects.order_by("pk").values()),
        {
            (c.level, c.facet_a, c.value_a, c.facet_b, c.value_b): c.count
            for c in FacetCount.objects.all()
            if c.count
        },
    )


def rebuilt_state() -> tuple[list, list, list, dict]:
    for model in (DirectoryEntry, DirectoryText, DirectorySample, FacetCount):
        model.objects.all().delete()
    directory_rebuild(chunk=3)
    return index_state()


@pytest.fixture
def everyone_sampled(db, monkeypatch):
    monkeypatch.setattr(indexing, "SAMPLE_EVERY", 1)


@pytest.mark.parametrize("ids_per_statement", [10_000, 2])
def test_counts_stay_exact_through_edits_and_deletions(
    everyone_sampled, monkeypatch, ids_per_statement
):
    # 2: SQLite reads and deletes the ids a few at a time (PostgreSQL takes them all at once).
    monkeypatch.setattr(bulk, "IN_LIST", ids_per_statement)
    chapter, other_chapter = f.ChapterFactory(), f.ChapterFactory()
    wang = f.AlumnusFactory(full_name="王芳", name_latin="", current_city="Hangzhou")
    f.EducationFactory(person=wang, degree_level="master", entry_year=2015, graduation_year=2017)
    f.EmploymentFactory(person=wang, industry="Finance")
    f.ChapterMembershipFactory(person=wang, chapter=chapter)
    f.ChapterMembershipFactory(person=wang, chapter=other_chapter)
    quoted = f.AlumnusFactory(
        full_name='O\'Brien "Jo" José 😀',
        current_city="São Paulo",
        headline="50% of {braces} and \\ backslashes",
        privacy={"current_location": "alumni_office", "education": "signed_in"},
    )
    f.ChapterMembershipFactory(person=quoted, chapter=chapter)
    hidden = f.AlumnusFactory(current_city="Lhasa", privacy={"profile": "only_me"})
    f.PersonFactory(current_city="", current_country="")
    assert index_state() == rebuilt_state()

    # Each change re-indexes through the signals, the few-people way.
    wang.current_city = "Shenzhen"
    wang.save()
    quoted.privacy = {"current_location": "members", "employment": "alumni_office"}
    quoted.save()
    hidden.privacy = {}
    hidden.save()
    wang.chapter_memberships.filter(chapter=other_chapter).delete()
    f.EmploymentFactory(person=hidden, industry="Finance", is_current=True)
    assert index_state() == rebuilt_state()

    # Many at once, unchanged people among them, and ids of nobody (with gaps: not a range).
    everyone = list(Person.objects.values_list("pk", flat=True))
    nobody = [max(everyone) + 2 * n for n in range(1, 6)]
    assert directory_index_people(person_ids=[*everyone, *nobody]) == len(everyone)
    assert index_state() == rebuilt_state()

    directory_forget_people(person_ids=[wang.pk, *nobody])
    Person.objects.filter(pk=wang.pk).delete()
    state = index_state()
    assert wang.pk not in {e["person_id"] for e in state[0]}
    assert state == rebuilt_state()


def test_the_bulk_path_writes_what_the_incremental_path_writes(everyone_sampled, monkeypatch):
    chapter = f.ChapterFactory()
    for n in range(7):
        person = f.AlumnusFactory(
            full_name=["张伟", "Li Na", "José Ñúñez"][n % 3],
            current_city=["Beijing", "Shanghai", ""][n % 3],
            privacy={"education": ["signed_in", "members", "alumni_office", "only_me"][n % 4]},
        )
        if n % 2:
            f.ChapterMembershipFactory(person=person, chapter=chapter)
            f.EmploymentFactory(person=person, industry=["Finance", "Software"][n % 4 // 2])
    incremental = index_state()
    monkeypatch.setattr(indexing, "BULK_INDEX", 0)
    monkeypatch.setattr(indexing, "REBUILD_CHUNK", 3)
    everyone = list(Person.objects.values_list("pk", flat=True))
    assert directory_index_people(person_ids=everyone) == len(everyone)
    assert index_state() == incremental
