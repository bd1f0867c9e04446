"""The rollups the pages read equal a direct recount of the ledger, and say what users expect."""

import pytest
from django.test import override_settings

from alma.insights import selectors
from alma.insights.models import CoverageCell, EngagedAlumnus
from alma.insights.selectors import Cohort, Period
from alma.insights.services import rollups_refresh
from alma.insights.tests.world import at, person, record, row, staff
from alma.people.models import Post, Stage

pytestmark = pytest.mark.django_db


def _contract(result):
    return [c.as_contract() for c in result.cells]


@override_settings(ALMA_FISCAL_YEAR_START_MONTH=9)
def test_a_student_served_twice_in_a_cell_counts_once_and_ratings_average(test_kinds):
    teacher = staff(Post.TEACHING)
    student = person(Stage.STUDENT, entry_year=2023)
    other = person(Stage.STUDENT, entry_year=2023)
    person(Stage.STUDENT, entry_year=2023)  # never served
    person(Stage.STUDENT, entry_year=2021)  # another cohort
    record(
        [
            row("staff.service", actor=teacher, beneficiary=student, when=at(2024, 10), rating=4),
            row("staff.service", actor=teacher, beneficiary=student, when=at(2024, 11), rating=2),
            row("staff.service", actor=teacher, beneficiary=other, when=at(2025, 1)),
            # Fiscal 2026 begins on 1 September 2025.
            row("staff.service", actor=teacher, beneficiary=other, when=at(2025, 9, 2)),
        ]
    )
    rollups_refresh()
    result = selectors.coverage(cohort=Cohort(entry_year=2023), period=Period(fiscal_year=2025))
    assert result.source == "rollups"
    assert len(result.cells) == 4 * 3 * 7  # every stage x aspect x provider, zeros too
    cell = result.cell("in_school", "study", "teaching")
    assert (cell.served, cell.cohort, cell.services) == (2, 3, 3)
    assert cell.share == pytest.approx(2 / 3)
    assert cell.per_student == pytest.approx(1.0)
    assert cell.mean_rating == pytest.approx(3.0)
    assert result.cell("in_school", "life", "teaching").mean_rating is None
    all_time = selectors.coverage(cohort=Cohort(entry_year=2023))
    assert all_time.cell("in_school", "study", "teaching").services == 4
    assert _contract(result) == _contract(
        selectors.coverage_from_ledger(cohort=Cohort(entry_year=2023), period=Period(2025))
    )


def test_a_period_that_is_not_a_fiscal_year_is_counted_on_the_ledger():
    teacher = staff()
    student = person(entry_year=2023)
    record([row("staff.service", actor=teacher, beneficiary=student, when=at(2025, 3))])
    rollups_refresh()
    import datetime as dt

    period = Period.of_dates(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    result = selectors.coverage(cohort=Cohort(), period=period)
    assert result.source == "ledger"
    assert result.cell("in_school", "study", "teaching").served == 1
    outside = Period.of_dates(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert (
        selectors.coverage(cohort=Cohort(), period=outside)
        .cell("in_school", "study", "teaching")
        .served
        == 0
    )


@override_settings(ALMA_FISCAL_YEAR_START_MONTH=7, ALMA_ALUMNI_STAFF_FTE=2.5)
def test_aem_counts_each_alumnus_once_per_mode_and_overall(test_kinds):
    giver = person(Stage.ALUMNUS, entry_year=2010, graduation_year=2014)
    busy = person(Stage.ALUMNUS, entry_year=2012, graduation_year=2016)
    person(Stage.ALUMNUS, entry_year=2012, graduation_year=2016)  # of record, not engaged
    unreachable = person(Stage.ALUMNUS, graduation_year=2016, email="")
    dead = person(Stage.ALUMNUS, graduation_year=2016, deceased=True)
    opener = person(Stage.ALUMNUS, graduation_year=2016)
    student = person(Stage.STUDENT, entry_year=2023)
    when = at(2025, 3)  # fiscal 2025 (July start)
    record(
        [
            row("testing.gift", actor=giver, when=when, provider="alumnus"),
            row("testing.gift", actor=giver, when=at(2025, 5), provider="alumnus"),
            row("mentoring.meeting", actor=busy, beneficiary=student, when=when),
            row("mentoring.meeting", actor=busy, beneficiary=student, when=at(2025, 4)),
            row("events.attended", actor=busy, when=when),
            row("testing.click", actor=busy, when=when),
            row("testing.gift", actor=busy, when=at(2025, 8)),  # fiscal 2026
            row("testing.gift", actor=dead, when=when),
            row("testing.open", actor=opener, when=when),
            row("testing.click", actor=unreachable, when=when),
        ]
    )
    rollups_refresh()
    report = selectors.aem_report(fiscal_year=2025)
    expected = {
        "fiscal_year": 2025,
        # giver, busy, the one not engaged and the opener; not the unreachable, not the dead.
        "alumni_of_record": 4,
        "modes": {"philanthropic": 1, "volunteer": 1, "experiential": 1, "communication": 1},
        "overall": 2,
        "per_staff_fte": 0.8,
    }
    assert report.as_contract() == expected
    assert selectors.aem_from_ledger(fiscal_year=2025).as_contract() == expected
    assert EngagedAlumnus.objects.filter(person=busy, fiscal_year=2025).get().activities == 4


def test_rollups_replace_what_was_there():
    teacher = staff()
    student = person(entry_year=2023)
    record([row("staff.service", actor=teacher, beneficiary=student, when=at(2025, 3))])
    rollups_refresh()
    first = CoverageCell.objects.count()
    rollups_refresh()
    assert CoverageCell.objects.count() == first
