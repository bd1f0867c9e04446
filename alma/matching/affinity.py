"""Affinity between the two sides: weighted structured similarity plus text similarity.

`build_affinity_model` encodes every profile once; the model then scores any block of left
items against all right items, so candidate generation never holds the whole left x right
matrix, and explains any single pair with reasons.

A pair's score is the weighted mean of these similarities, each in [0, 1]:

- major, school, city, same industry: 1 when equal (case- and space-insensitive);
- target industry: 1 when the right item works in an industry the left item targets;
- topics, languages: shared values / sqrt(|left's| * |right's|) (cosine of the two sets);
- graduation year: 1 - years apart / (window + 1), and 0 beyond the window;
- text: cosine of the two texts' vectors, 0 when negative.

How a block is computed: every structured similarity above is a dot product of two
feature vectors (one-hot categories, normalised sets, and for years a run of window + 1
ones, whose overlap is exactly the triangular kernel). Features with a small vocabulary go
into one dense matrix product (BLAS); large ones (a thousand cities) into one sparse product,
whose result is sparse because few pairs share such a value. Text is a second dense product.
All arithmetic is fixed point (see SCORE_UNITS): every score is an exact multiple of 2**-22,
whatever the block size, thread count or BLAS, so equal pairs tie exactly, the optimal
solver's integer costs are exact and `explain` reproduces a score bit for bit. Weights are
rounded to 2**-12 on the way (a weight share below 1/8192 counts as zero). Pairs broken by
a hard constraint score -inf.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from alma.matching.graph import Id, MatchingInputError, id_key, id_order
from alma.matching.profiles import FEATURES, Constraints, Profile, Weights
from alma.matching.reasons import Reason
from alma.matching.text import TextEncoder, TfidfTextEncoder

F32 = np.float32
Block = npt.NDArray[np.float32]
Bits = npt.NDArray[np.unsignedinteger]

# Fixed point: every factor of every matrix product is an integer, held in float32. Left
# factors (weights folded in) count 2**-12, right factors 2**-10, text vector components
# 2**-11, so products and scores count 2**-22. Scores stay below 2**24 units, where float32
# is exact: a sum does not depend on its order, so block sizes, threads and BLAS cannot
# change a score, equal pairs tie exactly and `explain` reproduces any score bit for bit.
LEFT_UNITS = 2**12
RIGHT_UNITS = 2**10
TEXT_UNITS = 2**11
SCORE_UNITS = LEFT_UNITS * RIGHT_UNITS
# Every score is a multiple of this (about 2.4e-7); the optimal solver scales by its inverse.
SCORE_QUANTUM = 1 / SCORE_UNITS
# Reasons smaller than this share of the best possible score are too slight to show.
MIN_REASON_SHARE = 0.01
# A feature with at most this many distinct values goes into the dense product; beyond it,
# a dense column per value costs more than the sparse product's few matches.
DENSE_VOCABULARY = 128


def normalise(value: str) -> str:
    """The form categories are compared in: case-folded, single spaces."""
    return " ".join(value.split()).casefold()


@dataclass(frozen=True, slots=True)
class _Sets:
    """Each item's set of codes, CSR-style: item r holds codes[indptr[r]:indptr[r + 1]]."""

    indptr: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]

    @property
    def sizes(self) -> npt.NDArray[np.int64]:
        return np.diff(self.indptr)

    def __bool__(self) -> bool:
        return bool(self.codes.size)

    def rows(self, which: npt.NDArray[np.int64]) -> _Sets:
        sizes = self.sizes[which]
        starts = self.indptr[which]
        offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return _Sets(
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            self.codes[np.repeat(starts, sizes) + offsets],
        )


