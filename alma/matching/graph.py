"""The candidate graph every solver works on: two sides with capacities and scored pairs.

A graph is canonical: both sides are sorted by id (integers before strings, each in natural
order) and pairs by (left, right). Solvers break ties by that order, so a graph built from
the same nodes and pairs in any order gives the same assignment.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from alma.lib.errors import ApplicationError

Id = int | str
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class MatchingInputError(ApplicationError):
    """The input to the engine is malformed (duplicate ids, unknown ids, bad capacities...)."""


def id_key(value: Id) -> tuple[int, int | str]:
    """Sort key giving one total order over mixed int and str ids: ints first, then strs."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MatchingInputError(f"ids must be integers or strings, not {value!r}")
    return (0, value) if isinstance(value, int) else (1, value)


@dataclass(frozen=True, slots=True)
class Node:
    """One item on either side: its id and how many partners it can take."""

    id: Id
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A candidate (or assigned) pair and its affinity score."""

    left: Id
    right: Id
    score: float


@dataclass(frozen=True, slots=True)
class Matching:
    """A solver's answer: assigned pairs in canonical order and their total score."""

    solver: str
    pairs: tuple[ScoredPair, ...]
    total: float

    @property
    def matched(self) -> int:
        return len(self.pairs)

    def as_dict(self) -> dict[str, object]:
        """The `match-file` output shape: {"assignment": [...], "total": ...}."""
        return {
            "assignment": [
                {"left": p.left, "right": p.right, "score": p.score} for p in self.pairs
            ],
            "total": self.total,
        }


def id_order(ids: Sequence[Id]) -> list[int]:
    """Positions of `ids` in canonical order (the order `id_key` defines)."""
    kinds = {type(i) for i in ids}
    if kinds == {int} or kinds == {str}:  # the usual case, without building keys
        return sorted(range(len(ids)), key=ids.__getitem__)
    keys = [id_key(i) for i in ids]
    return sorted(range(len(ids)), key=keys.__getitem__)


