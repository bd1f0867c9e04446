"""One ledger, one set of rules: `activity_record` and `activity_record_bulk` give the same rows.

The property test hands both the same rows, valid and invalid, drawn over every registered
kind, actors of every provider (and people who may serve no one), beneficiaries at every
stage, aspects, providers, notes, ratings and dates: each row either becomes the same ledger
row by both paths, or is refused by both with the same message.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alma.activity.kinds import all_kinds
from alma.activity.models import Activity, Provider
from alma.activity.services import activity_record, activity_record_bulk
from alma.lib.errors import ApplicationError
from alma.people.models import Post, Stage
from alma.testing import factories as f

pytestmark = pytest.mark.django_db

# What a row's outcome is compared by: every column but the ones each insert sets itself.
NOT_COMPARED = {"id", "created_at"}


def ledger_row(activity: Activity) -> dict[str, Any]:
    row = model_to_dict(activity, exclude=list(NOT_COMPARED))
    row["source_type"], row["source_id"] = activity.source_type_id, activity.source_id
    return row


@pytest.fixture
def cast(db) -> dict[str, Any]:
    """People in every position the rules distinguish."""
    teacher = f.PersonFactory(full_name="Teacher")
    f.StaffPostFactory(person=teacher, post=Post.LOGISTICS)
    f.StaffPostFactory(person=teacher, post=Post.TEACHING)
    partner = f.PersonFactory(full_name="Partner")
    f.OrganizationFactory().representatives.add(partner)
    leaving = f.StudentFactory(full_name="Leaving")
    leaving.educations.update(expected_graduation_year=timezone.localdate().year)
    return {
        "teacher": teacher,
        "alumnus": f.AlumnusFactory(full_name="Alumnus"),
        "partner": partner,
        "nobody": f.PersonFactory(full_name="Nobody"),  # no post, not an alumnus
        "student": f.StudentFactory(full_name="Student"),
        "leaving": leaving,
        "prospective": f.PersonFactory(full_name="Prospective", stage=Stage.PROSPECTIVE),
        "user": f.UserFactory(),
    }


ACTORS = st.sampled_from([None, "teacher", "alumnus", "partner", "nobody"])
BENEFICIARIES = st.sampled_from([None, "student", "leaving", "prospective", "alumnus"])
ROWS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([k.slug for k in all_kinds()] + ["nope.unknown"]),
        "actor": ACTORS,
        "beneficiary": BENEFICIARIES,
        "aspect": st.sampled_from([None, "life", "study", "work", "leisure"]),
        "provider": st.sampled_from([None, *Provider.values, "astronaut"]),
        "note": st.sampled_from(["", "Helped with a CV", "x" * 2001]),
        "days_ago": st.integers(min_value=0, max_value=800),
        "recorded": st.booleans(),
    }
)


def call_arguments(drawn: dict[str, Any], cast: dict[str, Any]) -> dict[str, Any]:
    """`activity_record`'s keyword arguments for a drawn row."""
    return {
        "kind": drawn["kind"],
        "actor": cast[drawn["actor"]] if drawn["actor"] else None,
        "beneficiary": cast[drawn["beneficiary"]] if drawn["beneficiary"] else None,
        "aspect": drawn["aspect"],
        "provider": drawn["provider"],
        "note": drawn["note"],
        "occurred_at": timezone.now().replace(microsecond=0) - dt.timedelta(days=drawn["days_ago"]),
        "recorded_by": cast["user"] if drawn["recorded"] else None,
    }


def outcome(call: Any, *args: Any) -> tuple[str, Any]:
    """Run a call in a savepoint that is rolled back: ("rows", rows) or ("refused", message)."""
    try:
        with transaction.atomic():
            result = call(*args)
            transaction.set_rollback(True)
            return "rows", result
    except ApplicationError as error:
        return "refused", error.message


def recorded_one_by_one(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ledger_row(activity_record(**row)) for row in rows]


def recorded_in_bulk(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert not Activity.objects.exists()
    activity_record_bulk(rows=rows)
    return [ledger_row(a) for a in Activity.objects.order_by("id")]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn_rows=st.lists(ROWS, min_size=1, max_size=6))
def test_single_and_bulk_give_identical_rows_for_the_same_input(cast, drawn_rows):
    rows = [call_arguments(drawn, cast) for drawn in drawn_rows]
    valid = []
    for row in rows:
        single = outcome(recorded_one_by_one, [row])
        bulk = outcome(recorded_in_bulk, [row])
        if single[0] == "rows":
            assert bulk == single, row
            valid.append(row)
        else:
            assert bulk[0] == "refused", row
            assert bulk[1] == f"Row 1: {single[1]}" or bulk[1] == single[1], row
    assert outcome(recorded_in_bulk, valid) == outcome(recorded_one_by_one, valid)


def test_activity_record_bulk_records_what_activity_record_would():
    teacher = f.PersonFactory()
    f.StaffPostFactory(person=teacher, post=Post.LOGISTICS)
    f.StaffPostFactory(person=teacher, post=Post.TEACHING)
    student = f.StudentFactory()
    when = timezone.now() - dt.timedelta(days=3)
    one = activity_record(
        kind="staff.service", actor=teacher, beneficiary=student, aspect="study", occurred_at=when
    )
    assert (
        activity_record_bulk(
            rows=[
                {
                    "kind": "staff.service",
                    "actor_id": teacher.pk,
                    "beneficiary": student,
                    "aspect": "study",
                    "occurred_at": when,
                    "rating": 4,
                }
            ]
        )
        == 1
    )
    bulk = Activity.objects.exclude(pk=one.pk).get()
    for field in ("kind", "provider", "beneficiary_stage", "aspect", "engagement_mode"):
        assert getattr(bulk, field) == getattr(one, field), field
    assert bulk.rating == 4 and bulk.rated_at is not None


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "nope.unknown"},
        {"aspect": "leisure"},
        {"rating": 6},
        {"rating": True},
        {"note": "x" * 2001},
        {"provider": "astronaut"},
        {"actor": None, "actor_id": 10**9},
        {"beneficiary_id": 1},  # and the beneficiary object: which one?
        {"colour": "blue"},
    ],
)
def test_activity_record_bulk_rejects_a_bad_row_and_records_nothing(bad):
    staff = f.PersonFactory()
    f.StaffPostFactory(person=staff, post=Post.TEACHING)
    student = f.StudentFactory()
    good = {"kind": "staff.service", "actor": staff, "beneficiary": student, "aspect": "life"}
    with pytest.raises(ApplicationError, match="Row 2|No such person"):
        activity_record_bulk(rows=[good, {**good, **bad}])
    assert not Activity.objects.exists()


def test_activity_record_bulk_needs_someone_to_credit():
    nobody = f.PersonFactory()  # holds no post, not an alumnus, represents nothing
    with pytest.raises(ApplicationError, match="no post"):
        activity_record_bulk(
            rows=[{"kind": "staff.service", "actor": nobody, "aspect": "life", "note": "hi"}]
        )
    assert not Activity.objects.exists()
