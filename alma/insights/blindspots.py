"""Blind spots, named in words and ranked by how many students they leave out.

Coverage blind spots come from the coverage matrix (the ledger). The others ask the module
that knows: mentoring for its alumni mentors, events for admissions by hometown and send-off
seminars, careers (once it exists) for the majors its jobs ask for:
`alma.careers.selectors.majors_with_jobs(*, since: date) -> Iterable[str]`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alma.activity.models import Aspect, ProcessStage, Provider
from alma.insights.models import CohortSize
from alma.insights.selectors import (
    ASPECTS,
    SMALL_CELL,
    STAGES,
    Cohort,
    Coverage,
    cohort_people,
    median,
)
from alma.people.models import Education, Stage

# A cell is a blind spot when it reaches less than this share of the school's median cell.
FAR_BELOW = 0.5
# A stage and aspect is a blind spot when at least this share of students got nothing there.
NOTHING_SHARE = 0.5
LIMIT = 12
PER_KIND = 4


@dataclass
class BlindSpot:
    kind: str  # cell, nothing, mentor, chapter, send_off, jobs
    text: str
    people: int
    share: float | None = None
    stage: str | None = None
    aspect: str | None = None
    provider: str | None = None
    drill: dict[str, str] = field(default_factory=dict)

    def as_contract(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "stage": self.stage,
            "aspect": self.aspect,
            "provider": self.provider,
            "share": self.share,
            "kind": self.kind,
            "people": self.people,
        }


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _cell_spots(result: Coverage) -> list[BlindSpot]:
    # The school's own standard: the median share over the cells it serves at all.
    shares = [c.share for c in result.cells if c.share]
    benchmark = median([s for s in shares if s is not None])
    spots: list[BlindSpot] = []
    if not benchmark:
        return spots
    served_anywhere = {(c.stage, c.provider) for c in result.cells if c.served is None or c.served}
    for cell in result.cells:
        reached = result.reached.get(cell.stage, 0)
        if cell.share is None or not reached or (cell.stage, cell.provider) not in served_anywhere:
            continue
        if cell.share >= benchmark * FAR_BELOW:
            continue
        missing = round(reached * (benchmark - cell.share))
        spots.append(
            BlindSpot(
                kind="cell",
                text=_(
                    "%(provider)s reached only %(share)s of these students in %(aspect)s "
                    "(stage: %(stage)s), against a median of %(median)s across the school's "
                    "services."
                )
                % {
                    "provider": Provider(cell.provider).label,
                    "share": percent(cell.share),
                    "aspect": str(Aspect(cell.aspect).label).lower(),
                    "stage": str(ProcessStage(cell.stage).label).lower(),
                    "median": percent(benchmark),
                },
                people=missing,
                share=cell.share,
                stage=cell.stage,
                aspect=cell.aspect,
                provider=cell.provider,
                drill={
                    "stage": cell.stage,
                    "aspect": cell.aspect,
                    "provider": cell.provider,
                    "served": "0",
                },
            )
        )
    return spots


def _nothing_spots(result: Coverage) -> list[BlindSpot]:
    spots = []
    for stage in STAGES:
        reached = result.reached.get(stage, 0)
        if reached < (SMALL_CELL if result.suppressed else 1):
            continue
        for aspect in ASPECTS:
            # Shared views drop counts of one to four; those few count as not served here.
            missing = max(reached - result.served_any.get((stage, aspect), 0), 0)
            share = missing / reached
            if share < NOTHING_SHARE or (result.suppressed and missing < SMALL_CELL):
                continue
            spots.append(
                BlindSpot(
                    kind="nothing",
                    text=_(
                        "%(n)s students (%(share)s of those who reached the stage) received "
                        "nothing in %(aspect)s during the stage “%(stage)s”."
                    )
                    % {
                        "n": _n(missing),
                        "share": percent(share),
                        "aspect": str(Aspect(aspect).label).lower(),
                        "stage": ProcessStage(stage).label,
                    },
                    people=missing,
                    share=round(1 - share, 4),
                    stage=stage,
                    aspect=aspect,
                    drill={"stage": stage, "aspect": aspect, "served": "0"},
                )
            )
    return spots


def _current_students_by_major(cohort: Cohort, *, from_rollups: bool = True) -> dict[str, int]:
    if not from_rollups:
        people = cohort_people(replace(cohort, current_stage="")).filter(
            stage__in=[Stage.PROSPECTIVE, Stage.STUDENT]
        )
        majors = people.exclude(c_major="").order_by().values("c_major").annotate(n=Count("pk"))  # type: ignore[misc]
        return {r["c_major"]: r["n"] for r in majors}  # type: ignore[misc]
    where = cohort.rollup_filter()
    where.pop("current_stage", None)
    rows = (
        CohortSize.objects.filter(current_stage__in=[Stage.PROSPECTIVE, Stage.STUDENT], **where)
        .exclude(major="")
        .values("major")
        .annotate(n=Sum("people"))
    )
    return {r["major"]: r["n"] for r in rows}


def _mentor_spots(cohort: Cohort, shared: bool, from_rollups: bool) -> list[BlindSpot]:
    from alma.mentoring.selectors import alumni_mentor_ids

    mentor_majors = set(
        Education.objects.filter(person_id__in=alumni_mentor_ids())
        .exclude(major="")
        .values_list("major", flat=True)
    )
    spots = []
    for major, n in _current_students_by_major(cohort, from_rollups=from_rollups).items():
        if major in mentor_majors or (shared and n < SMALL_CELL):
            continue
        spots.append(
            BlindSpot(
                kind="mentor",
                text=_(
                    "No alumni mentor studied %(major)s: its %(n)s students have no mentor "
                    "from their own field."
                )
                % {"major": major, "n": _n(n)},
                people=n,
                drill={"major": major, "current_stage": Stage.STUDENT, "served": "all"},
            )
        )
    return spots


def _region_spots(cohort: Cohort, shared: bool, viewer: Any | None) -> list[BlindSpot]:
    from alma.lifecycle.selectors import (
        admissions_by_hometown,
        chapters_with_send_off,
        intake_year,
    )

    year = cohort.entry_year or intake_year()
    with_send_off = chapters_with_send_off(entry_year=year)
    regions: dict[str, dict[str, Any]] = {}
    for row in admissions_by_hometown(entry_year=year, viewer=viewer):
        if cohort.hometown_province and row["hometown_province"] != cohort.hometown_province:
            continue
        region = row["hometown_province"] or row["hometown_country"]
        if not region:
            continue
        found = regions.setdefault(region, {"n": 0, "chapters": set(), "without": 0})
        found["n"] += row["students"]
        if row["chapter"] is None:
            found["without"] += row["students"]
        else:
            found["chapters"].add(row["chapter"])
    spots = []
    for region, found in sorted(regions.items()):
        drill = {
            "entry_year": str(year),
            "hometown_province": region,
            "current_stage": Stage.PROSPECTIVE,
            "served": "all",
        }
        if not found["chapters"]:
            if shared and found["n"] < SMALL_CELL:
                continue
            spots.append(
                BlindSpot(
                    kind="chapter",
                    text=_(
                        "%(n)s admitted students of %(year)s come from %(region)s, where no "
                        "chapter welcomes them."
                    )
                    % {"n": _n(found["n"]), "year": year, "region": region},
                    people=found["n"],
                    drill=drill,
                )
            )
        elif not any(c.pk in with_send_off for c in found["chapters"]):
            if shared and found["n"] < SMALL_CELL:
                continue
            names = ", ".join(sorted(c.name for c in found["chapters"]))
            spots.append(
                BlindSpot(
                    kind="send_off",
                    text=_(
                        "%(n)s admitted students of %(year)s come from %(region)s: "
                        "%(chapters)s has no send-off seminar for them."
                    )
                    % {"n": _n(found["n"]), "year": year, "region": region, "chapters": names},
                    people=found["n"],
                    drill=drill,
                )
            )
    return spots


def careers_majors_with_jobs(*, since: dt.date) -> set[str] | None:
    """The majors careers' jobs and internships ask for, or None while careers does not exist."""
    if not apps.is_installed("alma.careers"):
        return None
    try:
        module = importlib.import_module("alma.careers.selectors")
    except ImportError:
        return None
    reader = getattr(module, "majors_with_jobs", None)
    if reader is None:
        return None
    found: Iterable[str] = reader(since=since)
    return {m for m in found if m}


