"""Three ways to turn a candidate graph into an assignment that respects every capacity.

- `optimal`: the assignment with the largest total score (OR-Tools min-cost flow).
- `stable`: left-proposing deferred acceptance; no pair would both rather be together.
- `greedy`: best remaining pair first; what most platforms do, kept as the baseline.

Shared rules, so that the three are comparable:

- Only candidate pairs are ever assigned, each at most once, and only pairs with a score
  above zero: a pair scoring zero or less adds nothing and would only take a place.
- Items may stay unmatched: the objective is affinity, not the number of pairs.
- Ties are broken by the graph's canonical order (ids ascending), so the same input always
  gives the same output, whatever order it came in. Stable and greedy prefer the lower id
  outright; optimal, among assignments equal in total and size, returns the one its flow
  reaches first on the canonical arc order.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Literal, get_args

import numpy as np

from alma.matching.graph import CandidateGraph, IntArray, Matching, MatchingInputError

SolverName = Literal["optimal", "stable", "greedy"]
SOLVER_NAMES: tuple[str, ...] = get_args(SolverName)

# Scores become integers for the flow solver: multiples of 2**-22 (about 2.4e-7), the grid
# the affinity model's scores lie on, so the engine's scores convert exactly. The scale only
# shrinks when scores are so large that costs would overflow int64.
DEFAULT_SCALE = 1 << 22
_INT64_HEADROOM = 2**62


def _usable_pairs(graph: CandidateGraph) -> IntArray:
    """Positions of pairs a solver may assign: positive score, both ends with capacity."""
    ok = (
        (graph.pair_score > 0)
        & (graph.left_capacity[graph.pair_left] > 0)
        & (graph.right_capacity[graph.pair_right] > 0)
    )
    return np.flatnonzero(ok)


def solve_optimal(graph: CandidateGraph, *, scale: int = DEFAULT_SCALE) -> Matching:
    """Maximum total score over all capacity-respecting assignments of candidate pairs.

    Min-cost flow: source -> left item (capacity c_i) -> right item over each candidate pair
    (capacity 1) -> sink (capacity c_j), plus a zero-cost source -> sink arc that lets any
    item stay unmatched. A pair costs -(round(score * scale) * W + 1) with W larger than any
    possible number of pairs, so the flow maximises the rounded total score first and, among
    assignments with the same total, matches as many pairs as possible. The affinity
    model's scores are multiples of 1 / DEFAULT_SCALE, so for them the optimum is exact;
    other scores are rounded, and the total is then within matched / (2 * scale) of the
    optimum. Among assignments equal on both counts, the one returned is fixed by the
    canonical arc order: the same for the same graph, but not necessarily the lowest ids
    (an exact id-order tie-break would not fit int64 costs at scale).
    """
    from ortools.graph.python import min_cost_flow

    usable = _usable_pairs(graph)
    if usable.size == 0:
        return graph.matching("optimal", usable)
    n_left, n_right = len(graph.left_ids), len(graph.right_ids)
    pl, pr = graph.pair_left[usable], graph.pair_right[usable]
    scores = graph.pair_score[usable]
    lcap = np.minimum(graph.left_capacity, np.bincount(pl, minlength=n_left))
    rcap = np.minimum(graph.right_capacity, np.bincount(pr, minlength=n_right))
    supply = int(lcap.sum())
    max_pairs = min(supply, int(rcap.sum()), len(usable))
    weight = max_pairs + 1
    n_nodes = n_left + n_right + 2
    # OR-Tools refuses cost ranges whose product with the node count overflows int64.
    limit = _INT64_HEADROOM // (n_nodes + 1)
    top = float(scores.max())
    if (top * scale + 1) * weight + 1 > limit:
        scale = max(1, int((limit // weight - 2) / top))
        if (top * scale + 1) * weight + 1 > limit:
            raise MatchingInputError("scores are too large to optimise exactly; scale them down")
    costs = -(np.rint(scores * scale).astype(np.int64) * weight + 1)

    source, sink = 0, 1
    lefts = np.flatnonzero(lcap > 0)
    rights = np.flatnonzero(rcap > 0)
    tails = np.concatenate(
        [np.full(len(lefts), source), 2 + pl, 2 + n_left + rights, [source]]
    ).astype(np.int64)
    heads = np.concatenate([2 + lefts, 2 + n_left + pr, np.full(len(rights), sink), [sink]]).astype(
        np.int64
    )
    caps = np.concatenate([lcap[lefts], np.ones(len(pl), np.int64), rcap[rights], [supply]])
    unit_costs = np.concatenate(
        [np.zeros(len(lefts), np.int64), costs, np.zeros(len(rights) + 1, np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, caps.astype(np.int64), unit_costs.astype(np.int64)
    )
    flow.set_nodes_supplies(
        np.array([source, sink], dtype=np.int64), np.array([supply, -supply], dtype=np.int64)
    )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    pair_arcs = arcs[len(lefts) : len(lefts) + len(pl)]
    chosen = usable[flow.flows(pair_arcs) > 0]
    return graph.matching("optimal", chosen)


def solve_stable(graph: CandidateGraph) -> Matching:
    """Left-proposing deferred acceptance (Gale-Shapley) with capacities on both sides.

    Each side ranks its candidates by score, ties by the other side's id order. A left item
    proposes down its list while it has free capacity; a right item keeps its best c_j
    proposals and releases the worst. The result is pairwise stable: there is no unassigned
    candidate pair whose two items both have room for, or would rather have, each other; and
    it is the best such assignment for every left item.

    Both sides rank by the same pair score here, so the stable assignment is unique and
    equals the greedy one; it is kept as its own algorithm because it states the guarantee
    programs ask for ("nobody is passed over for someone the mentor likes less") and it
    remains right if the two sides ever rank by different scores.
    """
    usable = _usable_pairs(graph)
    pl, pr, ps = graph.pair_left[usable], graph.pair_right[usable], graph.pair_score[usable]
    order = np.lexsort((pr, -ps, pl))  # each left's list: best score first, then right id
    n_left = len(graph.left_ids)
    starts = np.searchsorted(pl[order], np.arange(n_left + 1)).tolist()
    pref_right = pr[order].tolist()
    pref_score = ps[order].tolist()
    lcap = graph.left_capacity.tolist()
    rcap = graph.right_capacity.tolist()
    held = [0] * n_left
    pointer = starts[:-1]
    ends = starts[1:]
    # A right item's heap holds its current partners, worst on top: lowest score, then the
    # highest left index (rights prefer lower ids on equal scores).
    heaps: list[list[tuple[float, int, int, int]]] = [[] for _ in graph.right_ids]
    queue = deque(i for i in range(n_left) if pointer[i] < ends[i])
    while queue:
        i = queue.popleft()
        while held[i] < lcap[i] and pointer[i] < ends[i]:
            q = pointer[i]
            pointer[i] = q + 1
            j = pref_right[q]
            heap = heaps[j]
            entry = (pref_score[q], -i, i, q)
            if len(heap) < rcap[j]:
                heapq.heappush(heap, entry)
                held[i] += 1
            elif entry > heap[0]:
                released = heapq.heapreplace(heap, entry)[2]
                held[i] += 1
                held[released] -= 1
                queue.append(released)
    positions = [entry[3] for heap in heaps for entry in heap]
    chosen = usable[order[np.asarray(positions, dtype=np.int64)]]
    return graph.matching("stable", chosen)


def solve_greedy(graph: CandidateGraph) -> Matching:
    """Take pairs by descending score (ties: left id, then right id) while both have room."""
    usable = _usable_pairs(graph)
    pl, pr, ps = graph.pair_left[usable], graph.pair_right[usable], graph.pair_score[usable]
    order = np.lexsort((pr, pl, -ps))
    lcap = graph.left_capacity.tolist()
    rcap = graph.right_capacity.tolist()
    chosen: list[int] = []
    for p, i, j in zip(order.tolist(), pl[order].tolist(), pr[order].tolist(), strict=True):
        if lcap[i] and rcap[j]:
            lcap[i] -= 1
            rcap[j] -= 1
            chosen.append(p)
    return graph.matching("greedy", usable[np.asarray(chosen, dtype=np.int64)])


SOLVERS: dict[str, Callable[[CandidateGraph], Matching]] = {
    "optimal": solve_optimal,
    "stable": solve_stable,
    "greedy": solve_greedy,
}


def solve(graph: CandidateGraph, *, solver: str = "optimal") -> Matching:
    """Run the named solver (`optimal`, `stable` or `greedy`) on a candidate graph."""
    try:
        run = SOLVERS[solver]
    except KeyError:
        raise MatchingInputError(
            f"unknown solver {solver!r}; choose one of {', '.join(SOLVER_NAMES)}"
        ) from None
    return run(graph)
