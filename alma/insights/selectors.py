"""Reads for insights: coverage of students, CASE engagement, per-alumnus summaries.

Coverage and engagement read only the activity ledger and the person dimensions. Each number
has two readers: from the rollups (what pages use) and straight from the ledger (what the
command uses for periods that are not whole fiscal years, and what the tests recount with).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from alma.activity.kinds import all_kinds
from alma.activity.models import Activity, Aspect, EngagementMode, ProcessStage, Provider
from alma.insights import periods
from alma.insights.models import (
    ALL_YEARS,
    CohortSize,
    CoverageCell,
    EngagedAlumnus,
    EngagementSummary,
    PersonDimension,
    RollupState,
)
from alma.people.models import Education, Person, Stage

# Cells and breakdowns about fewer people than this are hidden in views shared beyond the office.
SMALL_CELL = 5
STAGES = list(ProcessStage.values)
ASPECTS = list(Aspect.values)
PROVIDERS = list(Provider.values)
MODES = list(EngagementMode.values)
COHORT_STAGES = (Stage.PROSPECTIVE, Stage.STUDENT, Stage.ALUMNUS)
# The lifecycle stages (now) of the people who have been through each process stage.
REACHED_BY: dict[str, tuple[str, ...]] = {
    ProcessStage.PRE_ENTRY: (Stage.PROSPECTIVE, Stage.STUDENT, Stage.ALUMNUS),
    ProcessStage.IN_SCHOOL: (Stage.STUDENT, Stage.ALUMNUS),
    ProcessStage.LEAVING: (Stage.ALUMNUS,),
    ProcessStage.ALUMNUS: (Stage.ALUMNUS,),
}
STUDENT_STAGES = (ProcessStage.PRE_ENTRY, ProcessStage.IN_SCHOOL, ProcessStage.LEAVING)


# --- Cohorts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    """A group of people with a course of study here; empty fields do not filter."""

    entry_year: int | None = None
    school: str = ""
    major: str = ""
    degree_level: str = ""
    hometown_province: str = ""
    current_stage: str = ""

    def rollup_filter(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.entry_year is not None:
            found["entry_year"] = self.entry_year
        for name in ("school", "major", "degree_level", "hometown_province", "current_stage"):
            if getattr(self, name):
                found[name] = getattr(self, name)
        return found

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.rollup_filter().items()}


def cohort_people(cohort: Cohort) -> QuerySet[Person]:
    """The cohort's people, straight from the people tables (their latest course of study)."""
    latest = Education.objects.filter(person=OuterRef("pk")).order_by("-entry_year", "-id")
    people = Person.objects.filter(stage__in=COHORT_STAGES).annotate(
        c_entry_year=Subquery(latest.values("entry_year")[:1]),
        c_school=Subquery(latest.values("school")[:1]),
        c_major=Subquery(latest.values("major")[:1]),
        c_degree_level=Subquery(latest.values("degree_level")[:1]),
    )
    people = people.filter(c_entry_year__isnull=False)
    if cohort.entry_year is not None:
        people = people.filter(c_entry_year=cohort.entry_year)
    if cohort.school:
        people = people.filter(c_school=cohort.school)
    if cohort.major:
        people = people.filter(c_major=cohort.major)
    if cohort.degree_level:
        people = people.filter(c_degree_level=cohort.degree_level)
    if cohort.hometown_province:
        people = people.filter(hometown_province=cohort.hometown_province)
    if cohort.current_stage:
        people = people.filter(stage=cohort.current_stage)
    return people


def cohort_choices() -> dict[str, list[Any]]:
    """The values each cohort filter can take, from the rollups (for the filter form)."""

    def distinct(name: str) -> list[Any]:
        return sorted(
            v
            for v in CohortSize.objects.order_by().values_list(name, flat=True).distinct()
            if v not in ("", None)
        )

    return {
        "entry_year": sorted(distinct("entry_year"), reverse=True),
        "school": distinct("school"),
        "major": distinct("major"),
        "degree_level": distinct("degree_level"),
        "hometown_province": distinct("hometown_province"),
        "current_stage": distinct("current_stage"),
    }


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """All time, one fiscal year, or any range of days (start inclusive, end exclusive)."""

    fiscal_year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def of_dates(cls, start: dt.date | None, end_inclusive: dt.date | None) -> Period:
        end = end_inclusive + dt.timedelta(days=1) if end_inclusive else None
        for year in {periods.fiscal_year_of(d) for d in (start, end_inclusive) if d}:
            if periods.fiscal_year_bounds(year) == (start, end):
                return cls(fiscal_year=year)
        if start is None and end is None:
            return cls()
        return cls(start=start, end=end)

    @property
    def from_rollups(self) -> bool:
        return self.start is None and self.end is None

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        if self.fiscal_year is not None:
            return periods.fiscal_year_bounds(self.fiscal_year)
        return self.start, self.end

    def ledger_filter(self, field: str = "occurred_at") -> Q:
        start, end = self.bounds()
        q = Q()
        if start is not None:
            q &= Q(**{f"{field}__gte": periods.aware_start_of(start)})
        if end is not None:
            q &= Q(**{f"{field}__lt": periods.aware_start_of(end)})
        return q


