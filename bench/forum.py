"""Forum routing benchmark: one question routed among N alumni, indexed route beside a scan.

    python -m bench.forum [--alumni 100000] [--questions 10] [--scan-questions N] [--json]

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
- product, best at cap: the product again after every alumnus it picked has had their
  weekly number of invitations (3), as after a busy week: the candidate query leaves them out
  (routing.unavailable_ids), so each question must still get 5 others.

Columns: per-question mean and worst seconds; for the product, how many of the scan's top 5 it
also found (the scan is the exact answer for the same scores); for the capped pass, how many
alumni came back (5 a question) and that none of them was at the cap.

Sizes: `--alumni` takes any number. The scan reads every profile per question, so at large
sizes run it on fewer questions (`--scan-questions 1`, or 0 to leave it out). Measured on the
shared 2-core development machine with SQLite (2026-12-08): 100,000 alumni took 3 minutes in
all (migrate 21 s, seed 29 s, index 52 s, scan 6.6 s a question); 200,000 with
`--scan-questions 3` took 6.4 minutes on a busier machine (seed 113 s, index 180 s, 240 MB in
var/bench/). A million alumni therefore take roughly 10 minutes to seed, 15 to 20 to build the
routing index, 1.2 GB of disk, and about a minute per scanned question (its memory, a
million profiles in Python at once, was not measured): `python -m bench.forum --alumni 1000000
--scan-questions 1` (or 0), about half an hour, not run here; with DATABASE_URL=postgres://... it runs on PostgreSQL instead.
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


def _setup(n: int, seed: int) -> float:
    """Migrate a fresh database and seed N alumni; the seconds the migration took."""
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
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
    return migrated


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


def cap_the_chosen(tops: list[list[int]]) -> set[int]:
    """Give every alumnus the product picked their weekly number of invitations (3)."""
    from alma.forum.models import Invitation, Question
    from alma.people.models import Person

    chosen = sorted({pk for top in tops for pk in top})
    asker = Person.objects.create(full_name="Bench asker", email="asker@bench.forum")
    questions = [
        Question.objects.create(asker=asker, title=f"Busy week {i}", topic="career")
        for i in range(3)
    ]
    Invitation.objects.bulk_create(
        [Invitation(question=q, person_id=pk, score=1.0) for q in questions for pk in chosen]
    )
    return set(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alumni", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument(
        "--scan-questions",
        type=int,
        default=None,
        help="questions to scan (default: all; 0 leaves the scan out)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    questions = (QUESTIONS * (args.questions // len(QUESTIONS) + 1))[: args.questions]
    started = time.perf_counter()
    migrated = _setup(args.alumni, args.seed)
    seeded = time.perf_counter() - started - migrated
    indexed = _index()
    scanned = questions[: len(questions) if args.scan_questions is None else args.scan_questions]
    product(questions[:2])  # warm both paths: imports, caches
    if scanned:
        scan(questions[:1])
    product_times, product_tops = product(questions)
    scan_times, scan_tops = scan(scanned) if scanned else ([], [])
    found = sum(len(set(p) & set(s)) for p, s in zip(product_tops, scan_tops, strict=False))
    wanted = sum(len(s) for s in scan_tops)
    capped = cap_the_chosen(product_tops)
    capped_times, capped_tops = product(questions)
    returned = sum(len(top) for top in capped_tops)
    clash = sum(len(set(top) & capped) for top in capped_tops)
    from django.db import connection

    result: dict[str, Any] = {
        "alumni": args.alumni,
        "questions": len(questions),
        "database": connection.vendor,
        "migrate_s": round(migrated, 1),
        "seed_s": round(seeded, 1),
        "index_build_s": round(indexed, 1),
        "product": {"mean_s": statistics.mean(product_times), "max_s": max(product_times)},
        "scan": {"mean_s": statistics.mean(scan_times), "max_s": max(scan_times)}
        if scan_times
        else None,
        "scan_questions": len(scanned),
        "scan_top5_found_by_product": f"{found}/{wanted}",
        "product_best_at_cap": {
            "mean_s": statistics.mean(capped_times),
            "max_s": max(capped_times),
            "returned": f"{returned}/{5 * len(questions)}",
            "at_cap_returned": clash,
        },
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{args.alumni} alumni on {connection.vendor}; migrated in {migrated:.1f} s, seeded in "
        f"{seeded:.1f} s, routing profiles "
        f"and their search documents built in {indexed:.1f} s"
    )
    print(f"{'path':<10} {'mean s/question':>16} {'worst s':>9} {'scan top 5 found':>17}")
    # "at cap": the product again, once every alumnus it picked is at their weekly cap.
    print(
        f"{'product':<10} {result['product']['mean_s']:>16.3f} {result['product']['max_s']:>9.3f} "
        f"{result['scan_top5_found_by_product']:>17}"
    )
    if scan_times:
        print(
            f"{'scan':<10} {result['scan']['mean_s']:>16.3f} {result['scan']['max_s']:>9.3f} "
            f"{'(exact)':>17}   ({len(scanned)} questions)"
        )
    at_cap = result["product_best_at_cap"]
    print(
        f"{'at cap':<10} {at_cap['mean_s']:>16.3f} {at_cap['max_s']:>9.3f} "
        f"{'returned ' + at_cap['returned']:>17}   ({clash} of them at their cap)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
