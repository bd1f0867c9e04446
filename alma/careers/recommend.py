"""Recommendations both ways (postings for a student, students for a posting) from the matching
engine's affinity, with its reasons.

Works on plain features, not models, so the pages, the `alma careers recommend` command and
`bench/careers.py` run the same ranking. Degree levels are a hard rule (a posting for masters
is never shown to a bachelor); major, industry, skills and interests, and city are weighed by
the engine. A posting targets several majors and cities while an engine profile holds one of
each, so a posting enters the engine once per (major, city) it targets and keeps its best
pair: the reason then names the very major and city that matched.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from alma.matching.affinity import AffinityModel, build_affinity_model
from alma.matching.candidates import generate_candidates
from alma.matching.profiles import Profile, Weights
from alma.matching.reasons import Reason, reason_label

# The weights of the similarities (the engine takes their weighted mean).
WEIGHTS = Weights(
    major=2.0,
    school=0.0,
    target_industry=1.0,
    same_industry=0.0,
    city=0.75,
    graduation_year=0.0,
    language=0.0,
    topics=1.5,
    text=0.0,
)
# A posting enters the engine at most this many times (majors x cities it targets).
MAX_VARIANTS = 24
_STRIDE = 100  # variant ids: posting id * _STRIDE + variant number


@dataclass(frozen=True, slots=True)
class StudentFeatures:
    id: int
    major: str | None = None
    degree: str | None = None
    city: str | None = None
    target_industries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # skills and interests


@dataclass(frozen=True, slots=True)
class PostingFeatures:
    id: int
    majors: tuple[str, ...] = ()  # empty: any major
    degrees: tuple[str, ...] = ()  # empty: any degree
    cities: tuple[str, ...] = ()
    industry: str | None = None
    skills: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranked:
    id: int  # the posting's (or, the other way round, the student's) id
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def reason_labels(self) -> list[str]:
        return [reason_label(r) for r in self.reasons]


def _eligible(student: StudentFeatures, posting: PostingFeatures) -> bool:
    return not posting.degrees or (student.degree is not None and student.degree in posting.degrees)


def _student_profile(s: StudentFeatures) -> Profile:
    return Profile(
        id=s.id,
        major=s.major,
        city=s.city,
        target_industries=s.target_industries,
        topics=s.topics,
    )


def _posting_profiles(p: PostingFeatures) -> list[Profile]:
    majors: Sequence[str | None] = p.majors or (None,)
    cities: Sequence[str | None] = p.cities or (None,)
    pairs = list(itertools.islice(itertools.product(majors, cities), MAX_VARIANTS))
    return [
        Profile(id=p.id * _STRIDE + n, major=major, city=city, industry=p.industry, topics=p.skills)
        for n, (major, city) in enumerate(pairs)
    ]


def _best_per_posting(
    left: Sequence[Profile], right: Sequence[Profile], limit: int
) -> tuple[AffinityModel | None, dict[int, list[tuple[int, int, float]]]]:
    """The model, and per left id its `limit` best postings as (posting id, variant, score)."""
    if not left or not right:
        return None, {}
    model = build_affinity_model(left=left, right=right, weights=WEIGHTS)
    # Enough variants per left item that `limit` distinct postings survive the de-duplication.
    variants = max(1, len(right) // max(1, len({int(r.id) // _STRIDE for r in right})))
    graph = generate_candidates(model, k=min(len(right), limit * min(variants, MAX_VARIANTS)))
    best: dict[int, dict[int, tuple[int, float]]] = {}
    for i, j, score in zip(graph.pair_left, graph.pair_right, graph.pair_score, strict=True):
        left_id = int(graph.left_ids[i])
        variant = int(graph.right_ids[j])
        posting = variant // _STRIDE
        held = best.setdefault(left_id, {})
        if posting not in held or score > held[posting][1]:
            held[posting] = (variant, float(score))
    result: dict[int, list[tuple[int, int, float]]] = {}
    for left_id, held in best.items():
        ranked = sorted(held.items(), key=lambda item: (-item[1][1], item[0]))[:limit]
        result[left_id] = [(posting, variant, score) for posting, (variant, score) in ranked]
    return model, result


def rank_postings(
    students: Sequence[StudentFeatures],
    postings: Sequence[PostingFeatures],
    *,
    limit: int = 10,
    explain: bool = True,
) -> dict[int, list[Ranked]]:
    """Each student's `limit` best postings among those their degree allows, best first
    (ties to the lower posting id), with the engine's reasons when `explain`."""
    out: dict[int, list[Ranked]] = {s.id: [] for s in students}
    by_degree: dict[str | None, list[StudentFeatures]] = {}
    for s in students:
        by_degree.setdefault(s.degree, []).append(s)
    for degree, group in sorted(by_degree.items(), key=lambda item: str(item[0])):
        probe = StudentFeatures(id=0, degree=degree)
        right = [v for p in postings if _eligible(probe, p) for v in _posting_profiles(p)]
        model, found = _best_per_posting([_student_profile(s) for s in group], right, limit)
        for left_id, ranked in found.items():
            assert model is not None
            out[left_id] = [
                Ranked(
                    id=posting,
                    score=score,
                    reasons=model.explain(left_id, variant).reasons if explain else (),
                )
                for posting, variant, score in ranked
            ]
    return out


def rank_students(
    posting: PostingFeatures, students: Sequence[StudentFeatures], *, limit: int = 10
) -> list[Ranked]:
    """The `limit` students (among those given: the caller passes only those who opted in)
    who fit the posting best, with reasons."""
    eligible = [s for s in students if _eligible(s, posting)]
    if not eligible:
        return []
    scored: list[Ranked] = []
    found = rank_postings(eligible, [posting], limit=1)
    for student_id, ranked in found.items():
        if ranked:
            scored.append(Ranked(id=student_id, score=ranked[0].score, reasons=ranked[0].reasons))
    scored.sort(key=lambda r: (-r.score, r.id))
    return scored[:limit]
