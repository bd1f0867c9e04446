"""Writes of insights: rebuilding the rollups (the background job calls this) and asking for it.

The rebuild is set-based: each rollup is one INSERT ... SELECT ... GROUP BY that the database
runs over the ledger, never a loop over rows in Python. Everything is replaced in one
transaction, so a page reads either the old rollups or the new ones, never a mix.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from alma.activity.models import Activity
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
from alma.insights.selectors import COHORT_STAGES, MODES, STAGES, record_q
from alma.people.models import Education, Person

# CASE trends look five years back; the job keeps a few more for the belonging comparison.
SUMMARY_YEARS = 10


def _insert_select(model: Any, columns: list[str], queryset: QuerySet[Any]) -> None:
    """INSERT INTO model (columns) SELECT ... with the queryset's SQL (its columns in order)."""
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608


def _dimensions_build() -> None:
    """One row per person with a lifecycle: their latest course of study and what CASE needs."""
    q = connection.ops.quote_name
    person = q(Person._meta.db_table)
    education = q(Education._meta.db_table)
    stages = ", ".join("%s" for _ in COHORT_STAGES)
    sql = f"""
        INSERT INTO {q(PersonDimension._meta.db_table)}
            (person_id, stage, entry_year, school, major, degree_level, hometown_province,
             graduation_year, current_city, deceased, reachable)
        SELECT p.id, p.stage, e.entry_year, COALESCE(e.school, ''), COALESCE(e.major, ''),
               COALESCE(e.degree_level, ''), p.hometown_province, g.graduation_year,
               p.current_city, p.deceased,
               (p.email <> '' OR p.phone <> '' OR p.wechat <> '')
        FROM {person} p
        LEFT JOIN (
            SELECT person_id, entry_year, school, major, degree_level,
                   ROW_NUMBER() OVER (
                       PARTITION BY person_id ORDER BY entry_year DESC, id DESC
                   ) AS latest
            FROM {education}
        ) e ON e.person_id = p.id AND e.latest = 1
        LEFT JOIN (
            SELECT person_id, MAX(graduation_year) AS graduation_year
            FROM {education} GROUP BY person_id
        ) g ON g.person_id = p.id
        WHERE p.stage IN ({stages})
    """  # noqa: S608 - table names from the models, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(s) for s in COHORT_STAGES])


COHORT_KEY = ["entry_year", "school", "major", "degree_level", "hometown_province"]


def _cohorts_build() -> None:
    rows = (
        PersonDimension.objects.filter(entry_year__isnull=False)
        .order_by()
        .values(*COHORT_KEY, "stage")
        .annotate(people=Count("person_id"))
    )
    _insert_select(CohortSize, [*COHORT_KEY, "current_stage", "people"], rows)


def _coverage_build(*, by_year: bool, by_provider: bool) -> None:
    dim = "beneficiary__insights_dimension__"
    keys: dict[str, Any] = {
        "k_fiscal_year": periods.fiscal_year_expression()
        if by_year
        else Value(ALL_YEARS, output_field=IntegerField()),
        **{f"k_{name}": F(dim + name) for name in COHORT_KEY},
        "k_current_stage": F(dim + "stage"),
        "k_stage": F("beneficiary_stage"),
        "k_aspect": F("aspect"),
        "k_provider": F("provider") if by_provider else Value(""),
    }
    rows = (
        Activity.objects.filter(beneficiary_stage__in=STAGES, **{f"{dim}entry_year__isnull": False})
        .order_by()
        .annotate(**keys)
        .values(*keys)
        .annotate(
            served=Count("beneficiary_id", distinct=True),
            services=Count("id"),
            rating_sum=Coalesce(Sum("rating"), 0),
            rating_count=Count("rating"),
        )
    )
    columns = [name[2:] for name in keys] + ["served", "services", "rating_sum", "rating_count"]
    _insert_select(CoverageCell, columns, rows)


def _engaged_build() -> None:
    def flag(mode: str) -> Max:
        return Max(
            Case(When(engagement_mode=mode, then=Value(1)), default=Value(0)),
            output_field=IntegerField(),
        )

    rows = (
        Activity.objects.exclude(engagement_mode="")
        .filter(actor__isnull=False)
        .order_by()
        .annotate(k_fiscal_year=periods.fiscal_year_expression(), k_person=F("actor_id"))
        .values("k_fiscal_year", "k_person")
        .annotate(
            **{f"m_{mode}": flag(mode) for mode in MODES},
            n=Count("id"),
        )
    )
    _insert_select(EngagedAlumnus, ["fiscal_year", "person_id", *MODES, "activities"], rows)


