"""Careers recommendations benchmark: the product's ranking beside a keyword-overlap baseline.

    python -m bench.careers [--sizes 10000x5000] [--seed 7] [--json]

Each size is STUDENTSxPOSTINGS of a synthetic school with planted ground truth: the students
and postings fall into clusters of a major, a city, an industry and a set of skills (twenty
students and ten postings a cluster at the default size). A cluster's postings are its
students' truth; around them the postings also target other majors and cities, skills and
industries drift, degrees narrow some postings, and students list stray interests, so the
truth is findable but not trivially. Both rankers see the same features and both drop
postings the student's degree does not allow:

- product: `alma.careers.recommend.rank_postings`, exactly what the pages and
  `alma careers recommend` run (the matching engine's affinity, a posting entering once per
  major and city it targets, its best pair kept); reasons are computed only for the pairs
  shown, so they are left out of the timed ranking and timed apart for one page (10 pairs);
- baseline: the number of shared keywords (major, city, industry, skills, interests as bags
  of words), a sparse matrix product, ties to the lower posting id.

Columns: wall seconds for ranking every student's top 10, and precision@10 against the
planted truth (the share of each student's ten that are their cluster's postings, averaged).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")

from alma.careers.recommend import (  # noqa: E402
    PostingFeatures,
    StudentFeatures,
    rank_postings,
)

DEFAULT_SIZES = "10000x5000"
K = 10
MAJORS = [
    "Computer Science", "Software Engineering", "Finance", "Accounting", "Economics", "Law",
    "Marketing", "Management", "Statistics", "Mathematics", "Physics", "Chemistry", "Biology",
    "Clinical Medicine", "Nursing", "Pharmacy", "Journalism", "History", "Literature",
    "Philosophy", "Psychology", "Education", "Architecture", "Industrial Design",
    "Mechanical Engineering", "Electrical Engineering", "Civil Engineering",
    "Chemical Engineering", "Materials Science", "Environmental Science", "Public Policy",
    "International Relations", "Foreign Languages", "Sports Science", "Agronomy", "Geography",
    "Automation", "Communication Engineering", "Human Resources", "Logistics",
]  # fmt: skip
CITIES = [
    "Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Guangzhou", "Wuhan", "Nanjing",
    "Xian", "Suzhou", "Tianjin", "Chongqing", "Changsha", "Qingdao", "Xiamen", "Hefei",
    "Kunming", "Dalian", "Shenyang", "Harbin",
]  # fmt: skip
INDUSTRIES = [
    "Internet", "Banking", "Securities", "Consulting", "Manufacturing", "Energy", "Healthcare",
    "Pharmaceuticals", "Education", "Media", "Government", "Construction", "Logistics",
    "Retail", "Automotive",
]  # fmt: skip
SKILLS = [f"skill{n:02d}" for n in range(60)]
INTERESTS = [f"hobby{n:02d}" for n in range(40)]


@dataclass
class World:
    students: list[StudentFeatures]
    postings: list[PostingFeatures]
    truth: dict[int, set[int]]  # student id -> their cluster's posting ids


def make_world(n_students: int, n_postings: int, seed: int) -> World:
    rng = random.Random(seed)
    per_cluster = 10
    clusters = max(1, n_postings // per_cluster)
    spec: list[dict[str, Any]] = []
    for _ in range(clusters):
        spec.append(
            {
                "major": rng.choice(MAJORS),
                "city": rng.choice(CITIES),
                "industry": rng.choice(INDUSTRIES),
                "skills": rng.sample(SKILLS, 4),
                "degree": "master" if rng.random() < 0.2 else "bachelor",
            }
        )
    postings: list[PostingFeatures] = []
    members: dict[int, list[int]] = {}
    for pid in range(1, n_postings + 1):
        c = (pid - 1) % clusters
        s = spec[c]
        majors = [s["major"], *rng.sample(MAJORS, rng.randint(0, 2))]
        cities = [s["city"], *rng.sample(CITIES, rng.randint(0, 1))]
        skills = [*rng.sample(s["skills"], 2), *rng.sample(SKILLS, rng.randint(0, 2))]
        industry = s["industry"] if rng.random() < 0.8 else rng.choice(INDUSTRIES)
        roll = rng.random()
        degrees: tuple[str, ...] = ()
        if roll < 0.2:
            degrees = ("bachelor", "master")
        elif roll < 0.3:
            degrees = (s["degree"],)
        postings.append(
            PostingFeatures(
                id=pid,
                majors=tuple(dict.fromkeys(majors)),
                degrees=degrees,
                cities=tuple(dict.fromkeys(cities)),
                industry=industry,
                skills=tuple(dict.fromkeys(skills)),
            )
        )
        members.setdefault(c, []).append(pid)
    students: list[StudentFeatures] = []
    truth: dict[int, set[int]] = {}
    for sid in range(1, n_students + 1):
        c = (sid - 1) % clusters
        s = spec[c]
        skills = rng.sample(s["skills"], 3) + rng.sample(SKILLS, 1)
        interests = rng.sample(INTERESTS, 2)
        targets = [s["industry"]] + ([rng.choice(INDUSTRIES)] if rng.random() < 0.5 else [])
        students.append(
            StudentFeatures(
                id=sid,
                major=s["major"],
                degree=s["degree"],
                city=s["city"] if rng.random() < 0.8 else rng.choice(CITIES),
                target_industries=tuple(dict.fromkeys(targets)),
                topics=tuple(dict.fromkeys(skills + interests)),
            )
        )
        truth[sid] = set(members.get(c, []))
    return World(students, postings, truth)


# --- The baseline: shared keywords ---------------------------------------------------------


def _words(values: Sequence[str | None]) -> set[str]:
    return {w for v in values if v for w in v.casefold().split()}


def keyword_rank(world: World, k: int = K) -> dict[int, list[int]]:
    """Each student's k postings sharing the most words, among those their degree allows."""
    vocab: dict[str, int] = {}

    s_bags = [_words([s.major, s.city, *s.target_industries, *s.topics]) for s in world.students]
    p_bags = [_words([*p.majors, *p.cities, p.industry, *p.skills]) for p in world.postings]
    for bag in s_bags + p_bags:
        for word in bag:
            vocab.setdefault(word, len(vocab))
    width = len(vocab)

    def build(bags: list[set[str]]) -> sp.csr_matrix:
        rows = np.repeat(np.arange(len(bags)), [len(b) for b in bags])
        cols = np.fromiter((vocab[w] for b in bags for w in b), dtype=np.int64)
        data = np.ones(len(cols), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(bags), width))

    students, postings = build(s_bags), build(p_bags).T.tocsc()
    degrees = sorted({s.degree or "" for s in world.students})
    allowed = {
        d: np.array([not p.degrees or d in p.degrees for p in world.postings]) for d in degrees
    }
    ids = np.array([p.id for p in world.postings])
    out: dict[int, list[int]] = {}
    block = 2000
    for start in range(0, len(world.students), block):
        scores = (students[start : start + block] @ postings).toarray()
        for r in range(scores.shape[0]):
            student = world.students[start + r]
            row = np.where(allowed[student.degree or ""], scores[r], -1.0)
            kth = -np.partition(-row, min(k, len(row)) - 1)[min(k, len(row)) - 1]
            near = np.flatnonzero(row >= kth)  # every tie at the k-th place
            best = sorted(near, key=lambda j: (-row[j], ids[j]))[:k]
            out[student.id] = [int(ids[j]) for j in best if row[j] > 0]
    return out


