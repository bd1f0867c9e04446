"""Matching engine benchmark: optimal vs stable vs greedy vs dense Hungarian, side by side.

    python -m bench.matching [--sizes 1000x200,10000x2000,100000x20000] [--k 20] [--json]

Each size is a synthetic mentoring program: LEFT students (capacity 1) and RIGHT mentors
(capacity 1-5) with majors, schools, industries, cities, graduation years, languages, topic
tags and free text, plus a few exclusions, same-person pairs and required languages. For
each size the engine builds the candidate graph once (top-k per student, never the dense
matrix) and every solver runs on that same graph. The dense baseline
(scipy.optimize.linear_sum_assignment over the full matrix, mentors expanded into one
column per place) runs only where the matrix fits; it is the true optimum over all pairs,
so it shows what shortlisting to k candidates costs.

Columns: total affinity; share of the optimum on the candidate graph (and of the dense
optimum where known); matched pairs; mean rank of each student's assigned mentor among
that student's mentors (1 = their best); wall seconds for feature encoding (TF-IDF, SVD),
candidate generation (top-k), the solve, and end to end (features + candidates + solve);
and the CPU seconds of that end-to-end run over all threads, which stay meaningful when the
machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")

from alma.matching.affinity import AffinityModel, build_affinity_model  # noqa: E402
from alma.matching.candidates import DEFAULT_K, generate_candidates  # noqa: E402
from alma.matching.graph import CandidateGraph, Matching  # noqa: E402
from alma.matching.profiles import Constraints, Profile, Weights  # noqa: E402
from alma.matching.solvers import SOLVERS  # noqa: E402

DEFAULT_SIZES = "1000x200,10000x2000,100000x20000"
# The dense baseline's matrix (students x mentor places); beyond this it is skipped.
DENSE_LIMIT_CELLS = 12_000_000

SCHOOLS = ["Engineering", "Science", "Business", "Law", "Medicine", "Arts", "Education", "Design"]
MAJORS = {
    "Engineering": [
        "Computer Science",
        "Electrical Engineering",
        "Mechanical Engineering",
        "Civil Engineering",
        "Chemical Engineering",
    ],
    "Science": ["Mathematics", "Physics", "Chemistry", "Biology", "Statistics"],
    "Business": ["Finance", "Accounting", "Marketing", "Management", "Economics"],
    "Law": ["Law", "International Relations", "Public Policy"],
    "Medicine": ["Clinical Medicine", "Nursing", "Pharmacy", "Public Health"],
    "Arts": ["History", "Literature", "Philosophy", "Journalism", "Foreign Languages"],
    "Education": ["Education", "Psychology", "Sports Science"],
    "Design": ["Architecture", "Industrial Design", "Visual Communication"],
}
INDUSTRIES = [
    "Software",
    "Semiconductors",
    "Manufacturing",
    "Construction",
    "Energy",
    "Banking",
    "Investment",
    "Consulting",
    "Accounting",
    "Law Firms",
    "Government",
    "Healthcare",
    "Pharmaceuticals",
    "Education",
    "Media",
    "Publishing",
    "Retail",
    "Logistics",
    "Architecture",
    "Non-profit",
]
CITIES = [
    "Beijing",
    "Shanghai",
    "Guangzhou",
    "Shenzhen",
    "Hangzhou",
    "Nanjing",
    "Wuhan",
    "Chengdu",
    "Xi'an",
    "Tianjin",
    "Suzhou",
    "Chongqing",
    "Changsha",
    "Xiamen",
    "Qingdao",
    "Dalian",
    "Hong Kong",
    "Singapore",
    "London",
    "New York",
    "San Francisco",
    "Toronto",
    "Sydney",
    "Tokyo",
    "Berlin",
    "Paris",
    "Seoul",
    "Vancouver",
    "Boston",
    "Melbourne",
]
LANGUAGES = [
    "Mandarin",
    "English",
    "Cantonese",
    "Japanese",
    "French",
    "German",
    "Spanish",
    "Korean",
]
TOPICS = [
    "career planning",
    "graduate school",
    "study abroad",
    "entrepreneurship",
    "job search",
    "interviews",
    "resume",
    "research",
    "publishing",
    "internships",
    "leadership",
    "public speaking",
    "networking",
    "work-life balance",
    "mental health",
    "finance skills",
    "data science",
    "programming",
    "product management",
    "consulting cases",
    "civil service",
    "teaching",
    "medicine residency",
    "law exams",
    "design portfolio",
    "startups",
    "investment",
    "marketing",
    "sustainability",
    "international careers",
    "volunteering",
    "writing",
    "negotiation",
    "team management",
    "career change",
    "family business",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "sa",
    "tu",
    "vel",
    "no",
    "ri",
    "pa",
    "zen",
    "qu",
    "dor",
    "fi",
    "la",
    "mo",
]


def _words(rng: np.random.Generator, count: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))) for _ in range(count)]


def _distinct(rng: np.random.Generator, n: int, pool: int, low: int, high: int) -> list[list[int]]:
    """For each of n items, between low and high distinct numbers below pool."""
    order = rng.random((n, pool)).argsort(axis=1)[:, :high]
    counts = rng.integers(low, high + 1, size=n)
    return [row[:c].tolist() for row, c in zip(order, counts, strict=True)]


def synthetic_program(
    n_left: int, n_right: int, *, seed: int = 7
) -> tuple[list[Profile], list[Profile], Constraints]:
    """Students and mentors with correlated features, as a real program would have them.

    Majors imply schools and likely industries; texts are drawn from words tied to each
    person's topics and industries plus common filler; cities follow a Zipf law.
    """
    rng = np.random.default_rng(seed)
    majors = [(school, major) for school, names in MAJORS.items() for major in names]
    n_ind, n_top = len(INDUSTRIES), len(TOPICS)
    major_industries = np.array([rng.choice(n_ind, size=3, replace=False) for _ in majors])
    topic_words = np.array([_words(rng, 12) for _ in TOPICS])
    industry_words = np.array([_words(rng, 12) for _ in INDUSTRIES])
    common_words = np.array(_words(rng, 40))
    city_p = 1 / np.arange(1, len(CITIES) + 1) ** 0.9
    city_p /= city_p.sum()
    lang_p = np.array([0.95, 0.7, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05])

    def side(n: int, topic_range: tuple[int, int]) -> dict[str, Any]:
        major = rng.integers(len(majors), size=n)
        speaks = rng.random((n, len(LANGUAGES))) < lang_p
        speaks[~speaks.any(axis=1), 1] = True  # everyone speaks something: English
        return {
            "major": major,
            "city": rng.choice(len(CITIES), size=n, p=city_p),
            "languages": [tuple(LANGUAGES[k] for k in np.flatnonzero(row)) for row in speaks],
            "topics": _distinct(rng, n, n_top, *topic_range),
        }

    def texts(topics: list[list[int]], industries: list[list[int]]) -> list[str]:
        # Each person's word pool: 12 words per topic, then 12 per industry, as rows of a
        # padded table; draw 8-15 pool words and 3-7 filler words per person.
        n = len(topics)
        words = np.concatenate([topic_words, industry_words])
        sources = [t + [n_top + k for k in ind] for t, ind in zip(topics, industries, strict=True)]
        width = max(len(x) for x in sources)
        table = np.array([x + [x[0]] * (width - len(x)) for x in sources])
        pool = np.array([len(x) for x in sources]) * 12
        picks = (rng.random((n, 15)) * pool[:, None]).astype(np.int64)
        drawn = words[np.take_along_axis(table, picks // 12, axis=1), picks % 12]
        filler = common_words[rng.integers(len(common_words), size=(n, 7))]
        sizes = rng.integers(8, 16, size=n).tolist()
        fills = rng.integers(3, 8, size=n).tolist()
        drawn_rows, filler_rows = drawn.tolist(), filler.tolist()
        return [" ".join(drawn_rows[i][: sizes[i]] + filler_rows[i][: fills[i]]) for i in range(n)]

    students = side(n_left, (2, 4))
    first = major_industries[students["major"], rng.integers(3, size=n_left)]
    second = rng.integers(n_ind, size=n_left)
    second = np.where(second == first, (second + 1) % n_ind, second)
    targets = [[int(a), int(b)] for a, b in zip(first, second, strict=True)]
    student_texts = texts(students["topics"], targets)
    years = rng.integers(2026, 2031, size=n_left)
    requires = rng.random(n_left) < 0.03
    left = [
        Profile(
            id=i,
            capacity=1,
            person=i,
            major=majors[students["major"][i]][1],
            school=majors[students["major"][i]][0],
            target_industries=(INDUSTRIES[targets[i][0]], INDUSTRIES[targets[i][1]]),
            city=CITIES[students["city"][i]],
            graduation_year=int(years[i]),
            languages=students["languages"][i],
            required_languages=("Mandarin",) if requires[i] else (),
            topics=tuple(TOPICS[t] for t in students["topics"][i]),
            text=student_texts[i],
        )
        for i in range(n_left)
    ]

    mentors = side(n_right, (3, 6))
    in_field = rng.random(n_right) < 0.7
    industry = np.where(
        in_field,
        major_industries[mentors["major"], rng.integers(3, size=n_right)],
        rng.integers(n_ind, size=n_right),
    )
    mentor_texts = texts(mentors["topics"], [[int(k)] for k in industry])
    capacity = rng.integers(1, 6, size=n_right)
    years = rng.integers(1990, 2025, size=n_right)
    # About 0.5% of mentors are also students of this program (PhD students, say).
    also_student = (rng.random(n_right) < 0.005) & (n_left > 0)
    person = np.where(
        also_student, rng.integers(max(1, n_left), size=n_right), 10_000_000 + np.arange(n_right)
    )
    right = [
        Profile(
            id=j,
            capacity=int(capacity[j]),
            person=int(person[j]),
            major=majors[mentors["major"][j]][1],
            school=majors[mentors["major"][j]][0],
            industry=INDUSTRIES[industry[j]],
            city=CITIES[mentors["city"][j]],
            graduation_year=int(years[j]),
            languages=mentors["languages"][j],
            topics=tuple(TOPICS[t] for t in mentors["topics"][j]),
            text=mentor_texts[j],
        )
        for j in range(n_right)
    ]
    pairs = zip(
        rng.integers(max(1, n_left), size=n_left // 100).tolist(),
        rng.integers(max(1, n_right), size=n_left // 100).tolist(),
        strict=True,
    )
    return left, right, Constraints(exclusions=frozenset(pairs))


@dataclass
class Row:
    size: str
    method: str
    total: float | None = None
    share_of_optimum: float | None = None
    share_of_dense_optimum: float | None = None
    matched: int | None = None
    mean_rank: float | None = None
    seconds_features: float | None = None
    seconds_candidates: float | None = None
    seconds_solve: float | None = None
    seconds_total: float | None = None
    cpu_seconds_total: float | None = None
    note: str = ""


class _Clock:
    """Wall and process CPU time (all threads) since the last lap."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        spent = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return spent