def _summaries_build(years: list[int]) -> None:
    """The AEM counts per year, overall and per group, from the two rollups just built."""
    dim = "person__insights_dimension__"
    groups: dict[str, tuple[str, str]] = {
        # breakdown: (field on PersonDimension, the same through EngagedAlumnus)
        "": ("", ""),
        "decade": ("decade", "decade"),
        "school": ("school", f"{dim}school"),
        "city": ("current_city", f"{dim}current_city"),
        "chapter": (
            "person__chapter_memberships__chapter__name",
            "person__chapter_memberships__chapter__name",
        ),
    }
    summaries: list[EngagementSummary] = []
    for year in years:
        record = PersonDimension.objects.filter(record_q(year)).order_by()
        engaged = EngagedAlumnus.objects.filter(record_q(year, dim), fiscal_year=year).order_by()
        for breakdown, (record_field, engaged_field) in groups.items():
            if breakdown == "decade":
                record = record.annotate(decade=F("graduation_year") / 10 * 10)
                engaged = engaged.annotate(decade=F(f"{dim}graduation_year") / 10 * 10)
            totals: dict[str, dict[str, int]] = {}
            if breakdown:
                pairs = record.values(record_field).annotate(n=Count("person_id"))
                for row in pairs:
                    totals[_group_value(row[record_field])] = {"record": row["n"]}
                engaged_rows = engaged.values(engaged_field).annotate(
                    overall=Count("id"), **{m: Sum(m) for m in MODES}
                )
                for row in engaged_rows:
                    key = _group_value(row[engaged_field])
                    totals.setdefault(key, {"record": 0}).update(row)
            else:
                totals[""] = {
                    "record": record.count(),
                    **engaged.aggregate(overall=Count("id"), **{m: Sum(m) for m in MODES}),
                }
            for value, counts in totals.items():
                summaries.append(
                    EngagementSummary(
                        fiscal_year=year,
                        breakdown=breakdown,
                        value=value,
                        alumni_of_record=counts["record"],
                        overall=counts.get("overall") or 0,
                        **{m: counts.get(m) or 0 for m in MODES},
                    )
                )
    EngagementSummary.objects.bulk_create(summaries, batch_size=500)


def _analyse(*models: Any) -> None:
    """Give PostgreSQL's planner statistics of the rows just written (in this transaction): with
    the empty table's, it joins a million rows by nested loops."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _group_value(value: Any) -> str:
    return "" if value is None else str(value)


def summary_years() -> list[int]:
    this_year = periods.current_fiscal_year()
    found = set(EngagedAlumnus.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years = {y for y in found if this_year - SUMMARY_YEARS < y <= this_year}
    years.update(range(this_year - 4, this_year + 1))
    return sorted(years)


@transaction.atomic
def rollups_refresh() -> RollupState:
    """Rebuild every rollup from the ledger and the people tables, and the belonging analysis."""
    from alma.insights.belonging import belonging_analyse

    started = time.perf_counter()
    for model in (
        EngagementSummary,
        EngagedAlumnus,
        CoverageCell,
        CohortSize,
        PersonDimension,
    ):
        model.objects.all().delete()  # one DELETE each: nothing refers to the rollups
    _dimensions_build()
    _analyse(PersonDimension)
    _cohorts_build()
    for by_year in (False, True):
        for by_provider in (False, True):
            _coverage_build(by_year=by_year, by_provider=by_provider)
    _engaged_build()
    _analyse(CohortSize, CoverageCell, EngagedAlumnus)
    _summaries_build(summary_years())
    belonging = belonging_analyse()
    state = RollupState.objects.select_for_update().order_by("pk").first() or RollupState()
    state.refreshed_at = timezone.now()
    state.requested_at = None
    state.seconds = round(time.perf_counter() - started, 3)
    state.activities = Activity.objects.count()
    state.belonging = belonging
    state.updated_at = timezone.now()
    state.save()
    return state


def rollups_refresh_request(*, again: bool = False) -> bool:
    """Queue a refresh unless one was queued in the last half hour (or `again`, the office's
    explicit request). Returns whether this call queued it."""
    from alma.insights.tasks import insights_rollups_refresh

    with transaction.atomic():
        state = RollupState.objects.select_for_update().order_by("pk").first()
        if state is None:
            state = RollupState.objects.create()
            state = RollupState.objects.select_for_update().get(pk=state.pk)
        recent = timezone.now() - dt.timedelta(minutes=30)
        if not again and state.requested_at is not None and state.requested_at > recent:
            return False
        state.requested_at = timezone.now()
        state.save(update_fields=["requested_at"])
        transaction.on_commit(lambda: insights_rollups_refresh.enqueue())
    return True
