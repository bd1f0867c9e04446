"""Forum routing benchmark: one question routed among N alumni, indexed route beside a scan.

    python -m bench.forum [--alumni 100000] [--questions 20] [--json]

A fresh SQLite database in var/bench/ (or DATABASE_URL's, if set to PostgreSQL) gets N alumni
who all take questions, each with an industry, a major, a city and expertise drawn from small
vocabularies (a few per hundred alumni share each value, as at a real university), then the
routing profiles are built as the worker builds them (`routing_profiles_refresh`: the persisted
profile index and its search documents).

- product: `alma.forum.routing.route_question` as posting a question runs it: the question's
  terms find up to 500 candidates through the search index (the asker's audience rank only),
  then the matching engine's affinity ranks them.
- scan: every routing profile read and scored by the same affinity (`rank_profiles` over all
  N), the obvious way without an index.

Columns: per-question mean and worst seconds, and for the product, how many of the scan's top
5 it also found (the scan is the exact answer for the same scores).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench" / "forum.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
os.environ.setdefault("ALMA_DEBUG", "1")

INDUSTRIES = ["Software", "Finance", "Healthcare", "Education", "Energy", "Law", "Media",
              "Automotive", "Consulting", "Semiconductors", "Manufacturing", "Internet"]  # fmt: skip
MAJORS = ["Computer Science", "Economics", "Medicine", "Law", "Mechanical Engineering",
          "Chemistry", "Journalism", "Mathematics", "Physics", "Architecture"]  # fmt: skip
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan", "Nanjing",
          "Singapore", "London", "San Francisco", "Boston", "Tokyo"]  # fmt: skip
EXPERTISE = ["machine learning", "databases", "investment banking", "risk management",
             "public health", "teaching", "power systems", "corporate law", "journalism",
             "battery systems", "strategy", "chip design", "supply chain", "growth",
             "cloud computing", "venture capital", "drug discovery", "urban planning",
             "embedded systems", "product management", "数据分析", "投资银行", "新能源汽车"]  # fmt: skip
QUESTIONS = [
    ("How do I start in machine learning at a Software company in Shanghai?", "career"),
    ("Is investment banking in Beijing worth the hours?", "industry"),
    ("Should I do a master's in Economics before Finance?", "postgraduate"),
    ("What is life like in Shenzhen for a new graduate?", "city"),
    ("想做数据分析，需要学哪些课程？", "course"),
    ("Public health careers after Medicine: any advice?", "career"),
    ("Studying abroad in London for Law: which schools?", "abroad"),
    ("Battery systems jobs in Automotive: where to begin?", "industry"),
    ("新能源汽车行业前景怎么样？", "industry"),
    ("How did you find a chip design internship?", "career"),
]


def _setup(n: int, seed: int) -> None:
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from alma.forum.models import AnswerPreference, Invitation, Question, RoutingProfile
    from alma.people.models import Education, Employment, Person
    from alma.search.models import SearchDocument

    for model in (Invitation, Question, RoutingProfile, AnswerPreference, SearchDocument):
        model.objects.all().delete()
    rng = random.Random(seed)
    Person.objects.filter(email__endswith="@bench.forum").delete()
    people = [
        Person(
            full_name=f"Alumnus {i}",
            email=f"a{i}@bench.forum",
            stage="alumnus",
            current_city=rng.choice(CITIES),
            expertise=", ".join(rng.sample(EXPERTISE, 2)),
        )
        for i in range(n)
    ]
    Person.objects.bulk_create(people, batch_size=5000)
    ids = list(
        Person.objects.filter(email__endswith="@bench.forum")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Education.objects.bulk_create(
        [
            Education(
                person_id=pk,
                degree_level="bachelor",
                school="School",
                major=rng.choice(MAJORS),
                entry_year=2000 + pk % 20,
                graduation_year=2004 + pk % 20,
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    Employment.objects.bulk_create(
        [
            Employment(
                person_id=pk,
                organization_name="Org",
                industry=rng.choice(INDUSTRIES),
                is_current=True,
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    AnswerPreference.objects.bulk_create(
        [
            AnswerPreference(person_id=pk, accepts_questions=True, invitations_per_week=3)
            for pk in ids
        ],
        batch_size=5000,
    )


def _index() -> float:
    from alma.forum.routing import routing_profiles_refresh
    from alma.people.models import Person

    ids = list(Person.objects.filter(email__endswith="@bench.forum").values_list("pk", flat=True))
    started = time.perf_counter()
    routing_profiles_refresh(ids)
    return time.perf_counter() - started


def product(questions: list[tuple[str, str]]) -> tuple[list[float], list[list[int]]]:
    from alma.forum.routing import route_question

    times, tops = [], []
    for text, topic in questions:
        started = time.perf_counter()
        routed = route_question(text=text, topic=topic, rank=2, limit=5)
        times.append(time.perf_counter() - started)
        tops.append([r.person for r in routed])
    return times, tops


def scan(questions: list[tuple[str, str]]) -> tuple[list[float], list[list[int]]]:
    from alma.forum.models import RoutingProfile
    from alma.forum.routing import rank_profiles

    times, tops = [], []
    for text, topic in questions:
        started = time.perf_counter()
        profiles = list(RoutingProfile.objects.all())
        routed = rank_profiles(
            profiles, text=text, topic=topic, tags=(), asker=None, rank=2, limit=5, counts={}
        )
        times.append(time.perf_counter() - started)
        tops.append([r.person for r in routed])
    return times, tops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alumni", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    questions = (QUESTIONS * (args.questions // len(QUESTIONS) + 1))[: args.questions]
    started = time.perf_counter()
    _setup(args.alumni, args.seed)
    seeded = time.perf_counter() - started
    indexed = _index()
    product(questions[:2])  # warm both paths: imports, caches
    scan(questions[:1])
    product_times, product_tops = product(questions)
    scan_times, scan_tops = scan(questions)
    found = sum(len(set(p) & set(s)) for p, s in zip(product_tops, scan_tops, strict=True))
    wanted = sum(len(s) for s in scan_tops)
    from django.db import connection

    result: dict[str, Any] = {
        "alumni": args.alumni,
        "questions": len(questions),
        "database": connection.vendor,
        "seed_s": round(seeded, 1),
        "index_build_s": round(indexed, 1),
        "product": {"mean_s": statistics.mean(product_times), "max_s": max(product_times)},
        "scan": {"mean_s": statistics.mean(scan_times), "max_s": max(scan_times)},
        "scan_top5_found_by_product": f"{found}/{wanted}",
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{args.alumni} alumni on {connection.vendor}; seeded in {seeded:.1f} s, routing profiles "
        f"and their search documents built in {indexed:.1f} s"
    )
    print(f"{'path':<10} {'mean s/question':>16} {'worst s':>9} {'scan top 5 found':>17}")
    print(
        f"{'product':<10} {result['product']['mean_s']:>16.3f} {result['product']['max_s']:>9.3f} "
        f"{result['scan_top5_found_by_product']:>17}"
    )
    print(
        f"{'scan':<10} {result['scan']['mean_s']:>16.3f} {result['scan']['max_s']:>9.3f} {'(exact)':>17}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
