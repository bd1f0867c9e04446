"""Import throughput: Alma's validated import against a plain bulk insert of the same rows.

    python -m bench.imports [--rows N] [--db sqlite|postgres|both] [--json]

For each database it creates a fresh, migrated database (SQLite in var/bench/, PostgreSQL in
alma_bench_imports on the server of ALMA_BENCH_POSTGRES_URL, e.g.
postgres://postgres@127.0.0.1:5432/postgres), writes a bilingual CSV of N alumni (GB18030,
Chinese headers), and in the same process times:

- baseline: the same rows, already split into columns, inserted into a plain table without any
  parsing, validation, matching, history or index (executemany on SQLite, COPY on PostgreSQL);
- alma: `people_import` from the file's bytes: decoding, header mapping, cleaning every cell,
  matching against existing people, writing people, education and employment with their history
  rows, and the directory index — all in one transaction. "import r/s" counts the import's own
  work, the directory step ("index s") apart; "alma r/s" counts both;
- alma re-import: the same file again (every row matched, nothing to change).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


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
    cities = ["上海", "北京", "深圳", "杭州", "成都", "Wuhan", "Nanjing"]
    degrees = ["本科", "硕士", "博士", "Bachelor", "MSc"]
    surnames = "王李张刘陈杨黄赵吴周"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
    return [
        [
            surnames[i % 10] + given[(i // 10) % 17] + given[(i // 170) % 17],
            f"{2000 + i % 24}{i:07d}",
            "男" if i % 2 else "女",
            f"{1975 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            str(2000 + i % 24 + 4),
            f"学院{i % 20}",
            f"专业{i % 60}",
            degrees[i % 5],
            f"公司{i % 2000}",
            "工程师",
            "互联网",
            f"139{i:08d}",
            f"alum{i}@example.com",
            cities[i % 7],
        ]
        for i in range(n)
    ]


HEADERS = ["姓名", "学号", "性别", "出生日期", "毕业年份", "学院", "专业", "学历", "工作单位", "职务", "行业", "手机", "邮箱", "所在城市"]  # fmt: skip


def measure(rows: int) -> dict[str, Any]:
    import csv
    import io

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from alma.imports.fields import propose_mapping
    from alma.imports.people_import import people_import
    from alma.imports.reading import max_bytes, read_table

    data = rows_for(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(data)
    payload = out.getvalue().encode("gb18030")

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_baseline ({columns})")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_baseline FROM STDIN") as copy:  # noqa: F541
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(HEADERS))
            cursor.executemany(f"INSERT INTO bench_baseline VALUES ({marks})", data)  # noqa: S608
    baseline = time.perf_counter() - started

    # A million rows are over the upload limit (50 MB by default) that the pages enforce.
    settings.ALMA_IMPORT_MAX_BYTES = max(max_bytes(), len(payload))
    started = time.perf_counter()
    table = read_table(payload, filename="alumni.csv", lazy=True)
    parsed = time.perf_counter()
    stage_start: dict[str, float] = {}
    stage_end: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stage_start.setdefault(stage, now)
        stage_end[stage] = now  # when the stage last reported (its end)

    report = people_import(table=table, mapping=propose_mapping(table.headers), progress=progress)
    finished = time.perf_counter()
    alma = finished - started
    parse_seconds = parsed - started
    index = stage_end["index"] - stage_start["index"]
    assert report.committed and report.created == rows, report.as_dict()["errors"][:3]

    started = time.perf_counter()
    table = read_table(payload, filename="alumni.csv", lazy=True)
    again = people_import(table=table, mapping=propose_mapping(table.headers))
    reimport = time.perf_counter() - started
    assert again.unchanged == rows
    return {
        "database": connection.vendor,
        "rows": rows,
        "baseline_seconds": round(baseline, 3),
        "baseline_rows_per_second": round(rows / baseline),
        "alma_seconds": round(alma, 3),
        "alma_parse_seconds": round(parse_seconds, 3),
        "alma_rows_per_second": round(rows / alma),
        # the import's own work (everything but the directory index) and the index apart
        "import_seconds": round(alma - index, 3),
        "import_rows_per_second": round(rows / (alma - index)),
        "index_seconds": round(index, 3),
        # where the time goes: parse (decoding the file and finding its header row: the rest
        # is read chunk by chunk as the import checks it); read, check, match and write (people,
        # education, jobs, history: one stage, as the import reads and checks each chunk while
        # the database writes the one before);
        # directory index (people_reindex for everyone written); commit
        "alma_stage_seconds": {
            "parse": round(parse_seconds, 3),
            "check_match_write": round(stage_end["write"] - parsed, 3),
            "index": round(index, 3),
            "commit": round(finished - stage_end["index"], 3),
        },
        "reimport_seconds": round(reimport, 3),
        "reimport_rows_per_second": round(rows / reimport),
        "slowdown_vs_baseline": round(alma / baseline, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.rows)))
        return
    results = []
    for which in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        url = database_url(which, args.rows)
        if url is None:
            print(f"[{which}] skipped: set ALMA_BENCH_POSTGRES_URL", file=sys.stderr)
            continue
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "alma.settings"}
        subprocess.run(
            [sys.executable, "-m", "alma.cli", "migrate", "-v0"], env=env, cwd=ROOT, check=True
        )  # noqa: S603
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.imports", "--measure", "--rows", str(args.rows)],
            env=env, cwd=ROOT, text=True, capture_output=True,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(done.stderr)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "results": results}))
        return
    # import r/s: the import's own work; index s: the directory step apart; alma r/s: both
    print(
        f"{'database':<12}{'rows':>10}{'baseline r/s':>14}{'import r/s':>12}{'index s':>9}"
        f"{'alma r/s':>10}{'re-import r/s':>15}{'slower':>8}"
    )
    for r in results:
        print(
            f"{r['database']:<12}{r['rows']:>10,}{r['baseline_rows_per_second']:>14,}"
            f"{r['import_rows_per_second']:>12,}{r['index_seconds']:>9.1f}"
            f"{r['alma_rows_per_second']:>10,}{r['reimport_rows_per_second']:>15,}"
            f"{r['slowdown_vs_baseline']:>7}x"
        )


if __name__ == "__main__":
    main()
