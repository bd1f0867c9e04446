"""Solvers against brute force on small random graphs, and the rules all three share."""

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alma.matching.graph import CandidateGraph, MatchingInputError, Node, ScoredPair
from alma.matching.solvers import SOLVER_NAMES, solve, solve_greedy, solve_optimal, solve_stable

# Scores on a quarter grid keep totals exact, so "equal to the brute-force maximum" is exact.
scores = st.integers(min_value=-2, max_value=12).map(lambda q: q / 4)


@st.composite
def graphs(draw, max_left=4, max_right=3):
    n_left = draw(st.integers(1, max_left))
    n_right = draw(st.integers(1, max_right))
    # Mixed id types and a shuffled order exercise the canonical ordering.
    left_ids = draw(st.permutations([f"s{i}" for i in range(n_left)]))
    right_ids = draw(st.permutations([*range(n_right - 1), "m"]))
    left = [Node(i, draw(st.integers(0, 2))) for i in left_ids]
    right = [Node(j, draw(st.integers(0, 3))) for j in right_ids]
    cells = list(itertools.product(left_ids, right_ids))
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=9))
    pairs = [ScoredPair(a, b, draw(scores)) for a, b in chosen]
    return left, right, pairs


def build(left, right, pairs):
    return CandidateGraph.from_pairs(left=left, right=right, pairs=pairs)


def feasible(pairs, left, right):
    """Usable pairs only, each item within its capacity."""
    lcap = {n.id: n.capacity for n in left}
    rcap = {n.id: n.capacity for n in right}
    used_l: dict = {}
    used_r: dict = {}
    for p in pairs:
        if p.score <= 0:
            return False
        used_l[p.left] = used_l.get(p.left, 0) + 1
        used_r[p.right] = used_r.get(p.right, 0) + 1
    return all(v <= lcap[k] for k, v in used_l.items()) and all(
        v <= rcap[k] for k, v in used_r.items()
    )