def _mean_rank_on_graph(graph: CandidateGraph, matching: Matching) -> float:
    """1 + how many of the student's candidates score strictly higher, averaged."""
    if not matching.pairs:
        return float("nan")
    left_pos = {v: i for i, v in enumerate(graph.left_ids)}
    starts = np.searchsorted(graph.pair_left, np.arange(len(graph.left_ids) + 1))
    ranks = [
        1 + int(np.count_nonzero(graph.pair_score[starts[i] : starts[i + 1]] > p.score))
        for p in matching.pairs
        for i in (left_pos[p.left],)
    ]
    return float(np.mean(ranks))


def _dense_baseline(model: AffinityModel) -> tuple[float, int, float]:
    """Hungarian on the full matrix, one column per mentor place: (total, matched, mean rank)."""
    from scipy.optimize import linear_sum_assignment

    scores = model.score_matrix().astype(np.float64)
    allowed = np.isfinite(scores) & (scores > 0)
    scores[~allowed] = 0.0
    owner = np.repeat(np.arange(model.n_right), [p.capacity for p in model.right])
    rows, cols = linear_sum_assignment(scores[:, owner], maximize=True)
    mentors = owner[cols]
    keep = allowed[rows, mentors]  # a forced zero-score "assignment" is no match
    rows, mentors = rows[keep], mentors[keep]
    values = scores[rows, mentors]
    ranks = 1 + (scores[rows] > values[:, None]).sum(axis=1)
    return float(values.sum()), len(rows), float(ranks.mean()) if len(rows) else float("nan")


