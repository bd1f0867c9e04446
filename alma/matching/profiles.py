"""What callers hand the engine: profiles of both sides, admin-set weights, hard constraints.

A profile is deliberately generic: a mentee, a mentor, a job, a need or an offer all fit.
Every feature is optional; a missing feature simply contributes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

from alma.matching.graph import Id, MatchingInputError, id_key


@dataclass(frozen=True, slots=True)
class Profile:
    """One item on either side of a matching, with the features affinity is computed from.

    `person` identifies the human behind the item: two items with the same person are never
    paired (nobody mentors themself). `industry` is where the item works; `target_industries`
    where it wants to go. `required_languages` must all be spoken (`languages`) by the other
    side. `text` is free text: goals for a mentee, expertise for a mentor.
    """

    id: Id
    capacity: int = 1
    person: Id | None = None
    major: str | None = None
    school: str | None = None
    industry: str | None = None
    target_industries: tuple[str, ...] = ()
    city: str | None = None
    graduation_year: int | None = None
    languages: tuple[str, ...] = ()
    required_languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    text: str = ""

    def __post_init__(self) -> None:
        id_key(self.id)
        if self.person is not None:
            id_key(self.person)
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int):
            raise MatchingInputError(f"capacity of {self.id!r} must be an integer")
        if self.capacity < 0:
            raise MatchingInputError(f"{self.id!r} has a negative capacity ({self.capacity})")


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each kind of similarity counts; set by the alumni office per program.

    Each similarity lies in [0, 1]; a pair's score is their weighted mean, so it lies in
    [0, 1] too and only the ratios between weights matter. A weight of zero switches a
    feature off (and skips its cost).
    """

    major: float = 1.0
    school: float = 0.5
    target_industry: float = 1.5
    same_industry: float = 0.0
    city: float = 0.5
    graduation_year: float = 0.25
    language: float = 0.25
    topics: float = 1.0
    text: float = 1.0
    # Graduation years further apart than this count as no similarity; closer ones count
    # linearly more, up to 1 for the same year.
    graduation_year_window: int = 8

    def __post_init__(self) -> None:
        for name in FEATURES:
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise MatchingInputError(f"weight {name} must be a number")
            if not math.isfinite(value) or value < 0:
                raise MatchingInputError(f"weight {name} must be finite and not negative")
        window = self.graduation_year_window
        if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 100:
            raise MatchingInputError("graduation_year_window must be 0 to 100 years")
        if self.total() <= 0:
            raise MatchingInputError("at least one weight must be above zero")

    def total(self) -> float:
        return sum(getattr(self, name) for name in FEATURES)


# The similarity features, in the order reasons are listed on equal contributions.
FEATURES: tuple[str, ...] = (
    "major",
    "target_industry",
    "same_industry",
    "topics",
    "text",
    "school",
    "city",
    "graduation_year",
    "language",
)


@dataclass(frozen=True, slots=True)
class Constraints:
    """Hard rules: pairs that must never be proposed, whatever their score.

    `exclusions` lists (left id, right id) pairs (a conflict of interest, a pair that did
    not work last cycle). Same-person pairs are excluded unless switched off. Required
    languages come from the profiles. Only pairs scoring above `min_score` become candidates.
    """

    exclusions: Collection[tuple[Id, Id]] = field(default_factory=frozenset)
    exclude_same_person: bool = True
    min_score: float = 0.0
