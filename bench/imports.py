"""Import: a file of N alumni imported with `alma import` and searchable in the directory,
beside the plain-COPY floor of the same rows, in the same run.

    python -m bench.imports [--rows N [N ...]] [--db postgres|sqlite|both] [--json]

For each database and size it makes a fresh, migrated database (SQLite in var/bench/,
PostgreSQL in alma_bench_imports on the server of ALMA_BENCH_POSTGRES_URL, e.g.
postgres://alma@127.0.0.1:54329/postgres), writes a bilingual CSV of N alumni (GB18030,
Chinese headers, one bachelor's and, for one in ten, a master's row of the same person) and
times, each in its own process:

- floor: the file's rows read by Python's csv module and written by COPY (executemany on
  SQLite) into one plain table of text columns: no cleaning, matching, constraints, history or
  index. What any import must at least spend;
- alma import: `alma import people FILE --json`, the command users run: decoding, mapping,
  cleaning every cell, matching, writing people, education and employment with their history
  rows and every foreign key and constraint in place, then the directory index, in one
  transaction. Its wall time is "imported and searchable"; its peak memory (the process's
  maximum resident set, from wait4) is reported too. A directory search for one imported name
  then checks the people are found;
- again: the same command on the same file (every row matched, nothing changes; checked).

The machine's CPUs are shared with whatever else runs: times are of this run only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["姓名", "学号", "性别", "出生日期", "毕业年份", "学院", "专业", "学历", "工作单位", "职务", "行业", "手机", "邮箱", "所在城市"]  # fmt: skip
# The targets, on PostgreSQL on 2 cores with every constraint in place.
TARGET_SECONDS = {100_000: 30, 1_000_000: 300}
TARGET_PEAK_MB = {1_000_000: 1024}


def database_url(which: str, rows: int) -> str | None:
    if which == "sqlite":
        path = ROOT / "var" / "bench" / f"imports-{rows}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    server = os.environ.get("ALMA_BENCH_POSTGRES_URL")
    if not server:
        return None
    import psycopg

    parts = urlsplit(server)
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True
    ) as connection:
        connection.execute("DROP DATABASE IF EXISTS alma_bench_imports")
        connection.execute("CREATE DATABASE alma_bench_imports")
    return urlunsplit(parts._replace(path="/alma_bench_imports"))


def rows_for(n: int) -> list[list[str]]:
    """N rows: people with a bachelor's, and every tenth also a master's (same email, another
    student number, a row of its own), so that N rows hold about 0.91 N people."""
    cities = ["上海", "北京", "深圳", "杭州", "成都", "Wuhan", "Nanjing"]
    surnames = "王李张刘陈杨黄赵吴周"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
    rows: list[list[str]] = []
    i = 0
    while len(rows) < n:
        person = [
            surnames[i % 10] + given[(i // 10) % 17] + given[(i // 170) % 17],
            "男" if i % 2 else "女",
            f"{1975 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        ]
        bachelor = 2000 + i % 20 + 4
        contact = [f"公司{i % 2000}", "工程师", "互联网", f"139{i:08d}", f"alum{i}@example.com"]
        rows.append(
            [person[0], f"B{i:08d}", *person[1:], str(bachelor), f"学院{i % 20}",
             f"专业{i % 60}", "本科", *contact, cities[i % 7]]
        )  # fmt: skip
        if i % 10 == 0 and len(rows) < n:
            rows.append(
                [person[0], f"M{i:08d}", *person[1:], str(bachelor + 3), f"学院{i % 20}",
                 f"专业{(i + 1) % 60}", "硕士", *contact, cities[(i + 1) % 7]]
            )  # fmt: skip
        i += 1
    return rows


def write_file(rows: int) -> Path:
    path = ROOT / "var" / "bench" / f"alumni-{rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows_for(rows))
        path.write_bytes(out.getvalue().encode("gb18030"))
    return path


def floor(path: Path) -> float:
    """The file's rows read with the csv module and written by COPY into a plain table."""
    import django

    django.setup()
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_floor ({columns})")
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(path.read_bytes().decode("gb18030"), newline=""))
    next(reader)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(HEADERS))
            cursor.executemany(f"INSERT INTO bench_floor VALUES ({marks})", list(reader))  # noqa: S608
    return time.perf_counter() - started