def bench_size(n_left: int, n_right: int, *, k: int, seed: int = 7) -> list[Row]:
    size = f"{n_left}x{n_right}"
    left, right, constraints = synthetic_program(n_left, n_right, seed=seed)
    gc.collect()
    clock = _Clock()
    model = build_affinity_model(left=left, right=right, weights=Weights(), constraints=constraints)
    features, features_cpu = clock.lap()
    graph = generate_candidates(model, k=k)
    candidates, candidates_cpu = clock.lap()
    results: dict[str, tuple[Matching, float, float]] = {}
    for name, solver in SOLVERS.items():
        matching = solver(graph)
        results[name] = (matching, *clock.lap())
    optimum = results["optimal"][0].total
    slots = sum(p.capacity for p in right)
    dense: tuple[float, int, float] | None = None
    if n_left * slots <= DENSE_LIMIT_CELLS:
        dense = _dense_baseline(model)
        dense_seconds, dense_cpu = clock.lap()
    rows: list[Row] = []
    for name, (matching, seconds, cpu) in results.items():
        rows.append(
            Row(
                size=size,
                method=name,
                total=round(matching.total, 3),
                share_of_optimum=round(matching.total / optimum, 5) if optimum else None,
                share_of_dense_optimum=round(matching.total / dense[0], 5) if dense else None,
                matched=matching.matched,
                mean_rank=round(_mean_rank_on_graph(graph, matching), 2),
                seconds_features=round(features, 2),
                seconds_candidates=round(candidates, 2),
                seconds_solve=round(seconds, 2),
                seconds_total=round(features + candidates + seconds, 2),
                cpu_seconds_total=round(features_cpu + candidates_cpu + cpu, 2),
                note=f"{graph.pair_count:,} candidate pairs (k={k})",
            )
        )
    if dense is not None:
        total, matched, rank = dense
        rows.append(
            Row(
                size=size,
                method="dense_lsa",
                total=round(total, 3),
                share_of_optimum=round(total / optimum, 5) if optimum else None,
                share_of_dense_optimum=1.0,
                matched=matched,
                mean_rank=round(rank, 2),
                seconds_features=round(features, 2),
                seconds_solve=round(dense_seconds, 2),
                seconds_total=round(features + dense_seconds, 2),
                cpu_seconds_total=round(features_cpu + dense_cpu, 2),
                note=f"all {n_left}x{slots} pairs (mentors expanded into places)",
            )
        )
    else:
        rows.append(
            Row(
                size=size,
                method="dense_lsa",
                note=f"skipped: a {n_left}x{slots} dense matrix exceeds {DENSE_LIMIT_CELLS:,} cells",
            )
        )
    return rows


