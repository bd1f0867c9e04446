"""The belonging comparison and the blind spots that ask other modules."""

import sys
import types

import pytest
from django.apps import apps
from django.utils import timezone

from alma.insights import belonging, selectors
from alma.insights.blindspots import blind_spots
from alma.insights.periods import current_fiscal_year, fiscal_year_bounds
from alma.insights.selectors import Cohort
from alma.insights.services import rollups_refresh
from alma.insights.tests.world import at, person, record, row
from alma.lifecycle.selectors import intake_year
from alma.people.models import Chapter, Stage


def test_matched_difference_weights_strata_to_the_contacted_and_leaves_out_unmatched():
    result = belonging.matched_difference(
        {
            "a": (10, 6, 10, 2),  # 60% against 20%
            "b": (30, 15, 10, 5),  # 50% against 50%
            "c": (5, 5, 0, 0),  # nobody comparable: unmatched
        }
    )
    assert result["treated"] == 40 and result["unmatched"] == 5 and result["controls"] == 20
    assert result["difference"] == pytest.approx(0.25 * 0.4 + 0.75 * 0.0)
    assert result["low"] < result["difference"] < result["high"]
    nothing = belonging.matched_difference({"a": (3, 1, 0, 0)})
    assert nothing["difference"] is None and nothing["unmatched"] == 3


@pytest.mark.django_db
def test_graduates_with_alumni_contact_are_compared_with_comparable_graduates(test_kinds):
    year = current_fiscal_year()
    grad = year - 3
    later = at(fiscal_year_bounds(year - 1)[0].year, 10)
    as_student = at(grad - 1, 11)
    mentor = person(Stage.ALUMNUS, graduation_year=2000)
    contacted = [person(Stage.ALUMNUS, graduation_year=grad) for _ in range(20)]
    others = [person(Stage.ALUMNUS, graduation_year=grad) for _ in range(20)]
    elsewhere = [person(Stage.ALUMNUS, graduation_year=grad, school="School of Law")]
    rows = [
        row("mentoring.meeting", actor=mentor, beneficiary=p, when=as_student, stage="in_school")
        for p in [*contacted, *elsewhere]
    ]
    # 15 of 20 contacted graduates gave later; 3 of 20 others did.
    rows += [row("testing.gift", actor=p, when=later) for p in contacted[:15] + others[:3]]
    record(rows)
    rollups_refresh()
    result = selectors.belonging_result()
    assert result["graduates"] == 42  # the mentor too (no contact)
    assert result["with_contact"] == 21
    by_exposure = {e["exposure"]: e["outcomes"] for e in result["exposures"]}
    assert set(by_exposure) == {"any", "mentoring.meeting"}
    gave = by_exposure["any"]["philanthropic"]
    # The law graduate has no comparable graduate without contact: left out, not compared.
    assert gave["treated"] == 20 and gave["unmatched"] == 1
    assert gave["treated_rate"] == 0.75 and gave["control_rate"] == 0.15
    assert gave["low"] > 0
    from alma.insights.reports import belonging_sentence

    sentence = belonging_sentence({**gave, "outcome": "philanthropic"})
    assert "association, not proof" in sentence and "more often" in sentence


@pytest.mark.django_db
def test_regions_without_a_chapter_or_a_send_off_are_blind_spots():
    year = intake_year()
    for _ in range(6):
        person(Stage.PROSPECTIVE, entry_year=year, hometown_province="Yunnan")
        person(Stage.PROSPECTIVE, entry_year=year, hometown_province="Sichuan")
    Chapter.objects.create(name="Sichuan alumni", kind=Chapter.Kind.REGIONAL, province="Sichuan")
    rollups_refresh()
    spots = blind_spots(selectors.coverage(cohort=Cohort(entry_year=year)), viewer=None)
    by_kind = {s.kind: s for s in spots}
    assert "from Yunnan, where no chapter welcomes them" in by_kind["chapter"].text
    assert "Sichuan alumni has no send-off seminar" in by_kind["send_off"].text
    assert by_kind["chapter"].drill["hometown_province"] == "Yunnan"


@pytest.mark.django_db
def test_majors_no_job_asks_for_appear_once_careers_answers(monkeypatch):
    for major in ("Physics", "Physics", "Chemistry"):
        person(Stage.STUDENT, entry_year=timezone.localdate().year - 1, major=major)
    rollups_refresh()

    def kinds(result):
        return {s.kind for s in blind_spots(result, viewer=None)}

    result = selectors.coverage(cohort=Cohort())
    assert "jobs" not in kinds(result)  # careers does not exist yet
    careers = types.ModuleType("alma.careers.selectors")
    careers.majors_with_jobs = lambda *, since: ["Physics"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "alma.careers.selectors", careers)
    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name == "alma.careers" or installed(name)
    )
    spots = [s for s in blind_spots(result, viewer=None) if s.kind == "jobs"]
    assert [s.text for s in spots] == [
        "No job or internship offered in the last year asks for Chemistry (students: 1)."
    ]
