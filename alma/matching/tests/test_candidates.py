"""Candidate generation returns the true top k, block by block, and the pipeline end to end."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alma.matching.affinity import build_affinity_model
from alma.matching.candidates import generate_candidates, top_k
from alma.matching.engine import match_profiles
from alma.matching.graph import MatchingInputError
from alma.matching.profiles import Profile, Weights
from alma.matching.tests.test_affinity import random_profiles


def dense_top_k(scores, k, min_score=0.0):
    """The reference: sort each row by (score descending, column)."""
    expected = []
    for i, row in enumerate(scores):
        cols = [j for j in range(len(row)) if np.isfinite(row[j]) and row[j] > min_score]
        cols.sort(key=lambda j: (-row[j], j))
        expected += [(i, j, float(row[j])) for j in cols[:k]]
    return expected


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 6), st.integers(1, 90)),
        # Few distinct values: many ties at the k-th place.
        elements=st.sampled_from([-np.inf, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0]),
    ),
    st.integers(1, 12),
)
def test_top_k_is_exact_with_ties_to_the_lower_column(scores, k):
    rows, cols, values = top_k(scores, k)
    got = list(zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True))
    assert got == dense_top_k(scores, k)


@pytest.mark.parametrize("text", [True, False])
@pytest.mark.parametrize("block_cells", [1, 37, 10_000])
def test_candidates_are_the_true_top_k_of_the_dense_matrix(text, block_cells):
    left, right, constraints = random_profiles(11, 40, 30, text=text)
    model = build_affinity_model(left=left, right=right, constraints=constraints)
    graph = generate_candidates(model, k=4, block_cells=block_cells, workers=2)
    scores = model.score_matrix()
    # Right items without capacity are never candidates.
    full = [j for j, p in enumerate(model.right) if p.capacity == 0]
    scores[:, full] = -np.inf
    expected = dense_top_k(scores, 4)
    got = list(
        zip(
            graph.pair_left.tolist(),
            graph.pair_right.tolist(),
            graph.pair_score.tolist(),
            strict=True,
        )
    )
    assert sorted(got) == sorted(expected)
    assert graph.left_ids == tuple(p.id for p in model.left)


def test_candidates_are_deterministic_and_respect_constraints():
    left, right, constraints = random_profiles(12, 50, 20)
    first = generate_candidates(
        build_affinity_model(left=left, right=right, constraints=constraints), k=5
    )
    second = generate_candidates(
        build_affinity_model(left=left[::-1], right=right[::-1], constraints=constraints),
        k=5,
        workers=1,
    )
    assert list(first.pairs()) == list(second.pairs())
    by_id = {p.id: p for p in [*left, *right]}
    for pair in first.pairs():
        a, b = by_id[pair.left], by_id[pair.right]
        assert (a.id, b.id) not in constraints.exclusions
        assert a.person != b.person
        assert set(a.required_languages) <= set(b.languages)
        assert b.capacity > 0 and pair.score > 0


def test_progress_is_reported_block_by_block():
    left, right, constraints = random_profiles(14, 30, 10)
    model = build_affinity_model(left=left, right=right, constraints=constraints)
    seen = []
    generate_candidates(
        model, k=3, block_cells=70, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(7, 30), (14, 30), (21, 30), (28, 30), (30, 30)]


def test_k_must_be_positive():
    model = build_affinity_model(left=[Profile(id="a")], right=[Profile(id="b")])
    with pytest.raises(MatchingInputError, match="k must be at least 1"):
        generate_candidates(model, k=0)


def test_match_profiles_explains_every_assigned_pair():
    left, right, constraints = random_profiles(13, 30, 10)
    result = match_profiles(left=left, right=right, constraints=constraints, solver="optimal", k=5)
    assert result.matched > 0
    assert result.total == pytest.approx(sum(p.score for p in result.pairs))
    for pair in result.pairs:
        assert pair.reasons, "every match says why"
        assert all(r.contribution > 0 for r in pair.reasons)
    matched = {p.left for p in result.pairs}
    assert set(result.unmatched_left()) == {p.id for p in left} - matched
    greedy = match_profiles(left=left, right=right, constraints=constraints, solver="greedy", k=5)
    assert result.total >= greedy.total


def test_optimal_beats_greedy_on_profiles():
    # Both students want to be lawyers in Beijing; only Ann also fits the finance mentor.
    left = [
        Profile(id="ann", major="Law", city="Beijing", target_industries=("Banking",)),
        Profile(id="bob", major="Law", city="Beijing"),
    ]
    right = [
        Profile(id="lawyer", major="Law", city="Beijing", industry="Law Firms"),
        Profile(id="banker", major="Finance", city="Shanghai", industry="Banking"),
    ]
    weights = Weights(major=1, city=1, target_industry=1.5, text=0)
    optimal = match_profiles(left=left, right=right, weights=weights, solver="optimal")
    greedy = match_profiles(left=left, right=right, weights=weights, solver="greedy")
    assert {(p.left, p.right) for p in optimal.pairs} == {("ann", "banker"), ("bob", "lawyer")}
    assert optimal.total > greedy.total