# --- Coverage ---------------------------------------------------------------------------------


@dataclass
class Cell:
    stage: str
    aspect: str
    provider: str
    served: int | None
    cohort: int
    share: float | None
    per_student: float | None
    mean_rating: float | None
    services: int | None = 0
    suppressed: bool = False

    def as_contract(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "aspect": self.aspect,
            "provider": self.provider,
            "served": self.served,
            "cohort": self.cohort,
            "share": self.share,
            "per_student": self.per_student,
            "mean_rating": self.mean_rating,
        }


@dataclass
class Coverage:
    cohort: Cohort
    period: Period
    cohort_size: int
    cells: list[Cell]
    # Students served in a stage and aspect by any provider, and those who reached the stage.
    served_any: dict[tuple[str, str], int]
    reached: dict[str, int]
    source: str  # "rollups" or "ledger"
    refreshed_at: dt.datetime | None = None
    suppressed: bool = False

    def cell(self, stage: str, aspect: str, provider: str) -> Cell:
        return next(
            c for c in self.cells if (c.stage, c.aspect, c.provider) == (stage, aspect, provider)
        )


def _cells(
    size: int, rows: Iterable[dict[str, Any]], served_any: dict[tuple[str, str], int]
) -> list[Cell]:
    found = {(r["stage"], r["aspect"], r["provider"]): r for r in rows}
    cells = []
    for stage in STAGES:
        for aspect in ASPECTS:
            for provider in PROVIDERS:
                row = found.get((stage, aspect, provider))
                served = int(row["served"]) if row else 0
                services = int(row["services"]) if row else 0
                rated = int(row["rating_count"] or 0) if row else 0
                cells.append(
                    Cell(
                        stage=stage,
                        aspect=aspect,
                        provider=provider,
                        served=served,
                        cohort=size,
                        share=served / size if size else 0.0,
                        per_student=services / size if size else 0.0,
                        mean_rating=(int(row["rating_sum"] or 0) / rated)
                        if row and rated
                        else None,
                        services=services,
                    )
                )
    return cells


def coverage(*, cohort: Cohort, period: Period | None = None) -> Coverage:
    """The coverage matrix of a cohort in a period: from the rollups when the period is a
    whole fiscal year or all time, else straight from the ledger."""
    period = period or Period()
    if period.from_rollups:
        return coverage_from_rollups(cohort=cohort, period=period)
    return coverage_from_ledger(cohort=cohort, period=period)


def coverage_from_rollups(*, cohort: Cohort, period: Period) -> Coverage:
    where = cohort.rollup_filter()
    year = ALL_YEARS if period.fiscal_year is None else period.fiscal_year
    sizes = CohortSize.objects.filter(**where)
    size = sizes.aggregate(n=Sum("people"))["n"] or 0
    by_stage = dict(
        sizes.values("current_stage").annotate(n=Sum("people")).values_list("current_stage", "n")
    )
    rows = (
        CoverageCell.objects.filter(fiscal_year=year, **where)
        .values("stage", "aspect", "provider")
        .annotate(
            served=Sum("served"),
            services=Sum("services"),
            rating_sum=Sum("rating_sum"),
            rating_count=Sum("rating_count"),
        )
        .order_by()
    )
    any_rows = [r for r in rows if r["provider"] == ""]
    served_any = {(r["stage"], r["aspect"]): int(r["served"]) for r in any_rows}
    return Coverage(
        cohort=cohort,
        period=period,
        cohort_size=size,
        cells=_cells(size, [dict(r) for r in rows if r["provider"]], served_any),
        served_any=served_any,
        reached=_reached(by_stage),
        source="rollups",
        refreshed_at=rollups_refreshed_at(),
    )


def _reached(by_stage: dict[str, int]) -> dict[str, int]:
    return {
        stage: sum(by_stage.get(s, 0) for s in lifecycle) for stage, lifecycle in REACHED_BY.items()
    }


