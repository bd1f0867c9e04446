"""Properties over random ledger writes: shares lie in [0, 1], every engaged alumnus counts once
per mode (checked against a count made here in Python from the writes themselves), and the
rollups equal a direct recount of the ledger for every cohort and period."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alma.activity.kinds import all_kinds
from alma.activity.models import Provider
from alma.insights import periods, selectors
from alma.insights.selectors import Cohort, Period
from alma.insights.services import rollups_refresh
from alma.insights.tests.world import person, record, staff
from alma.people.models import Post, Stage

pytestmark = pytest.mark.django_db

MONTHS = [dt.datetime(2023, 1, 10) + dt.timedelta(days=45 * i) for i in range(24)]

write = st.fixed_dictionaries(
    {
        "kind": st.integers(0, 50),
        "actor": st.integers(0, 50),
        "beneficiary": st.one_of(st.none(), st.integers(0, 50)),
        "aspect": st.sampled_from(["life", "study", "work"]),
        "month": st.integers(0, len(MONTHS) - 1),
        "rating": st.one_of(st.none(), st.integers(1, 5)),
        "stage": st.one_of(st.none(), st.sampled_from(["pre_entry", "in_school", "leaving"])),
    }
)


def _people():
    students = [
        person(Stage.STUDENT, entry_year=2022, major="Physics"),
        person(Stage.STUDENT, entry_year=2022, major="Chemistry", hometown_province="Yunnan"),
        person(Stage.STUDENT, entry_year=2023, school="School of Arts", major="Painting"),
        person(Stage.PROSPECTIVE, entry_year=2027),
        person(Stage.ALUMNUS, graduation_year=2022, degree_level="master"),
        person(Stage.ALUMNUS, graduation_year=2019),
    ]
    alumni = [
        students[4],
        students[5],
        person(Stage.ALUMNUS, graduation_year=2010),
        person(Stage.ALUMNUS, graduation_year=2016, email=""),  # not reachable
        person(Stage.ALUMNUS, graduation_year=2012, deceased=True),
    ]
    actors = [staff(Post.TEACHING), staff(Post.LOGISTICS), staff(Post.ALUMNI_OFFICE), *alumni]
    return students, alumni, actors


def _rows(writes, students, actors, kinds):
    rows = []
    for w in writes:
        kind = kinds[w["kind"] % len(kinds)]
        actor = actors[w["actor"] % len(actors)]
        beneficiary = None if w["beneficiary"] is None else students[w["beneficiary"] % 6]
        found = {
            "kind": kind.slug,
            "actor": actor,
            "beneficiary": beneficiary,
            "aspect": w["aspect"],
            "occurred_at": periods.aware_start_of(MONTHS[w["month"]].date()),
        }
        if actor.stage == Stage.ALUMNUS:
            found["provider"] = Provider.ALUMNUS
        if beneficiary is not None and w["stage"]:
            found["beneficiary_stage"] = w["stage"]
        if w["rating"] is not None and kind.beneficiary_may_rate and beneficiary is not None:
            found["rating"] = w["rating"]
        rows.append(found)
    return rows


def _engaged_by_hand(rows, alumni, year):
    """Alumni of record who engaged in the fiscal year, per mode, counted from the writes."""
    start, end = periods.fiscal_year_bounds(year)
    of_record = {
        a.pk
        for a in alumni
        if a.email and not a.deceased and a.educations.get().graduation_year <= year
    }
    modes = {m: set() for m in selectors.MODES}
    for r in rows:
        mode = next(k.alumni_mode for k in all_kinds() if k.slug == r["kind"])
        day = r["occurred_at"].date()
        if mode and r["actor"].pk in of_record and start <= day < end:
            modes[str(mode)].add(r["actor"].pk)
    return len(of_record), {m: len(v) for m, v in modes.items()}, len(set().union(*modes.values()))


COHORTS = [
    Cohort(),
    Cohort(entry_year=2022),
    Cohort(school="School of Arts"),
    Cohort(hometown_province="Yunnan"),
    Cohort(current_stage=Stage.ALUMNUS),
]


@override_settings(ALMA_FISCAL_YEAR_START_MONTH=9)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(write, min_size=1, max_size=30))
def test_rollups_equal_a_recount_after_random_writes(test_kinds, writes):
    with transaction.atomic():
        students, alumni, actors = _people()
        kinds = all_kinds()
        rows = _rows(writes, students, actors, kinds)
        record(rows)
        rollups_refresh()
        years = sorted({periods.fiscal_year_of(r["occurred_at"].date()) for r in rows})
        for cohort in COHORTS:
            for period in [Period(), *(Period(fiscal_year=y) for y in years)]:
                from_rollups = selectors.coverage(cohort=cohort, period=period)
                direct = selectors.coverage_from_ledger(cohort=cohort, period=period)
                assert [c.as_contract() for c in from_rollups.cells] == [
                    c.as_contract() for c in direct.cells
                ]
                assert from_rollups.served_any == direct.served_any
                for cell in from_rollups.cells:
                    assert cell.share is not None and 0.0 <= cell.share <= 1.0
                    assert cell.mean_rating is None or 1.0 <= cell.mean_rating <= 5.0
        for year in years:
            report = selectors.aem_report(fiscal_year=year)
            assert report.as_contract() == selectors.aem_from_ledger(fiscal_year=year).as_contract()
            record_count, modes, overall = _engaged_by_hand(rows, alumni, year)
            assert report.alumni_of_record == record_count
            assert report.modes == modes
            assert report.overall == overall
            assert all(n <= report.overall <= report.alumni_of_record for n in modes.values())
        transaction.set_rollback(True)
