"""The whole pipeline in one call: profiles in, an explained assignment out.

Usage::

    result = match_profiles(left=students, right=mentors, weights=Weights(city=0))
    for pair in result.pairs:
        print(pair.left, pair.right, pair.score, [r.label() for r in pair.reasons])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alma.matching.affinity import AffinityModel, build_affinity_model
from alma.matching.candidates import DEFAULT_K, generate_candidates
from alma.matching.graph import CandidateGraph, Id, Matching
from alma.matching.profiles import Constraints, Profile, Weights
from alma.matching.reasons import Reason
from alma.matching.solvers import solve
from alma.matching.text import TextEncoder


@dataclass(frozen=True, slots=True)
class ExplainedPair:
    left: Id
    right: Id
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """An assignment with reasons, the graph it came from and where the time went."""

    solver: str
    pairs: tuple[ExplainedPair, ...]
    total: float
    matching: Matching
    graph: CandidateGraph
    model: AffinityModel
    seconds_candidates: float
    seconds_solve: float

    @property
    def matched(self) -> int:
        return len(self.pairs)

    def unmatched_left(self) -> list[Id]:
        """Left ids that got fewer partners than their capacity, in id order."""
        taken: dict[Id, int] = {}
        for pair in self.pairs:
            taken[pair.left] = taken.get(pair.left, 0) + 1
        return [p.id for p in self.model.left if taken.get(p.id, 0) < p.capacity]


def match_profiles(
    *,
    left: Sequence[Profile],
    right: Sequence[Profile],
    weights: Weights | None = None,
    constraints: Constraints | None = None,
    solver: str = "optimal",
    k: int = DEFAULT_K,
    text_encoder: TextEncoder | None = None,
    reasons: int = 3,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MatchResult:
    """Score, shortlist the top k per left item, solve, and explain every assigned pair.

    `progress(done, total)` follows candidate generation, the long part of a large run.
    """
    started = time.perf_counter()
    model = build_affinity_model(
        left=left, right=right, weights=weights, constraints=constraints, text_encoder=text_encoder
    )
    graph = generate_candidates(model, k=k, workers=workers, progress=progress)
    solving = time.perf_counter()
    matching = solve(graph, solver=solver)
    done = time.perf_counter()
    pairs = tuple(
        ExplainedPair(
            left=p.left,
            right=p.right,
            score=p.score,
            reasons=model.explain(p.left, p.right, top=reasons).reasons,
        )
        for p in matching.pairs
    )
    return MatchResult(
        solver=solver,
        pairs=pairs,
        total=matching.total,
        matching=matching,
        graph=graph,
        model=model,
        seconds_candidates=solving - started,
        seconds_solve=done - solving,
    )
