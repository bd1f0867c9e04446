"""Insights at scale: the dashboard's data read from the rollups, beside a direct GROUP BY on the
ledger, in the same run on PostgreSQL.

    python -m bench.insights [--alumni N] [--students N] [--activities N] [--repeat R]

Builds (once, then reuses) a synthetic university in the database named by
ALMA_BENCH_INSIGHTS_URL (default postgres://alma@127.0.0.1:54329/alma_insights): N alumni and
students with a course of study each, 2,000 staff, and N activities over six years (services to
students by every post, alumni contact, alumni engagement in the four CASE modes), generated
by set-based SQL (generate_series), not row by row. It then times:

- the rollup job (`alma.insights.services.rollups_refresh`, what the worker runs);
- the dashboard's data as the pages read it: a cohort's coverage matrix and blind spots, and
  the CASE AEM report of a fiscal year, from the rollups;
- the same numbers counted directly on the ledger (GROUP BY over the activities joined to the
  cohort / the alumni of record), and checks that both give the same numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

DEFAULT_URL = "postgres://alma@127.0.0.1:54329/alma_insights"
SCHOOLS = [
    "School of Engineering",
    "School of Medicine",
    "School of Law",
    "School of Economics",
    "School of Arts",
    "School of Sciences",
    "School of Education",
    "School of Agriculture",
]
PROVINCES = [
    "Sichuan",
    "Guangdong",
    "Zhejiang",
    "Jiangsu",
    "Hubei",
    "Yunnan",
    "Shandong",
    "Henan",
    "Fujian",
    "Shaanxi",
]
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Chengdu", "Hangzhou", "Wuhan", "Nanjing", "Xi'an"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(cursor: Any, *, alumni: int, students: int, activities: int, year: int) -> None:
    """Set-based: each table is one INSERT ... SELECT over generate_series."""
    staff = 2000
    people = alumni + students
    cursor.execute("SELECT setseed(0.21)")
    cursor.execute(
        f"""
        INSERT INTO people_person (id, full_name, name_latin, gender, stage, email, phone, wechat,
                                   hometown_province, current_city, deceased)
        SELECT g, 'Bench person ' || g, '', '',
               CASE WHEN g <= {alumni} THEN 'alumnus' WHEN g <= {people} THEN 'student'
                    ELSE 'none' END,
               CASE WHEN g % 10 < 8 THEN 'p' || g || '@bench.invalid' ELSE '' END, '', '',
               ({_array(PROVINCES)})[1 + g % {len(PROVINCES)}],
               ({_array(CITIES)})[1 + (g / 7) % {len(CITIES)}],
               g % 97 = 0
        FROM generate_series(1, {people + staff}) g
        """
    )
    cursor.execute(
        f"""
        INSERT INTO people_education (person_id, degree_level, school, major, entry_year,
                                      graduation_year, expected_graduation_year)
        SELECT g, CASE WHEN g % 5 = 0 THEN 'master' ELSE 'bachelor' END,
               ({_array(SCHOOLS)})[1 + g % {len(SCHOOLS)}],
               'Major ' || (g % 40),
               CASE WHEN g <= {alumni} THEN {year} - 5 - (g % 40) ELSE {year} - (g % 4) END,
               CASE WHEN g <= {alumni} THEN {year} - 1 - (g % 40) ELSE NULL END,
               CASE WHEN g <= {alumni} THEN NULL ELSE {year} + 4 - (g % 4) END
        FROM generate_series(1, {people}) g
        """
    )
    cursor.execute(
        f"""
        INSERT INTO people_staffpost (person_id, post, active, title)
        SELECT g, (ARRAY['teaching', 'administrative', 'logistics', 'alumni_office'])
                  [1 + g % 4], TRUE, ''
        FROM generate_series({people + 1}, {people + staff}) g
        """
    )
    services = activities * 6 // 10
    engagement = activities - services
    days = 6 * 365
    # Services to students (some from alumni: mentoring), then alumni engagement.
    cursor.execute(
        f"""
        INSERT INTO activity_activity (kind, occurred_at, actor_id, provider, beneficiary_id,
            beneficiary_stage, aspect, engagement_mode, note, rating, rated_at, source_id,
            created_at)
        SELECT CASE WHEN r.p = 5 THEN 'mentoring.meeting' ELSE 'staff.service' END,
               now() - (r.d || ' days')::interval,
               CASE WHEN r.p = 5 THEN 1 + (r.a % {alumni}) ELSE {people} + 1 + r.a % {staff} END,
               (ARRAY['administrative', 'logistics', 'alumni_office', 'teaching', 'teaching',
                      'alumnus'])[1 + r.p],
               {alumni} + 1 + r.b % {students},
               (ARRAY['pre_entry', 'in_school', 'in_school', 'leaving'])[1 + r.b % 4],
               (ARRAY['life', 'study', 'work'])[1 + r.s % 3],
               CASE WHEN r.p = 5 THEN 'volunteer' ELSE '' END,
               '', CASE WHEN r.s % 3 = 0 THEN 1 + r.s % 5 END,
               CASE WHEN r.s % 3 = 0 THEN now() END, '', now()
        FROM (SELECT floor(random() * {days})::int AS d, (random() * 1e9)::bigint AS a,
                     (random() * 1e9)::bigint AS b, (random() * 1e9)::int AS s,
                     floor(random() * 6)::int AS p
              FROM generate_series(1, {services})) r
        """
    )
    cursor.execute(
        f"""
        INSERT INTO activity_activity (kind, occurred_at, actor_id, provider, beneficiary_id,
            beneficiary_stage, aspect, engagement_mode, note, source_id, created_at)
        SELECT (ARRAY['giving.gift', 'events.volunteer', 'events.attended', 'comms.click'])[1 + r.m],
               now() - (r.d || ' days')::interval,
               1 + r.a % {alumni}, 'alumnus', NULL, '', 'life',
               (ARRAY['philanthropic', 'volunteer', 'experiential', 'communication'])[1 + r.m],
               '', '', now()
        FROM (SELECT floor(random() * {days})::int AS d, (random() * 1e9)::bigint AS a,
                     floor(random() * 4)::int AS m
              FROM generate_series(1, {engagement})) r
        """
    )
    for table in ("people_person", "people_education", "people_staffpost", "activity_activity"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
        cursor.execute(f"ANALYZE {table}")


def _time(call: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alumni", type=int, default=1_000_000)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = os.environ.get("ALMA_BENCH_INSIGHTS_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    os.environ.setdefault("ALMA_DEBUG", "1")  # a development key is enough for a benchmark
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from alma.insights import periods, reports, selectors
    from alma.insights.blindspots import blind_spots
    from alma.insights.selectors import Cohort, Period
    from alma.insights.services import rollups_refresh
    from alma.people.models import Person

    if connection.vendor != "postgresql":
        print("bench.insights runs on PostgreSQL (ALMA_BENCH_INSIGHTS_URL).")
        return 1
    call_command("migrate", verbosity=0)
    year = periods.current_fiscal_year()
    wanted = args.alumni + args.students + 2000
    rows: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activity_activity")
        (existing,) = cursor.fetchone()
    if Person.objects.count() != wanted or existing != args.activities:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE people_education, people_employment, people_person, activity_activity, "
                "insights_persondimension, "
                "insights_engagedalumnus RESTART IDENTITY CASCADE"
            )
            started = time.perf_counter()
            generate(
                cursor,
                alumni=args.alumni,
                students=args.students,
                activities=args.activities,
                year=year,
            )
        rows.append(
            ("generate the data set (set-based SQL)", f"{time.perf_counter() - started:.1f} s")
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activity_activity")
        (activity_count,) = cursor.fetchone()
    started = time.perf_counter()
    rollups_refresh()
    rows.append(("rollup job (rollups_refresh)", f"{time.perf_counter() - started:.1f} s"))

    cohort = Cohort(entry_year=year - 1)
    period = Period(fiscal_year=year - 1)

    def dashboard() -> Any:
        view = reports.coverage_for(None, cohort, period)
        return view.coverage, selectors.aem_report(fiscal_year=year - 1)

    def direct() -> Any:
        return (
            selectors.coverage_from_ledger(cohort=cohort, period=period),
            selectors.aem_from_ledger(fiscal_year=year - 1),
        )

    def exact_dashboard() -> Any:
        return (
            selectors.coverage(cohort=cohort, period=period),
            selectors.aem_report(fiscal_year=year - 1),
        )

    rollup_s, (rollup_cov, rollup_aem) = _time(exact_dashboard, args.repeat)
    page_s, _page = _time(dashboard, args.repeat)
    spots_s, _spots = _time(lambda: blind_spots(rollup_cov, viewer=None), args.repeat)
    direct_s, (direct_cov, direct_aem) = _time(direct, max(1, args.repeat // 2))
    equal = [c.as_contract() for c in rollup_cov.cells] == [
        c.as_contract() for c in direct_cov.cells
    ] and rollup_aem.as_contract() == direct_aem.as_contract()
    rows += [
        ("dashboard data from rollups (coverage + AEM)", f"{rollup_s * 1000:.0f} ms"),
        ("  as a page shows it (small cells hidden)", f"{page_s * 1000:.0f} ms"),
        ("  blind spots of the cohort", f"{spots_s * 1000:.0f} ms"),
        ("same numbers by GROUP BY on the ledger", f"{direct_s * 1000:.0f} ms"),
        ("speed-up", f"{direct_s / rollup_s:.0f}x" if rollup_s else "-"),
        ("numbers equal", "yes" if equal else "NO"),
    ]
    print(
        f"bench.insights on PostgreSQL: {args.alumni:,} alumni, {args.students:,} students, "
        f"{activity_count:,} activities; cohort entry year {year - 1}, fiscal year {year - 1}"
    )
    width = max(len(label) for label, _v in rows)
    print(f"{'measure'.ljust(width)}  result")
    print(f"{'-' * width}  ------")
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
