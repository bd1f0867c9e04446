"""The JSON shape `alma match-file` reads, validated with messages that name what is wrong.

    {"left":  [{"id": "s1", "capacity": 1}, ...],
     "right": [{"id": "m1", "capacity": 3}, ...],
     "pairs": [{"left": "s1", "right": "m1", "score": 0.82}, ...]}

Ids are integers or strings (1 and "1" are different ids); capacities are whole numbers
of at least 0; scores are finite numbers. Unknown keys are ignored.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, PlainValidator, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from alma.matching.graph import CandidateGraph, Id, Node, ScoredPair


def _id(value: Any) -> Id:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("id_type", "an id must be an integer or a string")
    return value


def _capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("capacity_type", "a capacity must be a whole number")
    if value < 0:
        raise PydanticCustomError("capacity_negative", "a capacity cannot be negative")
    return value


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("score_type", "a score must be a number")
    if not math.isfinite(value):
        raise PydanticCustomError("score_finite", "a score must be a finite number")
    return float(value)


ItemId = Annotated[Id, PlainValidator(_id)]


class SideItem(BaseModel):
    id: ItemId
    capacity: Annotated[int, PlainValidator(_capacity)]


class ScoredPairIn(BaseModel):
    left: ItemId
    right: ItemId
    score: Annotated[float, PlainValidator(_score)]


def _where(side: str, position: int) -> str:
    return f"{side}[{position}]"


class MatchFile(BaseModel):
    left: list[SideItem]
    right: list[SideItem]
    pairs: list[ScoredPairIn]

    @model_validator(mode="after")
    def _check_references(self) -> MatchFile:
        positions: dict[str, dict[Id, int]] = {}
        for side, items in (("left", self.left), ("right", self.right)):
            seen: dict[Id, int] = {}
            for position, item in enumerate(items):
                if item.id in seen:
                    raise PydanticCustomError(
                        "duplicate_id",
                        "{where}: duplicate {side} id {id} (first at {first})",
                        {
                            "where": _where(side, position),
                            "side": side,
                            "id": repr(item.id),
                            "first": _where(side, seen[item.id]),
                        },
                    )
                seen[item.id] = position
            positions[side] = seen
        listed: dict[tuple[Id, Id], int] = {}
        for position, pair in enumerate(self.pairs):
            for side, value in (("left", pair.left), ("right", pair.right)):
                if value not in positions[side]:
                    raise PydanticCustomError(
                        "unknown_id",
                        "{where}.{side}: unknown {side} id {id}",
                        {"where": _where("pairs", position), "side": side, "id": repr(value)},
                    )
            key = (pair.left, pair.right)
            if key in listed:
                raise PydanticCustomError(
                    "duplicate_pair",
                    "{where}: the pair ({left}, {right}) is listed twice (first at {first})",
                    {
                        "where": _where("pairs", position),
                        "left": repr(pair.left),
                        "right": repr(pair.right),
                        "first": _where("pairs", listed[key]),
                    },
                )
            listed[key] = position
        return self

    def graph(self) -> CandidateGraph:
        return CandidateGraph.from_pairs(
            left=[Node(i.id, i.capacity) for i in self.left],
            right=[Node(i.id, i.capacity) for i in self.right],
            pairs=[ScoredPair(p.left, p.right, p.score) for p in self.pairs],
        )


def describe_errors(error: ValidationError, *, limit: int = 10) -> list[str]:
    """One line per problem, `where: what`, e.g. `left[2].capacity: a capacity cannot be negative`."""
    lines = []
    for item in error.errors(include_url=False)[:limit]:
        loc, message = list(item["loc"]), item["msg"]
        if item["type"] == "missing":
            message = f"missing key {loc.pop()!r}"
        elif item["type"] == "model_type" and not loc:
            message = "expected a JSON object with the keys left, right and pairs"
        elif item["type"] in {"model_type", "list_type"}:
            message = "expected " + ("an object" if item["type"] == "model_type" else "a list")
        where = ""
        for part in loc:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
        lines.append(f"{where}: {message}" if where else message)
    hidden = error.error_count() - limit
    if hidden > 0:
        lines.append(f"... and {hidden} more")
    return lines
