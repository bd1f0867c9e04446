"""What the insights pages, exports, PDF and API show: parsed filters, the viewer's version of
each number (exact for the alumni office, small cells hidden for everyone else), tables, charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from alma.accounts.roles import Role, roles_of
from alma.activity.kinds import all_kinds
from alma.activity.models import Aspect, EngagementMode, ProcessStage, Provider
from alma.insights import charts, periods, selectors
from alma.insights.blindspots import BlindSpot, blind_spots
from alma.insights.selectors import (
    ASPECTS,
    MODES,
    PROVIDERS,
    STAGES,
    AemReport,
    Cohort,
    Coverage,
    Period,
)
from alma.lib.errors import ApplicationError
from alma.people.models import DegreeLevel, Stage

VIEWERS = (Role.ALUMNI_OFFICE, Role.STAFF)
COHORT_FIELDS = ("entry_year", "school", "major", "degree_level", "hometown_province")


def is_office(viewer: Any) -> bool:
    return Role.ALUMNI_OFFICE in roles_of(viewer)


def _year(value: str, field: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise ApplicationError(_("A year is a number, e.g. 2025."), field=field) from None
    if not 1900 <= year <= 2200:
        raise ApplicationError(_("Choose a year between 1900 and 2200."), field=field)
    return year


def cohort_from(params: Any) -> Cohort:
    """The cohort named by query parameters; a bad value is a clear error."""
    entry = (params.get("entry_year") or "").strip()
    degree = (params.get("degree_level") or "").strip()
    stage = (params.get("current_stage") or "").strip()
    if degree and degree not in DegreeLevel.values:
        raise ApplicationError(_("Unknown degree level."), field="degree_level")
    if stage and stage not in (Stage.PROSPECTIVE, Stage.STUDENT, Stage.ALUMNUS):
        raise ApplicationError(_("Unknown stage."), field="current_stage")
    return Cohort(
        entry_year=_year(entry, "entry_year") if entry else None,
        school=(params.get("school") or "").strip()[:120],
        major=(params.get("major") or "").strip()[:120],
        degree_level=degree,
        hometown_province=(params.get("hometown_province") or "").strip()[:80],
        current_stage=stage,
    )


def period_from(params: Any) -> Period:
    """A whole fiscal year (`fiscal_year`) or all time: what the rollups answer."""
    value = (params.get("fiscal_year") or "").strip()
    if not value or value == "all":
        return Period()
    return Period(fiscal_year=_year(value, "fiscal_year"))


def fiscal_year_from(params: Any) -> int:
    value = (params.get("fiscal_year") or "").strip()
    return _year(value, "fiscal_year") if value else periods.current_fiscal_year()


def _query(cohort: Cohort, period: Period, **extra: str) -> str:
    params: dict[str, str] = cohort.as_query()
    if period.fiscal_year is not None:
        params["fiscal_year"] = str(period.fiscal_year)
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def students_url(cohort: Cohort, period: Period, drill: dict[str, str]) -> str:
    base = {**cohort.as_query(), **drill}
    merged = Cohort(
        entry_year=int(base["entry_year"]) if base.get("entry_year") else None,
        school=base.get("school", ""),
        major=base.get("major", ""),
        degree_level=base.get("degree_level", ""),
        hometown_province=base.get("hometown_province", ""),
        current_stage=base.get("current_stage", ""),
    )
    rest = {k: v for k, v in drill.items() if k in ("stage", "aspect", "provider", "served")}
    return reverse("insights:students") + "?" + _query(merged, period, **rest)


# --- Coverage -------------------------------------------------------------------------------


@dataclass
class CoverageView:
    coverage: Coverage
    spots: list[BlindSpot]
    shared: bool
    query: str

    def spot_links(self) -> list[tuple[BlindSpot, str]]:
        return [
            (s, students_url(self.coverage.cohort, self.coverage.period, s.drill))
            for s in self.spots
        ]


def coverage_for(viewer: Any, cohort: Cohort, period: Period) -> CoverageView:
    result = selectors.coverage(cohort=cohort, period=period)
    shared = not is_office(viewer)
    if shared:
        result = selectors.coverage_shared(result)
    return CoverageView(
        coverage=result,
        spots=blind_spots(result, viewer=viewer),
        shared=shared,
        query=_query(cohort, period),
    )


def coverage_table(view: CoverageView) -> tuple[list[str], list[list[Any]]]:
    columns = [
        _("Stage"),
        _("Aspect"),
        _("Provider"),
        _("Students served"),
        _("Cohort"),
        _("Share served"),
        _("Services per student"),
        _("Mean rating"),
    ]
    rows = []
    for c in view.coverage.cells:
        rows.append(
            [
                str(ProcessStage(c.stage).label),
                str(Aspect(c.aspect).label),
                str(Provider(c.provider).label),
                _("fewer than 5") if c.suppressed else c.served,
                c.cohort,
                None if c.share is None else round(c.share, 4),
                None if c.per_student is None else round(c.per_student, 3),
                None if c.mean_rating is None else round(c.mean_rating, 2),
            ]
        )
    return columns, rows


def coverage_chart(view: CoverageView) -> str:
    cov = view.coverage
    shares = {(c.stage, c.aspect, c.provider): c.share for c in cov.cells}
    rows = [(f"{ProcessStage(s).label} · {Aspect(a).label}", s, a) for s in STAGES for a in ASPECTS]
    columns = [(str(Provider(p).label), p) for p in PROVIDERS]
    return charts.coverage_heatmap(
        rows=rows,
        columns=columns,
        share=lambda s, a, p: shares[(s, a, p)],
        link=lambda s, a, p: students_url(
            cov.cohort, cov.period, {"stage": s, "aspect": a, "provider": p, "served": "1"}
        ),
        title=_("Share of the cohort served, by stage, aspect and provider"),
        hidden_label="<5",
    )


# --- CASE AEM -------------------------------------------------------------------------------


def mode_labels() -> dict[str, str]:
    return {"overall": _("Engaged overall"), **{m: str(EngagementMode(m).label) for m in MODES}}


BREAKDOWN_LABELS = {
    "decade": "Graduation decade",
    "school": "School",
    "chapter": "Chapter",
    "city": "City",
}


def breakdown_label(key: str) -> str:
    labels = {
        "decade": _("Graduation decade"),
        "school": _("School"),
        "chapter": _("Chapter"),
        "city": _("City"),
    }
    return labels[key]


def aem_for(viewer: Any, fiscal_year: int) -> tuple[AemReport, bool]:
    report = selectors.aem_report(fiscal_year=fiscal_year)
    shared = not is_office(viewer)
    return (selectors.aem_shared(report) if shared else report), shared


def aem_table(report: AemReport) -> tuple[list[str], list[list[Any]]]:
    columns = [
        _("Fiscal year"),
        _("Group"),
        _("Value"),
        _("Alumni of record"),
        _("Engaged overall"),
        *[str(EngagementMode(m).label) for m in MODES],
        _("Engagement rate"),
    ]
    rows: list[list[Any]] = []
    for year, counts in report.trend:
        rows.append(
            [
                periods.label_of(year),
                _("All alumni"),
                "",
                counts.alumni_of_record,
                counts.overall,
                *[counts.modes[m] for m in MODES],
                None if counts.rate is None else round(counts.rate, 4),
            ]
        )
    for key, groups in report.breakdowns.items():
        for counts in groups:
            rows.append(
                [
                    periods.label_of(report.fiscal_year),
                    breakdown_label(key),
                    group_label(key, counts.label),
                    counts.alumni_of_record,
                    counts.overall,
                    *[counts.modes[m] for m in MODES],
                    None if counts.rate is None else round(counts.rate, 4),
                ]
            )
    return columns, rows


def group_label(key: str, value: str) -> str:
    if not value:
        return _("No chapter") if key == "chapter" else _("Not known")
    if key == "decade":
        return _("%(decade)ss") % {"decade": value}
    return value


def aem_charts(report: AemReport) -> dict[str, str]:
    labels = mode_labels()
    years = [periods.label_of(y) for y, _c in report.trend]

    def rate(counts: selectors.EngagementCounts, key: str) -> float | None:
        n = counts.overall if key == "overall" else counts.modes.get(key)
        if not counts.alumni_of_record or n is None:
            return None
        return n / counts.alumni_of_record

    trend = charts.trend_lines(
        years=years,
        series={key: [rate(c, key) for _y, c in report.trend] for key in labels},
        labels=labels,
        title=_("Share of alumni of record engaged, five years"),
    )
    decades = report.breakdowns.get("decade", [])
    by_decade = sorted(decades, key=lambda c: c.label)
    decade_chart = charts.bars(
        labels=[group_label("decade", c.label) for c in by_decade],
        values=[c.rate for c in by_decade],
        title=_("Engagement rate by graduation decade"),
    )
    return {"trend": trend, "decade": decade_chart}


def engaged_url(fiscal_year: int, mode: str = "", breakdown: str = "", value: str = "") -> str:
    params = {"fiscal_year": str(fiscal_year)}
    if mode:
        params["mode"] = mode
    if breakdown:
        params["breakdown"] = breakdown
        params["value"] = value
    return reverse("insights:engaged") + "?" + urlencode(params)


# --- Belonging ------------------------------------------------------------------------------


def exposure_label(exposure: str) -> str:
    if exposure == "any":
        return _("Any alumni contact as a student")
    labels = {k.slug: str(k.label) for k in all_kinds()}
    return labels.get(exposure, exposure)


OUTCOME_LABELS = {"any": "any", "philanthropic": "philanthropic", "volunteer": "volunteer"}


def outcome_label(outcome: str) -> str:
    return {
        "any": _("Engaged later (any mode)"),
        "philanthropic": _("Gave later"),
        "volunteer": _("Volunteered later"),
    }[outcome]


def belonging_rows(result: dict[str, Any], *, shared: bool) -> list[dict[str, Any]]:
    rows = []
    for exposure in result.get("exposures", []):
        for outcome, numbers in exposure["outcomes"].items():
            hidden = shared and (numbers["treated"] < selectors.SMALL_CELL)
            rows.append(
                {
                    "exposure": exposure["exposure"],
                    "label": exposure_label(exposure["exposure"]),
                    "outcome": outcome,
                    "outcome_label": outcome_label(outcome),
                    **({k: None for k in numbers} | {"treated": None} if hidden else numbers),
                    "hidden": hidden,
                }
            )
    return rows


def belonging_sentence(row: dict[str, Any]) -> str:
    """What the numbers can and cannot say, in one plain sentence."""
    if row["difference"] is None:
        return _(
            "Too few comparable graduates to compare: no graduate with this contact has a "
            "match without it."
        )
    numbers = {
        "treated": f"{round(row['treated_rate'] * 100)}%",
        "control": f"{round(row['control_rate'] * 100)}%",
        "low": f"{row['low'] * 100:+.0f}",
        "high": f"{row['high'] * 100:+.0f}",
    }
    if row["low"] > 0:
        text = _(
            "Graduates who had this contact as students were later engaged more often "
            "(%(treated)s) than comparable graduates without any alumni contact (%(control)s); "
            "the difference is %(low)s to %(high)s percentage points (95%% confidence)."
        )
    elif row["high"] < 0:
        text = _(
            "Graduates who had this contact as students were later engaged less often "
            "(%(treated)s) than comparable graduates without any alumni contact (%(control)s); "
            "the difference is %(low)s to %(high)s percentage points (95%% confidence)."
        )
    else:
        text = _(
            "The data show no clear difference: %(treated)s against %(control)s for comparable "
            "graduates without alumni contact (%(low)s to %(high)s percentage points, 95%% "
            "confidence)."
        )
    return (
        (text % numbers)
        + " "
        + _(
            "This is an association, not proof that the contact caused it: students who seek out "
            "alumni may differ in ways the records do not show."
        )
    )


def belonging_chart(rows: list[dict[str, Any]]) -> str:
    shown = [r for r in rows if r["outcome"] == "any" and not r["hidden"]]
    return charts.forest(
        rows=shown,
        title=_("Later engagement: difference from comparable graduates"),
        zero_label=_("percentage points, with the 95 per cent confidence interval"),
    )


def belonging_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    columns = [
        _("Contact as a student"),
        _("Outcome"),
        _("Graduates with the contact (matched)"),
        _("Comparable graduates without"),
        _("Rate with"),
        _("Rate without"),
        _("Difference"),
        _("Lower bound (95 per cent)"),
        _("Upper bound (95 per cent)"),
    ]
    return columns, [
        [
            r["label"],
            r["outcome_label"],
            r["treated"],
            r["controls"],
            r["treated_rate"],
            r["control_rate"],
            r["difference"],
            r["low"],
            r["high"],
        ]
        for r in rows
    ]
