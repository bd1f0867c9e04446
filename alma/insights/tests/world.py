"""A small university for insights tests: cohorts, staff of every post, alumni, and ledger rows
of every registered kind (plus a philanthropic, a communication and a not-counted kind that the
giving and comms modules will register for real)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from alma.activity.kinds import _REGISTRY, ActivityKind, register_kind
from alma.activity.models import EngagementMode
from alma.activity.services import activity_record_bulk
from alma.people.models import Education, Person, Post, StaffPost, Stage

GIFT = ActivityKind(slug="testing.gift", label="Gift", alumni_mode=EngagementMode.PHILANTHROPIC)
CLICK = ActivityKind(
    slug="testing.click", label="Newsletter click", alumni_mode=EngagementMode.COMMUNICATION
)
# CASE counts clicks, not opens: a kind without a mode never counts as engagement.
OPEN = ActivityKind(slug="testing.open", label="Newsletter opened")
AWARD = ActivityKind(slug="testing.award", label="Alumni-funded award", default_aspect=None)
TEST_KINDS = (GIFT, CLICK, OPEN, AWARD)


@pytest.fixture
def test_kinds() -> Iterator[tuple[ActivityKind, ...]]:
    for kind in TEST_KINDS:
        register_kind(kind)
    yield TEST_KINDS
    for kind in TEST_KINDS:
        _REGISTRY.pop(kind.slug, None)


_counter = iter(range(10**9))


def person(
    stage: str = Stage.STUDENT,
    *,
    entry_year: int | None | str = "default",
    school: str = "School of Engineering",
    major: str = "Computer Science",
    degree_level: str = "bachelor",
    hometown_province: str = "Sichuan",
    graduation_year: int | None = None,
    email: str | None = None,
    **fields: Any,
) -> Person:
    n = next(_counter)
    if entry_year == "default":
        entry_year = graduation_year - 4 if graduation_year else 2022
    found = Person.objects.create(
        full_name=fields.pop("full_name", f"Person {n}"),
        stage=stage,
        email=f"p{n}@example.edu" if email is None else email,
        hometown_province=hometown_province,
        current_city=fields.pop("current_city", "Chengdu"),
        **fields,
    )
    if isinstance(entry_year, int):
        Education.objects.create(
            person=found,
            degree_level=degree_level,
            school=school,
            major=major,
            entry_year=entry_year,
            graduation_year=graduation_year,
            expected_graduation_year=None if graduation_year else entry_year + 4,
        )
    return found


def staff(post: str = Post.TEACHING) -> Person:
    found = Person.objects.create(full_name=f"Staff {next(_counter)}", stage=Stage.NONE)
    StaffPost.objects.create(person=found, post=post)
    return found


def at(year: int, month: int, day: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def record(rows: list[dict[str, Any]]) -> int:
    return activity_record_bulk(rows=rows)


def row(
    kind: str,
    *,
    actor: Person | None,
    beneficiary: Person | None = None,
    aspect: str = "study",
    when: dt.datetime,
    provider: str | None = None,
    stage: str | None = None,
    rating: int | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "kind": kind,
        "actor": actor,
        "beneficiary": beneficiary,
        "aspect": aspect,
        "occurred_at": when,
    }
    if provider:
        found["provider"] = provider
    if stage:
        found["beneficiary_stage"] = stage
    if rating is not None:
        found["rating"] = rating
    return found
