"""Candidate generation: each left item's k best right items, without the dense matrix.

Left items are scored in blocks of rows against all right items (a few million cells at a
time), each block keeps only its rows' top k, and blocks run on a thread pool (numpy
releases the GIL in its loops). Memory is O(block + n_left * k) however large the sides.

The top k is exact for the model's scores, and ties at the k-th place go to the lower
right id, so the candidate set is a function of the input alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from alma.matching.affinity import SCORE_QUANTUM, SCORE_UNITS, AffinityModel, Block
from alma.matching.graph import CandidateGraph, MatchingInputError

DEFAULT_K = 20
# Cells per block: 2M float32 scores (8 MB). Large enough that Python's overhead per block
# is negligible, small enough that a block and its temporaries per thread stay in tens of MB.
DEFAULT_BLOCK_CELLS = 2_000_000

_Rows = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def top_k(
    scores: Block, k: int, *, min_score: float = 0.0
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Per row, the k highest finite scores above `min_score`: (rows, columns, values).

    Sorted by row, then score descending, then column; among equal scores the lower column
    wins the last places. Rows with fewer allowed scores give fewer entries.

    Every 8th column of a row gives a threshold: the sample's k-th largest value is at most
    the row's k-th largest, so every score at or above it is a candidate. Only those few
    (about 8k a row) are cut to the exact k-th value and sorted; partitioning the sample
    is 8 times cheaper than partitioning the row.
    """
    n_rows, n_cols = scores.shape
    if k <= 0 or n_cols == 0 or n_rows == 0:
        empty = np.empty(0, np.int64)
        return empty, empty.copy(), np.empty(0, np.float32)
    # Scores must beat min_score: the threshold never drops below the next float above it,
    # so rows that are mostly forbidden (-inf) do not flood the candidates.
    floor = np.nextafter(np.float32(min_score), np.float32(np.inf))
    if k >= n_cols:
        mask = scores >= floor
    else:
        stride = max(1, min(8, n_cols // (4 * k)))
        sample = scores[:, ::stride]
        m = sample.shape[1]
        threshold = np.maximum(np.partition(sample, m - k, axis=1)[:, m - k], floor)
        mask = scores >= threshold[:, None]
    flat = np.flatnonzero(mask)  # much faster than a 2-D nonzero
    rows, cols = np.divmod(flat, n_cols)
    values = scores.reshape(-1)[flat]
    keep = np.isfinite(values) & (values > min_score)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    counts = np.bincount(rows, minlength=n_rows)
    if len(counts) and counts.max() > k:
        # Cut each row's candidates to those at or above its exact k-th largest value (a
        # linear partition of a small padded table) so that only about k a row are sorted.
        position = np.arange(len(rows)) - (np.cumsum(counts) - counts)[rows]
        table = np.full((n_rows, int(counts.max())), np.inf, dtype=np.float32)
        table[rows, position] = -values
        kth = -np.partition(table, k - 1, axis=1)[:, k - 1]
        keep = values >= kth[rows]
        rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < k
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64), values[keep]


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's affinity, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


@contextmanager
def _single_threaded_blas(active: bool) -> Iterator[None]:
    """Keep BLAS to one thread while blocks already run in parallel (no oversubscription)."""
    if not active:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def generate_candidates(
    model: AffinityModel,
    *,
    k: int = DEFAULT_K,
    block_cells: int = DEFAULT_BLOCK_CELLS,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CandidateGraph:
    """The candidate graph of every left item's top-k right items (allowed, score > min).

    Right items without capacity are skipped. `workers` (threads scoring blocks at once)
    defaults to the CPUs this process may use. `progress(done, total)` is called with the
    number of left items scored so far, for long runs to report.
    """
    if k < 1:
        raise MatchingInputError("k must be at least 1")
    n_left, n_right = model.n_left, model.n_right
    min_score = model.constraints.min_score
    right_full = np.flatnonzero(np.array([p.capacity for p in model.right], dtype=np.int64) == 0)
    left_capacity = np.array([p.capacity for p in model.left], dtype=np.int64)
    rows_per_block = max(1, block_cells // max(1, n_right))
    starts = list(range(0, n_left, rows_per_block))

    def run(start: int) -> _Rows:
        stop = min(start + rows_per_block, n_left)
        scores = model.score_units(start, stop)  # whole units: one pass fewer than scores
        scores[:, right_full] = -np.inf
        scores[left_capacity[start:stop] == 0] = -np.inf
        rows, cols, units = top_k(scores, k, min_score=min_score * SCORE_UNITS)
        return rows + start, cols, units.astype(np.float64) * SCORE_QUANTUM

    workers = max(1, workers or _usable_cpus())
    parts: list[_Rows] = []
    if n_right and starts:
        with _single_threaded_blas(workers > 1), ThreadPoolExecutor(workers) as pool:
            for part in pool.map(run, starts):  # in block order, whatever finishes first
                parts.append(part)
                if progress is not None:
                    progress(min(n_left, len(parts) * rows_per_block), n_left)
    empty_i = np.empty(0, np.int64)
    pair_left = np.concatenate([p[0] for p in parts]) if parts else empty_i
    pair_right = np.concatenate([p[1] for p in parts]) if parts else empty_i
    pair_score = np.concatenate([p[2] for p in parts]) if parts else np.empty(0)
    return CandidateGraph.from_arrays(
        left_ids=[p.id for p in model.left],
        right_ids=[p.id for p in model.right],
        left_capacity=left_capacity,
        right_capacity=np.array([p.capacity for p in model.right], dtype=np.int64),
        pair_left=pair_left,
        pair_right=pair_right,
        pair_score=pair_score,
    )