def precision_at_k(world: World, ranked: dict[int, list[int]], k: int = K) -> float:
    total = 0.0
    for student in world.students:
        got = ranked.get(student.id, [])[:k]
        truth = world.truth[student.id]
        total += len([p for p in got if p in truth]) / min(k, max(1, len(truth)))
    return total / len(world.students)


def run(n_students: int, n_postings: int, seed: int) -> dict[str, float | int]:
    world = make_world(n_students, n_postings, seed)
    started = time.perf_counter()
    product = rank_postings(world.students, world.postings, limit=K, explain=False)
    product_s = time.perf_counter() - started
    started = time.perf_counter()
    one = rank_postings(world.students[:1], world.postings, limit=K, explain=True)
    one_page_s = time.perf_counter() - started
    assert all(r.reasons for r in one[world.students[0].id])
    started = time.perf_counter()
    baseline = keyword_rank(world)
    baseline_s = time.perf_counter() - started
    return {
        "students": n_students,
        "postings": n_postings,
        "product_seconds": round(product_s, 2),
        "product_precision_at_10": round(
            precision_at_k(world, {k: [r.id for r in v] for k, v in product.items()}), 3
        ),
        "one_student_with_reasons_seconds": round(one_page_s, 3),
        "baseline_seconds": round(baseline_s, 2),
        "baseline_precision_at_10": round(precision_at_k(world, baseline), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rows = []
    for size in args.sizes.split(","):
        left, right = (int(x) for x in size.lower().split("x"))
        rows.append(run(left, right, args.seed))
    if args.json:
        print(json.dumps(rows))
        return 0
    print(
        f"{'students x postings':>20} | {'product s':>9} {'P@10':>6} | "
        f"{'keyword s':>9} {'P@10':>6} | {'1 page + reasons s':>18}"
    )
    for r in rows:
        print(
            f"{str(r['students']) + ' x ' + str(r['postings']):>20} | "
            f"{r['product_seconds']:>9} {r['product_precision_at_10']:>6} | "
            f"{r['baseline_seconds']:>9} {r['baseline_precision_at_10']:>6} | "
            f"{r['one_student_with_reasons_seconds']:>18}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