def _canonical_order(ids: Sequence[Id], side: str) -> tuple[tuple[Id, ...], IntArray]:
    """Sorted ids, and for each input position its index in the sorted order."""
    order = id_order(ids)
    keys = ids if len({type(i) for i in ids}) <= 1 else [id_key(i) for i in ids]
    for a, b in zip(order, order[1:], strict=False):
        if keys[a] == keys[b]:
            raise MatchingInputError(f"duplicate {side} id {ids[a]!r}")
    new_index = np.empty(len(ids), dtype=np.int64)
    new_index[np.asarray(order, dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    return tuple(ids[i] for i in order), new_index


def _check_capacities(capacity: IntArray, ids: Sequence[Id], side: str) -> None:
    negative = np.flatnonzero(capacity < 0)
    if negative.size:
        i = int(negative[0])
        raise MatchingInputError(f"{side} {ids[i]!r} has a negative capacity ({int(capacity[i])})")


class CandidateGraph:
    """Two sides with capacities and a list of scored candidate pairs, in canonical order.

    Arrays are index-based for speed: `pair_left[p]` indexes `left_ids`, and so on. Build one
    with `from_pairs` (plain Python objects) or `from_arrays` (numpy, as candidate generation
    does). Both validate: unique ids, non-negative capacities, known ids, finite scores and no
    pair listed twice.
    """

    __slots__ = (
        "left_ids",
        "right_ids",
        "left_capacity",
        "right_capacity",
        "pair_left",
        "pair_right",
        "pair_score",
    )

    def __init__(
        self,
        *,
        left_ids: tuple[Id, ...],
        right_ids: tuple[Id, ...],
        left_capacity: IntArray,
        right_capacity: IntArray,
        pair_left: IntArray,
        pair_right: IntArray,
        pair_score: FloatArray,
    ) -> None:
        # Use the constructors; this one trusts that its arguments are canonical and valid.
        self.left_ids = left_ids
        self.right_ids = right_ids
        self.left_capacity = left_capacity
        self.right_capacity = right_capacity
        self.pair_left = pair_left
        self.pair_right = pair_right
        self.pair_score = pair_score

    @classmethod
    def from_pairs(
        cls,
        *,
        left: Iterable[Node],
        right: Iterable[Node],
        pairs: Iterable[ScoredPair],
    ) -> CandidateGraph:
        """Build a graph from nodes and pairs given by id, in any order."""
        left_nodes, right_nodes = list(left), list(right)
        left_ids = [n.id for n in left_nodes]
        right_ids = [n.id for n in right_nodes]
        left_pos = _position_map(left_ids, "left")
        right_pos = _position_map(right_ids, "right")
        pair_list = list(pairs)
        pl = np.empty(len(pair_list), dtype=np.int64)
        pr = np.empty(len(pair_list), dtype=np.int64)
        ps = np.empty(len(pair_list), dtype=np.float64)
        for p, pair in enumerate(pair_list):
            id_key(pair.left)  # refuses bools, which would otherwise find the id 1 or 0
            id_key(pair.right)
            try:
                pl[p] = left_pos[pair.left]
            except (KeyError, TypeError):
                raise MatchingInputError(f"pair {p} names unknown left id {pair.left!r}") from None
            try:
                pr[p] = right_pos[pair.right]
            except (KeyError, TypeError):
                raise MatchingInputError(
                    f"pair {p} names unknown right id {pair.right!r}"
                ) from None
            if isinstance(pair.score, bool) or not isinstance(pair.score, numbers.Real):
                raise MatchingInputError(f"pair {p} has a score that is not a number")
            ps[p] = pair.score
        return cls.from_arrays(
            left_ids=left_ids,
            right_ids=right_ids,
            left_capacity=np.array([n.capacity for n in left_nodes], dtype=np.int64),
            right_capacity=np.array([n.capacity for n in right_nodes], dtype=np.int64),
            pair_left=pl,
            pair_right=pr,
            pair_score=ps,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        left_ids: Sequence[Id],
        right_ids: Sequence[Id],
        left_capacity: npt.ArrayLike,
        right_capacity: npt.ArrayLike,
        pair_left: npt.ArrayLike,
        pair_right: npt.ArrayLike,
        pair_score: npt.ArrayLike,
    ) -> CandidateGraph:
        """Build a graph from index arrays (pair_left[p] indexes left_ids), canonicalising it."""
        lcap = np.asarray(left_capacity, dtype=np.int64).reshape(-1)
        rcap = np.asarray(right_capacity, dtype=np.int64).reshape(-1)
        pl = np.asarray(pair_left, dtype=np.int64).reshape(-1)
        pr = np.asarray(pair_right, dtype=np.int64).reshape(-1)
        ps = np.asarray(pair_score, dtype=np.float64).reshape(-1)
        if len(lcap) != len(left_ids) or len(rcap) != len(right_ids):
            raise MatchingInputError("each side needs exactly one capacity per id")
        if not len(pl) == len(pr) == len(ps):
            raise MatchingInputError("pair arrays differ in length")
        _check_capacities(lcap, left_ids, "left")
        _check_capacities(rcap, right_ids, "right")
        if len(pl) and (pl.min() < 0 or pl.max() >= len(left_ids)):
            raise MatchingInputError("a pair names a left index out of range")
        if len(pr) and (pr.min() < 0 or pr.max() >= len(right_ids)):
            raise MatchingInputError("a pair names a right index out of range")
        bad = np.flatnonzero(~np.isfinite(ps))
        if bad.size:
            p = int(bad[0])
            raise MatchingInputError(
                f"pair ({left_ids[pl[p]]!r}, {right_ids[pr[p]]!r}) has a non-finite score"
            )
        sorted_left, left_new = _canonical_order(left_ids, "left")
        sorted_right, right_new = _canonical_order(right_ids, "right")
        new_lcap = np.empty_like(lcap)
        new_lcap[left_new] = lcap
        new_rcap = np.empty_like(rcap)
        new_rcap[right_new] = rcap
        pl, pr = left_new[pl], right_new[pr]
        order = np.lexsort((pr, pl))
        pl, pr, ps = pl[order], pr[order], ps[order]
        dup = np.flatnonzero((pl[1:] == pl[:-1]) & (pr[1:] == pr[:-1]))
        if dup.size:
            p = int(dup[0])
            raise MatchingInputError(
                f"pair ({sorted_left[pl[p]]!r}, {sorted_right[pr[p]]!r}) is listed twice"
            )
        return cls(
            left_ids=sorted_left,
            right_ids=sorted_right,
            left_capacity=new_lcap,
            right_capacity=new_rcap,
            pair_left=pl,
            pair_right=pr,
            pair_score=ps,
        )

    @property
    def pair_count(self) -> int:
        return len(self.pair_score)

    def pairs(self) -> Iterator[ScoredPair]:
        """The candidate pairs by id, in canonical order."""
        for a, b, s in zip(
            self.pair_left.tolist(), self.pair_right.tolist(), self.pair_score.tolist(), strict=True
        ):
            yield ScoredPair(self.left_ids[a], self.right_ids[b], s)

    def matching(self, solver: str, chosen: IntArray) -> Matching:
        """The Matching made of the pairs at positions `chosen` (indices into the pair arrays)."""
        chosen = np.sort(np.asarray(chosen, dtype=np.int64))
        left, right = self.pair_left[chosen].tolist(), self.pair_right[chosen].tolist()
        scores = self.pair_score[chosen].tolist()
        pairs = tuple(
            ScoredPair(self.left_ids[a], self.right_ids[b], s)
            for a, b, s in zip(left, right, scores, strict=True)
        )
        return Matching(solver=solver, pairs=pairs, total=math.fsum(scores))


def _position_map(ids: Sequence[Id], side: str) -> dict[Id, int]:
    positions: dict[Id, int] = {}
    for i, value in enumerate(ids):
        id_key(value)
        # 1 == True and "1" != 1: ids of different types never collide, bools are refused above.
        if value in positions:
            raise MatchingInputError(f"duplicate {side} id {value!r}")
        positions[value] = i
    return positions
