"""`alma seed` throughput (people per second) beside naive per-row ORM creation, in one run.

    python -m bench.seed [--people N] [--baseline-people M] [--db sqlite|postgres|both] [--json]

Every measurement gets a fresh, migrated database (SQLite: a file in a temporary folder;
PostgreSQL: a new database on the server named by ALMA_BENCH_POSTGRES_URL, e.g.
postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards) and runs in its own process
with DATABASE_URL set, so Alma's settings pick it up. Only the creation of people is timed, not
start-up or migrations.

- naive: the same generated people written one row at a time with `Person.objects.create` and
  `Education.objects.create` (so it writes fewer rows per person than seed), inside one
  transaction, its best case. Each save goes through the model signals, as every per-row path
  does: audit history and the directory index. Per-row cost does not grow with the number of
  rows, so the baseline runs on fewer people by default and is compared by rate.
- seed: `alma seed` with three alumni to one student. Per person it writes the person,
  education, one to three jobs, chapter memberships, consents, plus staff, organisations and a
  year of service activities, then indexes the new people for directory search.
- seed --no-index: the same without the directory index (what `alma seed` itself writes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "ALMA_BENCH_POSTGRES_URL"
METHODS = ("naive", "seed", "seed --no-index")
SKIPPED_POSTGRES = f"skipped: set {POSTGRES_ENV}"


# --- Driver: no Django here; each measurement runs in a fresh process and database ----------


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """Yield the URL of a new, empty database, and remove it afterwards."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="alma-bench-seed-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg
    from psycopg import sql

    server = os.environ[POSTGRES_ENV]
    name = f"alma_bench_seed_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def measure(backend: str, method: str, people: int) -> dict[str, Any]:
    with fresh_database(backend) as url, tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "alma.settings",
            "ALMA_VAR_DIR": var,  # nothing of the benchmark lands in the project's var/
        }
        # Arguments are our own constants and numbers; no shell is involved.
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.seed", "--worker", method, "--people", str(people)],
            env=env,
            cwd=ROOT,
            text=True,
            capture_output=True,
        )
    if done.returncode:
        raise RuntimeError(f"{backend}/{method} failed:\n{done.stdout}\n{done.stderr}")
    return {
        "backend": backend,
        "method": method,
        **json.loads(done.stdout.strip().splitlines()[-1]),
    }


def table(rows: list[dict[str, Any]]) -> str:
    header = ("backend", "method", "people", "seconds", "people/s", "speed-up")
    lines = [header]
    for row in rows:
        if "skipped" in row:
            lines.append((row["backend"], row["method"], "-", "-", "-", row["skipped"]))
            continue
        lines.append(
            (
                row["backend"],
                row["method"],
                f"{row['people']:,}",
                f"{row['seconds']:.2f}",
                f"{row['people_per_second']:,.0f}",
                f"{row['speed_up']:.1f}x"
                if row.get("speed_up")
                else "1.0x (baseline)"
                if row["method"] == "naive"
                else "- (writes only)",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--people", type=int, default=20000, help="people for seed (20000)")
    parser.add_argument(
        "--baseline-people",
        type=int,
        default=None,
        help="people for the naive baseline (default: a fiftieth of --people, at least 200)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.people < 100:
        parser.error("--people must be at least 100")
    if args.worker:
        print(json.dumps(work(args.worker, args.people)))
        return 0

    baseline = args.baseline_people or min(args.people, max(200, args.people // 50))
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        if backend == "postgres" and not os.environ.get(POSTGRES_ENV):
            rows += [
                {"backend": backend, "method": m, "skipped": SKIPPED_POSTGRES} for m in METHODS
            ]
            continue
        naive: dict[str, Any] = {}
        for method in METHODS:
            people = baseline if method == "naive" else args.people
            if not args.json:
                print(f"[{backend}] {method}: {people:,} people…", file=sys.stderr, flush=True)
            row = measure(backend, method, people)
            if method == "naive":
                naive = row
            elif method == "seed":  # like naive, it leaves everyone in the directory index
                row["speed_up"] = row["people_per_second"] / naive["people_per_second"]
            rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(table(rows))
    print(
        f"\nnaive ran on {baseline:,} people and seed on {args.people:,}: rates are compared "
        "(per-row cost does not depend on the number of rows).\nseed writes more per person "
        "(jobs, memberships, consents, staff, activities), so the speed-up understates it;\n"
        "naive and seed both leave every person in the directory index, seed --no-index does not."
    )
    return 0


# --- Worker: runs inside the fresh database's process ------------------------------------


def work(method: str, people: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    if method == "naive":
        created = naive_per_row(people)
    else:
        created = seed_with_command(people, index=method == "seed")
    seconds = time.perf_counter() - started
    return {
        "people": created,
        "seconds": seconds,
        "people_per_second": created / seconds,
        "database": database_version(connection),
    }


def database_version(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"


def seed_with_command(people: int, *, index: bool) -> int:
    import io

    from django.core.management import call_command

    from alma.people.models import Person

    alumni = people * 3 // 4
    # Staff (60) and partner representatives are counted among the people created.
    students = max(1, people - alumni - 66)
    options = ["--alumni", str(alumni), "--students", str(students)]
    call_command("seed", *options, *([] if index else ["--no-index"]), stdout=io.StringIO())
    return Person.objects.count()


def naive_per_row(people: int) -> int:
    """What one would write without thinking of scale: a create() per person and per degree."""
    from django.db import transaction
    from django.utils import timezone

    from alma.demo.people import UniversityGenerator
    from alma.people.models import Education, Person

    gen = UniversityGenerator(seed=1, today=timezone.localdate())
    alumni = people * 3 // 4
    with transaction.atomic():
        for i in range(people):
            pending = gen.alumnus(i) if i < alumni else gen.student(i - alumni)
            person = Person.objects.create(**pending.person)
            for education in pending.educations:
                Education.objects.create(person=person, **education)
    return Person.objects.count()


if __name__ == "__main__":
    sys.exit(main())