def brute_force_best(left, right, pairs):
    """(best total, most pairs at that total) over every feasible subset of pairs."""
    best = (0.0, 0)
    for size in range(1, len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            if feasible(subset, left, right):
                best = max(best, (sum(p.score for p in subset), len(subset)))
    return best


def check_assignment(matching, left, right, pairs):
    listed = {(p.left, p.right): p.score for p in pairs}
    assigned = [(p.left, p.right) for p in matching.pairs]
    assert len(assigned) == len(set(assigned)), "a pair assigned twice"
    for p in matching.pairs:
        assert listed.get((p.left, p.right)) == p.score, "only candidate pairs, with their scores"
    assert feasible(matching.pairs, left, right)
    assert matching.total == pytest.approx(sum(p.score for p in matching.pairs))


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_optimal_equals_the_brute_force_maximum(instance):
    left, right, pairs = instance
    matching = solve_optimal(build(left, right, pairs))
    check_assignment(matching, left, right, pairs)
    best_total, most_pairs = brute_force_best(left, right, pairs)
    assert matching.total == best_total
    # Among assignments with the best total, the optimal one matches the most pairs.
    assert matching.matched == most_pairs


def prefers(score_a, id_a, score_b, id_b, key):
    """True when (score_a, id_a) ranks above (score_b, id_b): higher score, then lower id."""
    return (-score_a, key(id_a)) < (-score_b, key(id_b))


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_stable_has_no_blocking_pair(instance):
    left, right, pairs = instance
    graph = build(left, right, pairs)
    matching = solve_stable(graph)
    check_assignment(matching, left, right, pairs)
    lpos = {v: i for i, v in enumerate(graph.left_ids)}
    rpos = {v: i for i, v in enumerate(graph.right_ids)}
    lcap = {n.id: n.capacity for n in left}
    rcap = {n.id: n.capacity for n in right}
    partners_l: dict = {}
    partners_r: dict = {}
    for p in matching.pairs:
        partners_l.setdefault(p.left, []).append((p.score, p.right))
        partners_r.setdefault(p.right, []).append((p.score, p.left))
    assigned = {(p.left, p.right) for p in matching.pairs}

    def wants(partners, capacity, score, other, key):
        if len(partners) < capacity:
            return True
        if not partners:  # no capacity at all
            return False
        worst = min(partners, key=lambda item: (item[0], -key(item[1])))
        return prefers(score, other, worst[0], worst[1], key)

    for p in pairs:
        if p.score <= 0 or (p.left, p.right) in assigned:
            continue
        left_wants = wants(partners_l.get(p.left, []), lcap[p.left], p.score, p.right, rpos.get)
        right_wants = wants(partners_r.get(p.right, []), rcap[p.right], p.score, p.left, lpos.get)
        assert not (left_wants and right_wants), f"blocking pair {p}"


@settings(max_examples=50, deadline=None)
@given(graphs(), st.randoms(use_true_random=False))
def test_every_solver_is_feasible_deterministic_and_order_blind(instance, rnd):
    left, right, pairs = instance
    first = {name: solve(build(left, right, pairs), solver=name) for name in SOLVER_NAMES}
    shuffled = [list(x) for x in (left, right, pairs)]
    for items in shuffled:
        rnd.shuffle(items)
    for name in SOLVER_NAMES:
        check_assignment(first[name], left, right, pairs)
        assert solve(build(left, right, pairs), solver=name) == first[name]
        assert solve(build(*shuffled), solver=name) == first[name]
    assert first["optimal"].total >= first["greedy"].total
    assert first["optimal"].total >= first["stable"].total
    # With one score per pair both sides rank alike, so the stable assignment is unique and
    # is the greedy one: a cross-check of two independent implementations.
    assert first["stable"].pairs == first["greedy"].pairs


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_greedy_takes_the_best_remaining_pair_first(instance):
    left, right, pairs = instance
    graph = build(left, right, pairs)
    lpos = {v: i for i, v in enumerate(graph.left_ids)}
    rpos = {v: i for i, v in enumerate(graph.right_ids)}
    lcap = {n.id: n.capacity for n in left}
    rcap = {n.id: n.capacity for n in right}
    expected = []
    for p in sorted(pairs, key=lambda p: (-p.score, lpos[p.left], rpos[p.right])):
        if p.score > 0 and lcap[p.left] and rcap[p.right]:
            lcap[p.left] -= 1
            rcap[p.right] -= 1
            expected.append((p.left, p.right))
    got = [(p.left, p.right) for p in solve_greedy(graph).pairs]
    assert sorted(got, key=lambda x: (lpos[x[0]], rpos[x[1]])) == sorted(
        expected, key=lambda x: (lpos[x[0]], rpos[x[1]])
    )


def test_optimal_strictly_beats_greedy_and_stable_where_the_best_pair_blocks_two_good_ones():
    # Greedy (and stable: both sides love the 0.9 pair) take a-x for 0.9; the optimum
    # gives a to y and b to x for 0.8 + 0.8.
    left = [Node("a"), Node("b")]
    right = [Node("x"), Node("y")]
    pairs = [ScoredPair("a", "x", 0.9), ScoredPair("a", "y", 0.8), ScoredPair("b", "x", 0.8)]
    graph = build(left, right, pairs)
    optimal, greedy, stable = solve_optimal(graph), solve_greedy(graph), solve_stable(graph)
    assert optimal.total == pytest.approx(1.6)
    assert greedy.total == pytest.approx(0.9)
    assert stable.total == pytest.approx(0.9)
    assert [(p.left, p.right) for p in optimal.pairs] == [("a", "y"), ("b", "x")]


def test_ties_are_broken_by_id_order_whatever_the_input_order():
    # Two students equally good for one place: stable and greedy give it to the lower id;
    # optimal picks one of its equally good answers, always the same one.
    answers = {name: set() for name in SOLVER_NAMES}
    for order in ([Node("s2"), Node("s1")], [Node("s1"), Node("s2")]):
        for pairs in (
            [ScoredPair("s2", "m", 0.5), ScoredPair("s1", "m", 0.5)],
            [ScoredPair("s1", "m", 0.5), ScoredPair("s2", "m", 0.5)],
        ):
            graph = build(order, [Node("m")], pairs)
            for name in SOLVER_NAMES:
                answers[name].add(tuple((p.left, p.right) for p in solve(graph, solver=name).pairs))
    assert answers["stable"] == answers["greedy"] == {(("s1", "m"),)}
    assert len(answers["optimal"]) == 1
    # Integer ids sort numerically, before strings.
    graph = build(
        [Node(10), Node(9), Node("1")],
        [Node("m")],
        [ScoredPair(10, "m", 1.0), ScoredPair(9, "m", 1.0), ScoredPair("1", "m", 1.0)],
    )
    assert graph.left_ids == (9, 10, "1")
    assert solve_greedy(graph).pairs[0].left == 9


def test_pairs_without_a_positive_score_or_capacity_are_never_assigned():
    left = [Node("a"), Node("b"), Node("c", capacity=0)]
    right = [Node("x", capacity=5)]
    pairs = [ScoredPair("a", "x", 0.0), ScoredPair("b", "x", -1.0), ScoredPair("c", "x", 3.0)]
    for name in SOLVER_NAMES:
        matching = solve(build(left, right, pairs), solver=name)
        assert matching.pairs == () and matching.total == 0


def test_capacities_above_one_on_both_sides():
    left = [Node("a", capacity=2), Node("b")]
    right = [Node("x", capacity=2), Node("y")]
    pairs = [
        ScoredPair("a", "x", 1.0),
        ScoredPair("a", "y", 1.0),
        ScoredPair("b", "x", 1.0),
        ScoredPair("b", "y", 0.25),
    ]
    for name in SOLVER_NAMES:
        matching = solve(build(left, right, pairs), solver=name)
        assert matching.total == 3.0
        assert {(p.left, p.right) for p in matching.pairs} == {("a", "x"), ("a", "y"), ("b", "x")}


def test_large_scores_still_solve_exactly():
    left = [Node(i) for i in range(3)]
    right = [Node("x"), Node("y")]
    pairs = [ScoredPair(i, r, 1e9 + i) for i in range(3) for r in ("x", "y")]
    matching = solve_optimal(build(left, right, pairs))
    assert matching.total == pytest.approx(2e9 + 3)


def test_random_medium_graph_optimal_dominates():
    rnd = random.Random(5)
    left = [Node(i, 1) for i in range(60)]
    right = [Node(f"m{j}", rnd.randint(1, 3)) for j in range(15)]
    pairs = [
        ScoredPair(i, f"m{j}", round(rnd.random(), 3))
        for i in range(60)
        for j in rnd.sample(range(15), 5)
    ]
    graph = build(left, right, pairs)
    optimal, greedy, stable = (solve(graph, solver=s) for s in ("optimal", "greedy", "stable"))
    assert optimal.total > greedy.total
    assert optimal.total >= stable.total


@pytest.mark.parametrize(
    ("left", "right", "pairs", "message"),
    [
        ([Node("a"), Node("a")], [Node("x")], [], "duplicate left id 'a'"),
        ([Node("a")], [Node("x"), Node("x")], [], "duplicate right id 'x'"),
        ([Node("a", -1)], [Node("x")], [], "negative capacity"),
        ([Node("a")], [Node("x")], [ScoredPair("b", "x", 1)], "unknown left id 'b'"),
        ([Node("a")], [Node("x")], [ScoredPair("a", "z", 1)], "unknown right id 'z'"),
        ([Node("a")], [Node("x")], [ScoredPair("a", "x", float("nan"))], "non-finite score"),
        (
            [Node("a")],
            [Node("x")],
            [ScoredPair("a", "x", 1), ScoredPair("a", "x", 2)],
            "listed twice",
        ),
        ([Node(True)], [Node("x")], [], "integers or strings"),
        ([Node("a")], [Node("x")], [ScoredPair("a", "x", "0.5")], "not a number"),
    ],
)
def test_malformed_graphs_are_refused_with_a_clear_message(left, right, pairs, message):
    with pytest.raises(MatchingInputError, match=message):
        build(left, right, pairs)


def test_unknown_solver_is_refused():
    graph = build([Node("a")], [Node("x")], [])
    with pytest.raises(MatchingInputError, match="unknown solver 'best'"):
        solve(graph, solver="best")
