"""Directory search at scale: Alma's index against a naive LIKE/ILIKE scan, in the same run.

    python -m bench.directory [--alumni N] [--db sqlite|postgres|both] [--queries Q] [--json]

For each database it builds (once, then reuses) a seeded university of N alumni: SQLite in
var/bench/, PostgreSQL in a database named after N on the server of ALMA_BENCH_POSTGRES_URL
(e.g. postgres://postgres@127.0.0.1:5432/postgres). It then times a fixed, seeded mix of
directory queries — each one the whole page's data, hits and every facet count — as a
verified member sees them, and the same queries answered the naive way: a LIKE/ILIKE scan
over people, education and employment with one GROUP BY per facet (no privacy at all, which
only makes the baseline cheaper). Prints p50/p95 per query type and the speed-up.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
QUERY_TYPES = ("selective_name", "common_word", "facet_browse", "text_2_facets")
COMMON_WORDS = [
    "engineer",
    "manager",
    "wang",
    "zhang",
    "shanghai",
    "software",
    "finance",
    "data",
    "li",
    "chen",
]
VIEWER_EMAIL = "bench-viewer@bench.alma.invalid"


# --- Driver (no Django here: each database is measured in its own process) ---------------


def database_urls(alumni: int, which: str) -> dict[str, str | None]:
    urls: dict[str, str | None] = {}
    if which in ("sqlite", "both"):
        path = ROOT / "var" / "bench" / f"directory-{alumni}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        urls["sqlite"] = f"sqlite:///{path}"
    if which in ("postgres", "both"):
        server = os.environ.get("ALMA_BENCH_POSTGRES_URL")
        if server:
            parts = urlsplit(server)
            urls["postgres"] = urlunsplit(parts._replace(path=f"/alma_bench_directory_{alumni}"))
        else:
            urls["postgres"] = None
    return urls


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def run_alma(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "alma.cli", *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    )


def prepare(url: str, alumni: int, backend: str) -> float | None:
    """Migrate and seed the database unless it already holds this data set. Returns seed seconds."""
    if backend == "postgres":
        ensure_postgres_database(url)
    run_alma(url, "migrate", "-v0")
    probe = subprocess.run(
        [sys.executable, "-m", "bench.directory", "--probe"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    )
    if int(probe.stdout.strip() or 0) >= alumni:
        return None
    print(f"[{backend}] seeding {alumni:,} alumni (first run only)…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    run_alma(
        url,
        "seed",
        "--alumni",
        str(alumni),
        "--students",
        str(max(1, alumni // 10)),
        "--no-index",
        "-v0",
    )
    seeded = time.perf_counter()
    print(f"[{backend}] seeded in {seeded - started:.0f} s; indexing…", file=sys.stderr, flush=True)
    run_alma(url, "directory_rebuild", "-v0")
    print(
        f"[{backend}] indexed in {time.perf_counter() - seeded:.0f} s", file=sys.stderr, flush=True
    )
    return time.perf_counter() - started


def measure(url: str, queries: int, *, skip_naive: bool = False) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.directory",
            "--measure",
            "--queries",
            str(queries),
            *(["--skip-naive"] if skip_naive else []),
        ],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def table(report: dict[str, Any]) -> str:
    lines = [
        f"Directory search, {report['alumni']:,} alumni; times in ms for the whole page's data (hits + facet counts)",
        f"{'backend':9} {'query type':15} {'n':>3} {'alma p50':>9} {'alma p95':>9} {'naive p50':>10} {'naive p95':>10} {'p95 speed-up':>13}",
    ]
    for backend, data in report["backends"].items():
        if "skipped" in data:
            lines.append(f"{backend:9} skipped: {data['skipped']}")
            continue
        for kind in QUERY_TYPES:
            row = data["types"][kind]
            lines.append(
                f"{backend:9} {kind:15} {row['n']:>3} {row['alma_p50']:>9.1f} {row['alma_p95']:>9.1f} "
                f"{row['naive_p50']:>10.1f} {row['naive_p95']:>10.1f} {row['speedup_p95']:>12.0f}x"
            )
        seeded = data.get("seed_seconds")
        lines.append(
            f"{backend:9} people in index: {data['entries']:,}; "
            + (
                f"seeded in this run in {seeded:.0f} s"
                if seeded
                else "data set reused from an earlier run"
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--alumni", type=int, default=1_000_000, help="alumni in the data set (default 1,000,000)"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--queries", type=int, default=20, help="queries per type (default 20)")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of the table"
    )
    parser.add_argument(
        "--skip-naive", action="store_true", help="time Alma only (the baseline is slow at scale)"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(probe_entries())
        return
    if args.measure:
        print(json.dumps(measure_here(args.queries, skip_naive=args.skip_naive)))
        return
    report: dict[str, Any] = {"alumni": args.alumni, "backends": {}}
    for backend, url in database_urls(args.alumni, args.db).items():
        if url is None:
            report["backends"][backend] = {
                "skipped": "set ALMA_BENCH_POSTGRES_URL to a PostgreSQL server"
            }
            continue
        seconds = prepare(url, args.alumni, backend)
        data = measure(url, args.queries, skip_naive=args.skip_naive)
        data["seed_seconds"] = seconds
        report["backends"][backend] = data
    print(json.dumps(report) if args.json else table(report))


# --- Inside Django: one database ----------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    import django

    django.setup()


def probe_entries() -> int:
    setup_django()
    from alma.directory.models import DirectoryEntry

    return DirectoryEntry.objects.count()


def bench_viewer() -> Any:
    from alma.accounts.models import User
    from alma.people.models import Person, Stage

    user = User.objects.filter(email=VIEWER_EMAIL).select_related("person").first()
    if user is None:
        person = Person.objects.create(
            full_name="Bench Viewer", stage=Stage.ALUMNUS, privacy={"profile": "only_me"}
        )
        user = User.objects.create_user(VIEWER_EMAIL, None, person=person)
    return user


def query_mix(count: int) -> list[tuple[str, Any]]:
    from alma.directory.models import DirectoryEntry
    from alma.directory.search import DirectoryQuery
    from alma.people.models import Person

    rng = random.Random(7)
    top = max(DirectoryEntry.objects.order_by("-pk").values_list("pk", flat=True)[:1] or [1])
    people: list[Any] = []
    while len(people) < count:
        entry = (
            DirectoryEntry.objects.filter(pk__gte=rng.randint(1, top), profile_rank__lte=2)
            .order_by("pk")
            .first()
        )
        if entry is not None:
            people.append(entry)
    cities = list(
        DirectoryEntry.objects.exclude(city="")
        .values_list("city", flat=True)
        .distinct()
        .order_by("city")[:40]
    )
    industries = list(
        DirectoryEntry.objects.exclude(industry="")
        .values_list("industry", flat=True)
        .distinct()
        .order_by("industry")
    )
    mix: list[tuple[str, Any]] = []
    for i in range(count):
        name = Person.objects.filter(pk=people[i].pk).values_list("full_name", flat=True).get()
        mix.append(("selective_name", DirectoryQuery(text=name)))
        mix.append(("common_word", DirectoryQuery(text=COMMON_WORDS[i % len(COMMON_WORDS)])))
        browse = [
            {},
            {"city": [rng.choice(cities)]},
            {"degree": ["bachelor"]},
            {"industry": [rng.choice(industries)]},
            {"year": [str(rng.randrange(1990, 2025, 5))]},
        ][i % 5]
        mix.append(("facet_browse", DirectoryQuery(filters=browse)))
        mix.append(
            (
                "text_2_facets",
                DirectoryQuery(
                    text=COMMON_WORDS[(i + 3) % len(COMMON_WORDS)],
                    filters={
                        "city": [rng.choice(cities)],
                        "degree": [rng.choice(["bachelor", "master"])],
                    },
                ),
            )
        )
    return mix


FACET_COLUMNS = {
    "year": "(ed.graduation_year / 5) * 5",
    "degree": "ed.degree_level",
    "school": "ed.school",
    "major": "ed.major",
    "industry": "job.industry",
    "country": "p.current_country",
    "province": "p.current_province",
    "city": "p.current_city",
}


def naive(query: Any, vendor: str) -> None:
    """The obvious implementation: pattern scans and a GROUP BY per facet, straight on the records."""
    from django.db import connection

    like = "ILIKE" if vendor == "postgresql" else "LIKE"
    joins = (
        "FROM people_person p "
        "LEFT JOIN people_education ed ON ed.person_id = p.id "
        "LEFT JOIN people_employment job ON job.person_id = p.id AND job.is_current "
    )
    clauses: list[str] = ["1=1"]
    params: list[Any] = []
    for word in query.text.split():
        fields = [
            "p.full_name",
            "p.name_latin",
            "p.expertise",
            "p.interests",
            "p.current_city",
            "job.title",
            "job.organization_name",
            "ed.major",
        ]
        clauses.append("(" + " OR ".join(f"{column} {like} %s" for column in fields) + ")")
        params += [f"%{word}%"] * len(fields)
    columns = {"city": "p.current_city", "degree": "ed.degree_level", "industry": "job.industry"}
    for name, values in query.filters.items():
        if name == "year":
            clauses.append("ed.graduation_year BETWEEN %s AND %s")
            params += [int(values[0]), int(values[0]) + 4]
        else:
            clauses.append(f"{columns[name]} IN ({', '.join(['%s'] * len(values))})")
            params += values
    where = " AND ".join(clauses)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT p.id, p.full_name {joins} WHERE {where} ORDER BY p.full_name LIMIT 20",
            params,
        )
        cursor.fetchall()
        cursor.execute(f"SELECT count(DISTINCT p.id) {joins} WHERE {where}", params)
        cursor.fetchall()
        for expression in FACET_COLUMNS.values():
            cursor.execute(
                f"SELECT {expression}, count(*) {joins} WHERE {where} GROUP BY 1", params
            )
            cursor.fetchall()
        cursor.execute(
            f"SELECT m.chapter_id, count(*) {joins} JOIN people_chaptermembership m ON m.person_id = p.id "
            f"WHERE {where} GROUP BY 1",
            params,
        )
        cursor.fetchall()


def measure_here(queries: int, *, skip_naive: bool = False) -> dict[str, Any]:
    setup_django()
    from django.db import connection

    from alma.directory.models import DirectoryEntry
    from alma.directory.search import directory_search

    viewer = bench_viewer()
    mix = query_mix(queries)
    alma: dict[str, list[float]] = {kind: [] for kind in QUERY_TYPES}
    baseline: dict[str, list[float]] = {kind: [] for kind in QUERY_TYPES}
    directory_search(viewer=viewer, query=mix[0][1])  # warm the connection and caches
    for kind, query in mix:
        started = time.perf_counter()
        directory_search(viewer=viewer, query=query)
        alma[kind].append((time.perf_counter() - started) * 1000)
    # The baseline is slow at scale: a fifth of the queries (at least 3 per type) suffice.
    naive_every = max(1, min(5, queries // 3))
    for index, (kind, query) in enumerate(mix):
        if skip_naive or (index // len(QUERY_TYPES)) % naive_every:
            continue
        started = time.perf_counter()
        naive(query, connection.vendor)
        baseline[kind].append((time.perf_counter() - started) * 1000)
    types = {}
    for kind in QUERY_TYPES:
        a95, b95 = percentile(alma[kind], 0.95), percentile(baseline[kind], 0.95)
        types[kind] = {
            "n": len(alma[kind]),
            "naive_n": len(baseline[kind]),
            "alma_p50": statistics.median(alma[kind]),
            "alma_p95": a95,
            "naive_p50": statistics.median(baseline[kind]) if baseline[kind] else float("nan"),
            "naive_p95": b95,
            "speedup_p95": b95 / a95 if a95 else float("inf"),
        }
    return {"vendor": connection.vendor, "entries": DirectoryEntry.objects.count(), "types": types}


if __name__ == "__main__":
    main()