def _jobs_spots(cohort: Cohort, shared: bool, from_rollups: bool) -> list[BlindSpot]:
    majors = careers_majors_with_jobs(since=timezone.localdate() - dt.timedelta(days=365))
    if majors is None:
        return []
    spots = []
    for major, n in _current_students_by_major(cohort, from_rollups=from_rollups).items():
        if major in majors or (shared and n < SMALL_CELL):
            continue
        spots.append(
            BlindSpot(
                kind="jobs",
                text=_(
                    "No job or internship offered in the last year asks for %(major)s "
                    "(students: %(n)s)."
                )
                % {"major": major, "n": _n(n)},
                people=n,
                drill={"major": major, "current_stage": Stage.STUDENT, "served": "all"},
            )
        )
    return spots


def blind_spots(result: Coverage, *, viewer: Any | None, limit: int = LIMIT) -> list[BlindSpot]:
    """Every blind spot of a cohort, the largest (students left out) first, counting only what
    the viewer may see (None: the operator's command line)."""
    shared = result.suppressed
    from_rollups = result.source == "rollups"
    spots = [
        *_cell_spots(result),
        *_nothing_spots(result),
        *_mentor_spots(result.cohort, shared, from_rollups),
        *_region_spots(result.cohort, shared, viewer),
        *_jobs_spots(result.cohort, shared, from_rollups),
    ]
    spots.sort(key=lambda s: (-s.people, s.kind, s.text))
    # The largest of each kind first, so one kind of gap cannot hide every other kind.
    seen: dict[str, int] = {}
    kept = []
    for spot in spots:
        seen[spot.kind] = seen.get(spot.kind, 0) + 1
        if seen[spot.kind] <= PER_KIND:
            kept.append(spot)
    return kept[:limit]