class _Vocabulary:
    """Integer codes for the normalised values of one feature, shared by both sides."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def _codes(self, flat: list[str | None]) -> npt.NDArray[np.int64]:
        raw = dict.fromkeys(flat, -1)  # each distinct spelling is normalised once
        for v in raw:
            key = normalise(v) if v else ""
            if key:
                raw[v] = self.codes.setdefault(key, len(self.codes))
        return np.fromiter(map(raw.__getitem__, flat), dtype=np.int64, count=len(flat))

    def sets(self, values: Sequence[Sequence[str | None]]) -> _Sets:
        """Each item's distinct codes; blanks and None are dropped, spellings merged."""
        flat = list(itertools.chain.from_iterable(values))
        codes = self._codes(flat)
        owner = np.repeat(
            np.arange(len(values)), np.fromiter(map(len, values), np.int64, len(values))
        )
        keep = codes >= 0
        # Drop repeats within an item ("Law" and "law "), sorted by item then code.
        width = max(1, len(self.codes))
        keys = np.unique(owner[keep] * width + codes[keep])
        owner, codes = np.divmod(keys, width)
        indptr = np.searchsorted(owner, np.arange(len(values) + 1)).astype(np.int64)
        return _Sets(indptr, codes.astype(np.int64))

    def single(self, values: Iterable[str | None]) -> _Sets:
        """Each item's code as a set of at most one."""
        codes = self._codes(list(values))
        keep = codes >= 0
        indptr = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
        return _Sets(indptr, codes[keep])

    def __len__(self) -> int:
        return len(self.codes)


def _rows_matrix(sets: _Sets, values: npt.ArrayLike, width: int) -> sp.csr_matrix:
    """Sparse matrix with item r holding `values[r]` at each of its codes."""
    data = np.repeat(np.broadcast_to(np.asarray(values, dtype=F32), sets.sizes.shape), sets.sizes)
    return sp.csr_matrix((data, sets.codes, sets.indptr), shape=(len(sets.sizes), width), dtype=F32)


