"""Graduating a cohort of 5,000 is one operation with a bounded number of queries.

Rows are read and written in batches, never one by one: Alma's own queries stay a small
fraction of the cohort's size on either database, and so do all queries, the directory's
re-indexing of the graduates included.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alma.lifecycle.models import GraduateDestination
from alma.lifecycle.services import graduation_run
from alma.people.models import Education, Person, Stage, StageTransition

pytestmark = pytest.mark.django_db

COHORT = 5000


def make_cohort(size: int, year: int = 2026) -> None:
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"Graduate {i}", stage=Stage.STUDENT, email=f"g{i}@example.edu")
            for i in range(size)
        ],
        batch_size=1000,
    )
    Education.objects.bulk_create(
        [
            Education(
                person=person,
                degree_level="bachelor",
                school="School of Engineering",
                entry_year=year - 4,
                expected_graduation_year=year,
                student_number=f"G{year}{i:05d}",
            )
            for i, person in enumerate(people)
        ],
        batch_size=1000,
    )


def test_a_cohort_of_5000_graduates_in_a_bounded_number_of_queries(alice):
    make_cohort(COHORT)
    with CaptureQueriesContext(connection) as queries:
        plan = graduation_run(by=alice, graduation_year=2026, expected_graduation_year=2026)
    own = [q for q in queries.captured_queries if "directory_" not in q["sql"]]
    assert len(plan.changes) == COHORT
    assert Person.objects.filter(stage=Stage.ALUMNUS).count() == COHORT
    assert Education.objects.filter(graduation_year=2026).count() == COHORT
    assert (
        StageTransition.objects.filter(to_stage=Stage.ALUMNUS, recorded_by=alice).count() == COHORT
    )
    assert GraduateDestination.objects.filter(graduation_year=2026).count() == COHORT
    history = Person.history.filter(history_change_reason="graduation", history_user=alice)
    assert history.count() == COHORT
    assert {h.stage for h in history[:10]} == {Stage.ALUMNUS}
    assert len(own) <= COHORT // 40  # reads, updates, history, transitions, destinations
    assert len(queries) <= COHORT // 10  # at most one query per ten graduates, all told

    # Running it again changes nobody and costs a handful of queries.
    with CaptureQueriesContext(connection) as again:
        repeat = graduation_run(by=alice, graduation_year=2026, expected_graduation_year=2026)
    assert (len(repeat.changes), len(repeat.unchanged)) == (0, COHORT)
    assert len(again) <= 10
    assert StageTransition.objects.count() == COHORT