def searchable() -> dict[str, Any]:
    """Who the directory finds for an imported name, and how many entries it holds."""
    import django

    django.setup()
    from alma.accounts.models import User
    from alma.directory.models import DirectoryEntry
    from alma.directory.search import DirectoryQuery, directory_search
    from alma.people.models import Person

    office = User(email="bench@example.com", is_superuser=True, is_active=True)
    found = directory_search(viewer=office, query=DirectoryQuery(text="alum0@example.com 王伟伟"))
    wanted = Person.objects.get(email="alum0@example.com").pk
    by_name = directory_search(viewer=office, query=DirectoryQuery(text="王伟伟"))
    return {
        "people": Person.objects.count(),
        "entries": DirectoryEntry.objects.count(),
        "name_found": wanted in by_name.person_ids or by_name.total > 0,
        "found": found.total,
    }


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, int, str, float | None]:
    """Run a command; its wall time, peak resident memory (KB), standard output, and when (in
    seconds from the start) it first reported the directory index stage, if it did."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    index_at = None
    for line in process.stderr:  # `alma import` reports "stage done/total" as it goes
        if index_at is None and line.startswith("index "):
            index_at = time.perf_counter() - started
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed: {out[-2000:]}")
    return seconds, usage.ru_maxrss, out, index_at


def measure(which: str, rows: int) -> dict[str, Any] | None:
    url = database_url(which, rows)
    if url is None:
        print(f"[{which}] skipped: set ALMA_BENCH_POSTGRES_URL", file=sys.stderr)
        return None
    path = write_file(rows)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "alma.settings",
        "ALMA_IMPORT_MAX_MB": str(path.stat().st_size // 2**20 + 10),
    }
    python = [sys.executable]
    subprocess.run([*python, "-m", "alma.cli", "migrate", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    _s, _kb, out, _i = run_child([*python, "-m", "bench.imports", "--floor", str(path)], env)
    floor_seconds = float(out.strip().splitlines()[-1])
    command = [*python, "-m", "alma.cli", "import", "people", str(path), "--json"]
    seconds, peak_kb, out, index_at = run_child(command, env)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["committed"] and report["rows"] == rows, report.get("errors", [])[:3]
    _s, _kb, out, _i = run_child([*python, "-m", "bench.imports", "--searchable"], env)
    found = json.loads(out.strip().splitlines()[-1])
    assert found["entries"] == found["people"] == report["created"], found
    assert found["name_found"], found
    again_seconds, again_kb, out, _i = run_child(command, env)
    again = json.loads(out.strip().splitlines()[-1])
    assert again["created"] == again["updated"] == 0, again
    return {
        "database": which,
        "rows": rows,
        "people": report["created"],
        "educations": report["educations_added"],
        "floor_seconds": round(floor_seconds, 1),
        "alma_seconds": round(seconds, 1),
        # until the import reported its directory stage (start-up, reading, checking, writing),
        # and from there to the end (the directory index and the commit)
        "records_seconds": round(index_at or seconds, 1),
        "index_and_commit_seconds": round(seconds - (index_at or seconds), 1),
        "times_floor": round(seconds / floor_seconds, 1),
        "target_seconds": TARGET_SECONDS.get(rows) if which == "postgres" else None,
        "peak_mb": round(peak_kb / 1024),
        "target_peak_mb": TARGET_PEAK_MB.get(rows),
        "again_seconds": round(again_seconds, 1),
        "again_peak_mb": round(again_kb / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--searchable", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        print(floor(Path(args.floor)))
        return
    if args.searchable:
        print(json.dumps(searchable()))
        return
    results = [
        result
        for which in (("sqlite", "postgres") if args.db == "both" else (args.db,))
        for rows in args.rows
        if (result := measure(which, rows)) is not None
    ]
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "results": results}))
        return
    print(
        f"{'database':<10}{'rows':>11}{'people':>10}{'COPY floor s':>14}{'alma import s':>15}"
        f"{'x floor':>9}{'target s':>10}{'peak MB':>9}{'again s':>9}"
        f"{'records s':>11}{'index s':>9}"
    )
    for r in results:
        target = r["target_seconds"]
        verdict = "" if target is None else (" met" if r["alma_seconds"] < target else " MISSED")
        peak = r["target_peak_mb"]
        peak_verdict = "" if peak is None else (" ok" if r["peak_mb"] < peak else " MISSED")
        print(
            f"{r['database']:<10}{r['rows']:>11,}{r['people']:>10,}{r['floor_seconds']:>14}"
            f"{r['alma_seconds']:>15}{r['times_floor']:>9}"
            f"{(str(target) + verdict) if target else '-':>10}"
            f"{str(r['peak_mb']) + peak_verdict:>9}{r['again_seconds']:>9}"
            f"{r['records_seconds']:>11}{r['index_and_commit_seconds']:>9}"
        )
    print(
        "(alma import s: the `alma import` command, directory index included; records s: until"
        " it starts the directory index; index s: the index and the commit; CPUs shared)"
    )


if __name__ == "__main__":
    main()