def _bitsets(sets: _Sets, size: int) -> Bits:
    """One row of 64-bit words per item: bit c set when the item has code c."""
    words = max(1, -(-size // 64))
    out = np.zeros((len(sets.sizes), words), dtype=np.uint64)
    owner = np.repeat(np.arange(len(sets.sizes)), sets.sizes)
    bits = np.left_shift(np.uint64(1), (sets.codes % 64).astype(np.uint64))
    np.bitwise_or.at(out, (owner, sets.codes // 64), bits)
    return out


def _fixed_point_unit_rows(vectors: npt.ArrayLike) -> Block:
    """Rows scaled to unit length (whatever the encoder gave), then to whole TEXT_UNITS."""
    rows = np.array(vectors, dtype=F32)  # a copy, scaled in place
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows, dtype=np.float64))
    scale = np.divide(TEXT_UNITS, norms, out=np.zeros_like(norms), where=norms > 0)
    rows *= scale.astype(F32)[:, None]
    return np.rint(rows, out=rows)


def _lacks(required: Bits, spoken_t: Bits) -> npt.NDArray[np.bool_]:
    """(rows, n_right) True where a row requires a bit that the column (transposed) lacks."""
    out = np.bitwise_and(required[:, 0, None], ~spoken_t[0][None, :]) != 0
    for w in range(1, required.shape[1]):
        out |= np.bitwise_and(required[:, w, None], ~spoken_t[w][None, :]) != 0
    return out


@dataclass(frozen=True, slots=True)
class Explanation:
    """A pair's score, its reasons (largest share first) and what blocks it, if anything."""

    left: Id
    right: Id
    score: float
    reasons: tuple[Reason, ...]
    blocked_by: str | None = None


class AffinityModel:
    """Encoded profiles of both sides; scores blocks of pairs and explains single pairs.

    Build one with `build_affinity_model`. Both sides are held in canonical id order, so
    row i of a block is `left[i]` and column j is `right[j]`.
    """

    def __init__(
        self,
        *,
        left: Sequence[Profile],
        right: Sequence[Profile],
        weights: Weights,
        constraints: Constraints,
        text_encoder: TextEncoder,
    ) -> None:
        self.left = tuple(left[i] for i in id_order([p.id for p in left]))
        self.right = tuple(right[i] for i in id_order([p.id for p in right]))
        self.left_index = _index(self.left, "left")
        self.right_index = _index(self.right, "right")
        self.weights = weights
        self.constraints = constraints
        self.text_encoder = text_encoder
        total = weights.total()
        self.share = {name: getattr(weights, name) / total for name in FEATURES}
        self._encode_linear()
        self._encode_text()
        self._encode_constraints()

    @property
    def n_left(self) -> int:
        return len(self.left)

    @property
    def n_right(self) -> int:
        return len(self.right)

    # -- encoding --------------------------------------------------------------------------

    def _encode_linear(self) -> None:
        """Each structured similarity as (left matrix with its weight folded in, right matrix)."""
        left, right, share = self.left, self.right, self.share
        features: list[tuple[sp.csr_matrix, sp.csr_matrix]] = []

        def categorical(name: str, attr: str, vocab: _Vocabulary | None = None) -> None:
            if not share[name]:
                return
            vocab = vocab or _Vocabulary()
            lsets = vocab.single(getattr(p, attr) for p in left)
            rsets = vocab.single(getattr(p, attr) for p in right)
            add(lsets, self._left_factor(name), rsets, RIGHT_UNITS, len(vocab))

        def cosine(name: str, attr: str) -> None:
            if not share[name]:
                return
            vocab = _Vocabulary()
            lsets = vocab.sets([getattr(p, attr) for p in left])
            rsets = vocab.sets([getattr(p, attr) for p in right])
            lvals = [self._left_factor(name, n) for n in lsets.sizes.tolist()]
            rvals = [self._right_factor(name, n) for n in rsets.sizes.tolist()]
            add(lsets, lvals, rsets, rvals, len(vocab))

        def add(
            lsets: _Sets,
            lvals: npt.ArrayLike,
            rsets: _Sets,
            rvals: npt.ArrayLike,
            width: int,
        ) -> None:
            if lsets and rsets:
                features.append(
                    (_rows_matrix(lsets, lvals, width), _rows_matrix(rsets, rvals, width))
                )

        categorical("major", "major")
        categorical("school", "school")
        categorical("city", "city")
        industries = _Vocabulary()
        categorical("same_industry", "industry", industries)
        if share["target_industry"]:
            lsets = industries.sets([p.target_industries for p in left])
            rsets = industries.single(p.industry for p in right)
            add(lsets, self._left_factor("target_industry"), rsets, RIGHT_UNITS, len(industries))
        cosine("topics", "topics")
        cosine("language", "languages")
        years = [p.graduation_year for p in (*left, *right) if p.graduation_year is not None]
        if share["graduation_year"] and years:
            # Window + 1 consecutive ones from each year: two runs overlap in exactly
            # window + 1 - |years apart| places, the triangular kernel once divided.
            run = self.weights.graduation_year_window + 1
            first = min(years)
            width = max(years) - first + run

            def runs(profiles: Sequence[Profile]) -> _Sets:
                year = np.array(
                    [
                        first - 1 if p.graduation_year is None else p.graduation_year
                        for p in profiles
                    ],
                    dtype=np.int64,
                )
                has = year >= first
                sizes = np.where(has, run, 0)
                indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
                codes = np.repeat(year[has] - first, run) + np.tile(np.arange(run), int(has.sum()))
                return _Sets(indptr, codes.astype(np.int64))

            add(runs(left), self._left_factor("graduation_year"), runs(right), RIGHT_UNITS, width)

        dense = [f for f in features if f[0].shape[1] <= DENSE_VOCABULARY]
        sparse = [f for f in features if f[0].shape[1] > DENSE_VOCABULARY]
        self._dense: tuple[Block, Block] | None = None
        if dense:
            self._dense = (
                np.ascontiguousarray(sp.hstack([f[0] for f in dense]).toarray(), dtype=F32),
                np.ascontiguousarray(sp.hstack([f[1] for f in dense]).T.toarray(), dtype=F32),
            )
        self._sparse: tuple[sp.csr_matrix, sp.csr_matrix] | None = None
        if sparse:
            self._sparse = (
                sp.csr_matrix(sp.hstack([f[0] for f in sparse]), dtype=F32),
                sp.csr_matrix(sp.hstack([f[1] for f in sparse]).T, dtype=F32),
            )

    def _left_factor(self, name: str, size: int = 1) -> int:
        """A left item's value in a feature's vectors, in LEFT_UNITS: its weight share.

        Set features spread it as share / sqrt(set size) (cosine); graduation years over
        the window's run of years.
        """
        share = self.share[name]
        if name in {"topics", "language"}:
            return round(share / math.sqrt(size) * LEFT_UNITS) if size else 0
        if name == "graduation_year":
            return round(share / (self.weights.graduation_year_window + 1) * LEFT_UNITS)
        return round(share * LEFT_UNITS)

    @staticmethod
    def _right_factor(name: str, size: int = 1) -> int:
        """A right item's value in a feature's vectors, in RIGHT_UNITS."""
        if name in {"topics", "language"}:
            return round(RIGHT_UNITS / math.sqrt(size)) if size else 0
        return RIGHT_UNITS

    def _encode_text(self) -> None:
        self._text_weight = F32(0)
        self._text: tuple[Block, Block] | None = None
        self._text_vectors: tuple[Block, Block] | None = None
        if not self.share["text"]:
            return
        if not any(p.text.strip() for p in self.left) or not any(
            p.text.strip() for p in self.right
        ):
            return
        encoded = self.text_encoder.encode(
            [p.text for p in self.left], [p.text for p in self.right]
        )
        lv, rv = (_fixed_point_unit_rows(vectors) for vectors in encoded)
        self._text_vectors = (lv, rv)
        self._text = (np.ascontiguousarray(lv), np.ascontiguousarray(rv.T))
        self._text_weight = F32(self.share["text"])

    def _encode_constraints(self) -> None:
        left, right = self.left, self.right
        # Exclusions and same-person pairs are few: list them once, as (row, column) pairs,
        # rather than compare every pair of every block.
        excluded = {
            (self.left_index[a], self.right_index[b])
            for a, b in self.constraints.exclusions
            if a in self.left_index and b in self.right_index
        }
        self._excluded = excluded
        pairs = set(excluded)
        if self.constraints.exclude_same_person:
            # Keyed by (is a string, value): person 7 and person "7" are different people.
            rights_of: dict[tuple[bool, Id], list[int]] = {}
            for j, p in enumerate(right):
                if p.person is not None:
                    rights_of.setdefault((isinstance(p.person, str), p.person), []).append(j)
            for i, p in enumerate(left):
                if p.person is not None:
                    mine = rights_of.get((isinstance(p.person, str), p.person), ())
                    pairs.update((i, j) for j in mine)
        ordered = sorted(pairs)
        excl_rows = np.array([i for i, _ in ordered], dtype=np.int64)
        self._excl_cols = np.array([j for _, j in ordered], dtype=np.int64)
        self._excl_ptr = np.searchsorted(excl_rows, np.arange(self.n_left + 1))

        # Required languages: only the few items that require one are checked, each against
        # the whole other side.
        languages = _Vocabulary()
        spoken_l = languages.sets([p.languages for p in left])
        spoken_r = languages.sets([p.languages for p in right])
        need_l = languages.sets([p.required_languages for p in left])
        need_r = languages.sets([p.required_languages for p in right])
        n = len(languages)
        self._needy_rows = np.flatnonzero(need_l.sizes).astype(np.int64)
        self._needy_cols = np.flatnonzero(need_r.sizes).astype(np.int64)
        self._need_l = _bitsets(need_l.rows(self._needy_rows), n)
        self._spoken_r_t = _bitsets(spoken_r, n).T.copy()
        self._need_r_t = _bitsets(need_r.rows(self._needy_cols), n).T.copy()
        self._spoken_l = _bitsets(spoken_l, n)

    # -- scoring ---------------------------------------------------------------------------

    def score_block(self, start: int, stop: int) -> Block:
        """Scores of left items [start, stop) against every right item; -inf where forbidden."""
        out = self.score_units(start, stop)
        out *= F32(SCORE_QUANTUM)
        return out

    def score_units(self, start: int, stop: int) -> Block:
        """`score_block` in SCORE_UNITS (whole numbers), which is what candidates rank by."""
        rows = slice(start, stop)
        if self._dense is not None:
            out = np.matmul(self._dense[0][rows], self._dense[1])
        else:
            out = np.zeros((stop - start, self.n_right), dtype=F32)
        if self._sparse is not None:
            product = (self._sparse[0][rows] @ self._sparse[1]).tocoo()
            out[product.row, product.col] += product.data
        if self._text is not None:
            similarity = np.matmul(self._text[0][rows], self._text[1])
            np.maximum(similarity, F32(0), out=similarity)
            similarity *= self._text_weight
            np.rint(similarity, out=similarity)
            out += similarity
        self._forbid(out, start, stop)
        return out

    def _forbid(self, out: Block, start: int, stop: int) -> None:
        lo, hi = self._excl_ptr[start], self._excl_ptr[stop]
        if hi > lo:
            counts = np.diff(self._excl_ptr[start : stop + 1])
            out[np.repeat(np.arange(stop - start), counts), self._excl_cols[lo:hi]] = -np.inf
        a, b = np.searchsorted(self._needy_rows, [start, stop])
        if b > a:
            rows = self._needy_rows[a:b] - start
            part = out[rows]
            part[_lacks(self._need_l[a:b], self._spoken_r_t)] = -np.inf
            out[rows] = part
        if len(self._needy_cols):
            cols = self._needy_cols
            # Right items that require: a left row fails when required & ~spoken is not 0.
            spoken = self._spoken_l[start:stop]
            lacks = np.bitwise_and(~spoken[:, 0, None], self._need_r_t[0][None, :]) != 0
            for w in range(1, spoken.shape[1]):
                lacks |= np.bitwise_and(~spoken[:, w, None], self._need_r_t[w][None, :]) != 0
            part = out[:, cols]
            part[lacks] = -np.inf
            out[:, cols] = part

    def score_matrix(self) -> Block:
        """The dense left x right score matrix; only for small instances (tests, baselines)."""
        return self.score_block(0, self.n_left)

    # -- explanations ----------------------------------------------------------------------

    def explain(self, left: Id, right: Id, *, top: int = 3) -> Explanation:
        """A pair's score, its `top` reasons and any rule that blocks it.

        The score is exactly what `score_block` gives (for a blocked pair, what it would
        be if allowed) and exactly the sum of all reasons' contributions; reasons below
        MIN_REASON_SHARE are not listed.
        """
        try:
            i, j = self.left_index[left], self.right_index[right]
        except KeyError as missing:
            raise MatchingInputError(f"unknown id {missing.args[0]!r}") from None
        reasons = self._reasons(i, j)
        order = {code: k for k, code in enumerate(REASON_ORDER)}
        ranked = sorted(reasons, key=lambda r: (-r.contribution, order[r.code]))
        return Explanation(
            left=left,
            right=right,
            score=math.fsum(r.contribution for r in reasons),
            reasons=tuple(r for r in ranked if r.contribution >= MIN_REASON_SHARE)[:top],
            blocked_by=self._blocked_by(i, j),
        )

    def _reasons(self, i: int, j: int) -> list[Reason]:
        """Every non-zero contribution to the pair's score, computed as the blocks do."""
        a, b = self.left[i], self.right[j]
        share = self.share
        reasons: list[Reason] = []

        def add(code: str, params: dict[str, Any], units: float) -> None:
            if units > 0:
                reasons.append(Reason(code, params, units * SCORE_QUANTUM))

        def same(x: str | None, y: str | None) -> bool:
            return bool(x and y and x.strip() and normalise(x) == normalise(y))

        if share["major"] and same(a.major, b.major):
            add("same_major", {"major": a.major}, self._left_factor("major") * RIGHT_UNITS)
        if (
            share["target_industry"]
            and b.industry
            and b.industry.strip()
            and normalise(b.industry) in {normalise(t) for t in a.target_industries}
        ):
            units = self._left_factor("target_industry") * RIGHT_UNITS
            add("target_industry", {"industry": b.industry}, units)
        if share["same_industry"] and same(a.industry, b.industry):
            units = self._left_factor("same_industry") * RIGHT_UNITS
            add("same_industry", {"industry": a.industry}, units)
        for name, code, attr in (
            ("topics", "shared_topics", "topics"),
            ("language", "shared_language", "languages"),
        ):
            if not share[name]:
                continue
            mine = _display_set(getattr(a, attr))
            theirs = _display_set(getattr(b, attr))
            common = sorted(shown for norm, shown in mine.items() if norm in theirs)
            if common:
                units = (
                    len(common)
                    * self._left_factor(name, len(mine))
                    * self._right_factor(name, len(theirs))
                )
                add(code, {attr: common}, units)
        if share["school"] and same(a.school, b.school):
            add("same_school", {"school": a.school}, self._left_factor("school") * RIGHT_UNITS)
        if share["city"] and same(a.city, b.city):
            add("same_city", {"city": a.city}, self._left_factor("city") * RIGHT_UNITS)
        if (
            share["graduation_year"]
            and a.graduation_year is not None
            and b.graduation_year is not None
        ):
            apart = abs(a.graduation_year - b.graduation_year)
            overlap = max(0, self.weights.graduation_year_window + 1 - apart)
            units = overlap * self._left_factor("graduation_year") * RIGHT_UNITS
            if apart == 0:
                add("same_graduation_year", {"year": a.graduation_year}, units)
            else:
                add("close_graduation_year", {"years_apart": apart}, units)
        if self._text is not None and self._text_vectors is not None:
            lv, rv = self._text_vectors
            cosine = int(np.dot(lv[i].astype(np.int64), rv[j].astype(np.int64)))
            if cosine > 0:
                # As in score_units: one float32 multiplication by the weight, then rounded.
                text_units = float(np.rint(F32(cosine) * self._text_weight))
                params = {
                    "terms": self.text_encoder.shared_terms(i, j),
                    "similarity": round(cosine / SCORE_UNITS, 3),
                }
                add("text_similarity", params, text_units)
        return reasons

    def _blocked_by(self, i: int, j: int) -> str | None:
        a, b = self.left[i], self.right[j]
        if (i, j) in self._excluded:
            return "excluded"
        if (
            self.constraints.exclude_same_person
            and a.person is not None
            and b.person is not None
            and id_key(a.person) == id_key(b.person)
        ):
            return "same_person"
        for need, speaker in ((a, b), (b, a)):
            spoken = set(_display_set(speaker.languages))
            if any(norm not in spoken for norm in _display_set(need.required_languages)):
                return "required_language"
        return None


REASON_ORDER = (
    "same_major",
    "target_industry",
    "same_industry",
    "shared_topics",
    "text_similarity",
    "same_school",
    "same_city",
    "same_graduation_year",
    "close_graduation_year",
    "shared_language",
)


def _display_set(values: Iterable[str]) -> dict[str, str]:
    """Normalised value -> first spelling seen, dropping blanks and repeats."""
    shown: dict[str, str] = {}
    for value in values:
        if value.strip():
            shown.setdefault(normalise(value), " ".join(value.split()))
    return shown


def _index(profiles: Sequence[Profile], side: str) -> dict[Id, int]:
    index: dict[Id, int] = {}
    for i, p in enumerate(profiles):
        if p.id in index:
            raise MatchingInputError(f"duplicate {side} id {p.id!r}")
        index[p.id] = i
    return index


def build_affinity_model(
    *,
    left: Sequence[Profile],
    right: Sequence[Profile],
    weights: Weights | None = None,
    constraints: Constraints | None = None,
    text_encoder: TextEncoder | None = None,
) -> AffinityModel:
    """Encode both sides once for scoring; TF-IDF text unless another encoder is given."""
    return AffinityModel(
        left=left,
        right=right,
        weights=weights or Weights(),
        constraints=constraints or Constraints(),
        text_encoder=text_encoder or TfidfTextEncoder(),
    )