def coverage_from_ledger(*, cohort: Cohort, period: Period) -> Coverage:
    """The same matrix counted directly: a GROUP BY on the ledger joined to the cohort."""
    people = cohort_people(cohort)
    by_stage = dict(
        people.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    size = sum(by_stage.values())
    activities = Activity.objects.filter(
        period.ledger_filter(),
        beneficiary__in=people.values("pk"),
        beneficiary_stage__in=STAGES,
    ).order_by()
    rows: list[dict[str, Any]] = [
        {**row, "stage": row["beneficiary_stage"]}
        for row in activities.values("beneficiary_stage", "aspect", "provider").annotate(
            served=Count("beneficiary_id", distinct=True),
            services=Count("id"),
            rating_sum=Sum("rating"),
            rating_count=Count("rating"),
        )
    ]
    served_any = {
        (r["beneficiary_stage"], r["aspect"]): r["n"]
        for r in activities.values("beneficiary_stage", "aspect").annotate(
            n=Count("beneficiary_id", distinct=True)
        )
    }
    return Coverage(
        cohort=cohort,
        period=period,
        cohort_size=size,
        cells=_cells(size, rows, served_any),
        served_any=served_any,
        reached=_reached(by_stage),
        source="ledger",
    )


def coverage_shared(result: Coverage) -> Coverage:
    """The coverage as views shared beyond the office show it: cells about one to four
    students hidden, and every cell when the cohort itself is that small."""
    whole_cohort_small = 0 < result.cohort_size < SMALL_CELL
    cells = []
    for cell in result.cells:
        if whole_cohort_small or (cell.served is not None and 0 < cell.served < SMALL_CELL):
            cell = replace(
                cell,
                served=None,
                share=None,
                per_student=None,
                mean_rating=None,
                services=None,
                suppressed=True,
            )
        cells.append(cell)
    served_any = {key: n for key, n in result.served_any.items() if not (0 < n < SMALL_CELL)}
    return replace(
        result,
        cells=cells,
        served_any={} if whole_cohort_small else served_any,
        suppressed=True,
    )


# --- Drill-down -------------------------------------------------------------------------------


def cell_activities(
    *,
    cohort: Cohort,
    period: Period,
    stage: str = "",
    aspect: str = "",
    provider: str = "",
) -> QuerySet[Activity]:
    """The services behind a cell (any of stage, aspect, provider may be left open)."""
    activities = Activity.objects.filter(
        period.ledger_filter(),
        beneficiary__in=cohort_people(cohort).values("pk"),
        beneficiary_stage__in=STAGES,
    )
    if stage:
        activities = activities.filter(beneficiary_stage=stage)
    if aspect:
        activities = activities.filter(aspect=aspect)
    if provider:
        activities = activities.filter(provider=provider)
    return activities


def cell_students(
    *,
    cohort: Cohort,
    period: Period,
    stage: str = "",
    aspect: str = "",
    provider: str = "",
    served: bool = True,
) -> QuerySet[Person]:
    """The cohort's students served in a cell, or (served=False) those who reached the stage
    and received nothing there."""
    people = cohort_people(cohort)
    behind = cell_activities(
        cohort=cohort, period=period, stage=stage, aspect=aspect, provider=provider
    ).values("beneficiary_id")
    if served:
        return people.filter(pk__in=behind).order_by("full_name", "pk")
    if stage:
        people = people.filter(stage__in=REACHED_BY[stage])
    return people.exclude(pk__in=behind).order_by("full_name", "pk")


# --- CASE Alumni Engagement Metrics -----------------------------------------------------------


@dataclass
class EngagementCounts:
    label: str
    alumni_of_record: int | None
    overall: int | None
    modes: dict[str, int | None]
    suppressed: bool = False

    @property
    def rate(self) -> float | None:
        if not self.alumni_of_record or self.overall is None:
            return None
        return self.overall / self.alumni_of_record


@dataclass
class AemReport:
    fiscal_year: int
    alumni_of_record: int
    modes: dict[str, int]
    overall: int
    staff_fte: float
    trend: list[tuple[int, EngagementCounts]] = field(default_factory=list)
    breakdowns: dict[str, list[EngagementCounts]] = field(default_factory=dict)
    refreshed_at: dt.datetime | None = None

    @property
    def per_staff_fte(self) -> float | None:
        return round(self.overall / self.staff_fte, 2) if self.staff_fte else None

    def as_contract(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "alumni_of_record": self.alumni_of_record,
            "modes": dict(self.modes),
            "overall": self.overall,
            "per_staff_fte": self.per_staff_fte,
        }


def staff_fte() -> float:
    return float(settings.ALMA_ALUMNI_STAFF_FTE)


def record_q(fiscal_year: int, prefix: str = "") -> Q:
    """Alumni of record at the end of a fiscal year, on PersonDimension (through `prefix`):
    living alumni with a way to reach them, graduated by then (or with no degree date, as
    former staff and honorary alumni)."""
    return Q(
        **{
            f"{prefix}stage": Stage.ALUMNUS,
            f"{prefix}deceased": False,
            f"{prefix}reachable": True,
        }
    ) & (
        Q(**{f"{prefix}graduation_year__isnull": True})
        | Q(**{f"{prefix}graduation_year__lte": fiscal_year})
    )


def _counts(row: EngagementSummary, label: str) -> EngagementCounts:
    return EngagementCounts(
        label=label,
        alumni_of_record=row.alumni_of_record,
        overall=row.overall,
        modes={m: getattr(row, m) for m in MODES},
    )


def aem_report(*, fiscal_year: int) -> AemReport:
    """The CASE AEM report of a fiscal year from the rollups, with five years of trend and the
    breakdowns by graduation decade, school, chapter and city."""
    rows = list(
        EngagementSummary.objects.filter(
            fiscal_year__gt=fiscal_year - 5, fiscal_year__lte=fiscal_year
        ).order_by("fiscal_year", "breakdown", "value")
    )
    overall = {r.fiscal_year: r for r in rows if r.breakdown == ""}
    this = overall.get(fiscal_year)
    trend = [
        (
            year,
            _counts(overall[year], periods.label_of(year))
            if year in overall
            else EngagementCounts(periods.label_of(year), 0, 0, dict.fromkeys(MODES, 0)),
        )
        for year in range(fiscal_year - 4, fiscal_year + 1)
    ]
    breakdowns: dict[str, list[EngagementCounts]] = {
        b: [] for b in EngagementSummary.Breakdown.values if b
    }
    for r in rows:
        if r.fiscal_year == fiscal_year and r.breakdown:
            breakdowns[r.breakdown].append(_counts(r, r.value))
    for values in breakdowns.values():
        values.sort(key=lambda c: (-(c.alumni_of_record or 0), c.label))
    return AemReport(
        fiscal_year=fiscal_year,
        alumni_of_record=this.alumni_of_record if this else 0,
        modes={m: getattr(this, m) if this else 0 for m in MODES},
        overall=this.overall if this else 0,
        staff_fte=staff_fte(),
        trend=trend,
        breakdowns=breakdowns,
        refreshed_at=rollups_refreshed_at(),
    )


def _shared_counts(counts: EngagementCounts) -> EngagementCounts:
    small = counts.alumni_of_record is not None and 0 < counts.alumni_of_record < SMALL_CELL

    def hide(n: int | None) -> int | None:
        return None if small or (n is not None and 0 < n < SMALL_CELL) else n

    return replace(
        counts,
        alumni_of_record=None if small else counts.alumni_of_record,
        overall=hide(counts.overall),
        modes={m: hide(n) for m, n in counts.modes.items()},
        suppressed=small or any(hide(n) != n for n in [counts.overall, *counts.modes.values()]),
    )


def aem_shared(report: AemReport) -> AemReport:
    """The report as shared beyond the office: groups of one to four alumni hidden."""
    return replace(
        report,
        breakdowns={k: [_shared_counts(c) for c in v] for k, v in report.breakdowns.items()},
    )


def alumni_of_record_people(*, fiscal_year: int) -> QuerySet[Person]:
    """Alumni of record at the end of a fiscal year, straight from the people tables."""
    reachable = ~Q(email="") | ~Q(phone="") | ~Q(wechat="")
    return (
        Person.objects.filter(reachable, stage=Stage.ALUMNUS, deceased=False)
        .annotate(latest_degree=Max("educations__graduation_year"))
        .filter(Q(latest_degree__isnull=True) | Q(latest_degree__lte=fiscal_year))
    )


def aem_from_ledger(*, fiscal_year: int) -> AemReport:
    """The year's headline numbers counted directly on the ledger: each alumnus of record
    who engaged counts once per mode and once overall."""
    record = alumni_of_record_people(fiscal_year=fiscal_year)
    engaged = (
        Activity.objects.filter(
            Period(fiscal_year=fiscal_year).ledger_filter(),
            actor__in=record.values("pk"),
        )
        .exclude(engagement_mode="")
        .order_by()
    )
    modes = dict.fromkeys(MODES, 0)
    for mode, n in (
        engaged.values("engagement_mode")
        .annotate(n=Count("actor_id", distinct=True))
        .values_list("engagement_mode", "n")
    ):
        modes[mode] = n
    return AemReport(
        fiscal_year=fiscal_year,
        alumni_of_record=record.count(),
        modes=modes,
        overall=engaged.aggregate(n=Count("actor_id", distinct=True))["n"],
        staff_fte=staff_fte(),
    )


def engaged_people(
    *, fiscal_year: int, mode: str = "", breakdown: str = "", value: str = ""
) -> QuerySet[Person]:
    """The alumni of record counted as engaged in a year (in one mode, in one group)."""
    rows = EngagedAlumnus.objects.filter(
        record_q(fiscal_year, "person__insights_dimension__"), fiscal_year=fiscal_year
    )
    if mode:
        rows = rows.filter(**{mode: 1})
    dimension = "person__insights_dimension__"
    if breakdown == "school":
        rows = rows.filter(**{f"{dimension}school": value})
    elif breakdown == "city":
        rows = rows.filter(**{f"{dimension}current_city": value})
    elif breakdown == "decade":
        decade = int(value) if value.isdigit() else None
        if decade is None:
            rows = rows.filter(**{f"{dimension}graduation_year__isnull": True})
        else:
            rows = rows.filter(
                **{
                    f"{dimension}graduation_year__gte": decade,
                    f"{dimension}graduation_year__lt": decade + 10,
                }
            )
    elif breakdown == "chapter":
        if value:
            rows = rows.filter(person__chapter_memberships__chapter__name=value)
        else:
            rows = rows.filter(person__chapter_memberships__isnull=True)
    return Person.objects.filter(pk__in=rows.values("person_id")).order_by("full_name", "pk")


@dataclass
class Reason:
    mode: str
    mode_label: str
    kind: str
    label: str
    count: int
    latest: dt.datetime


@dataclass
class EngagementSummaryOfPerson:
    years: list[tuple[int, dict[str, bool]]]
    reasons: list[Reason]
    engaged_this_year: bool
    alumnus_of_record: bool


def engagement_of(person: Person, *, years: int = 5) -> EngagementSummaryOfPerson:
    """An alumnus's engagement by fiscal year (modes) and the activities that make it."""
    this_year = periods.current_fiscal_year()
    first = this_year - years + 1
    start, _end = periods.fiscal_year_bounds(first)
    labels = {k.slug: k.label for k in all_kinds()}
    reasons = [
        Reason(
            mode=row["engagement_mode"],
            mode_label=str(EngagementMode(row["engagement_mode"]).label),
            kind=row["kind"],
            label=str(labels.get(row["kind"], row["kind"])),
            count=row["n"],
            latest=row["latest"],
        )
        for row in Activity.objects.filter(
            actor=person, occurred_at__gte=periods.aware_start_of(start)
        )
        .exclude(engagement_mode="")
        .order_by()
        .values("engagement_mode", "kind")
        .annotate(n=Count("id"), latest=Max("occurred_at"))
        .order_by("engagement_mode", "-n", "kind")
    ]
    by_year: dict[int, dict[str, bool]] = {}
    for row in EngagedAlumnus.objects.filter(person=person, fiscal_year__gte=first):
        by_year[row.fiscal_year] = {m: bool(getattr(row, m)) for m in MODES}
    record = alumni_of_record_people(fiscal_year=this_year).filter(pk=person.pk).exists()
    return EngagementSummaryOfPerson(
        years=[
            (year, by_year.get(year, dict.fromkeys(MODES, False)))
            for year in range(first, this_year + 1)
        ],
        reasons=reasons,
        engaged_this_year=any(by_year.get(this_year, {}).values()),
        alumnus_of_record=record,
    )


# --- Rollup state -----------------------------------------------------------------------------


def rollup_state() -> RollupState | None:
    return RollupState.objects.order_by("pk").first()


def rollups_refreshed_at() -> dt.datetime | None:
    state = rollup_state()
    return state.refreshed_at if state else None


def rollups_are_stale(*, now: dt.datetime | None = None) -> bool:
    state = rollup_state()
    if state is None or state.refreshed_at is None:
        return True
    age = (now or timezone.now()) - state.refreshed_at
    return age > dt.timedelta(minutes=settings.ALMA_INSIGHTS_MAX_AGE_MINUTES)


def belonging_result() -> dict[str, Any]:
    state = rollup_state()
    return dict(state.belonging) if state and state.belonging else {}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def dimension_of(person_id: int) -> PersonDimension | None:
    return PersonDimension.objects.filter(person_id=person_id).first()