def _fmt(value: float | int | None, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec) if spec else str(value)


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def render(rows: Sequence[Row]) -> str:
    header = [
        "size",
        "method",
        "total",
        "% opt",
        "% dense opt",
        "matched",
        "mean rank",
        "features s",
        "cand s",
        "solve s",
        "total s",
        "cpu s",
        "note",
    ]
    table = [
        [
            r.size,
            r.method,
            _fmt(r.total, ".1f"),
            _fmt(_percent(r.share_of_optimum), ".2f"),
            _fmt(_percent(r.share_of_dense_optimum), ".2f"),
            _fmt(r.matched),
            _fmt(r.mean_rank, ".2f"),
            _fmt(r.seconds_features, ".2f"),
            _fmt(r.seconds_candidates, ".2f"),
            _fmt(r.seconds_solve, ".2f"),
            _fmt(r.seconds_total, ".2f"),
            _fmt(r.cpu_seconds_total, ".2f"),
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(header, *table, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [
        " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    return "\n".join(lines)


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        left, _, right = part.strip().lower().partition("x")
        if not (left.isdigit() and right.isdigit()):
            raise argparse.ArgumentTypeError(f"size {part!r} is not LEFTxRIGHT, e.g. 1000x200")
        sizes.append((int(left), int(right)))
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matching", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES))
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="candidates per student")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    args = parser.parse_args(argv)
    # Import the heavy libraries now, so the first size's times do not include them.
    import ortools.graph.python.min_cost_flow  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    rows: list[Row] = []
    for n_left, n_right in args.sizes:
        rows += bench_size(n_left, n_right, k=args.k, seed=args.seed)
        if not args.json:
            print(render([r for r in rows if r.size == f"{n_left}x{n_right}"]), flush=True)
            print(flush=True)
    if args.json:
        json.dump([asdict(r) for r in rows], sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
