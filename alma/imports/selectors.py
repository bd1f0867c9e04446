"""Reads of the imports app: the duplicate review queue, by group."""

from typing import Any

from django.db.models import Count, Max, QuerySet

from alma.imports.models import DuplicateCandidate
from alma.people.models import Person
from alma.people.privacy import person_view_for


def duplicate_groups() -> QuerySet[Any, Any]:
    """Open groups as {group, top, pairs}: the most likely first (for a paginator)."""
    return (
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .values("group")
        .annotate(top=Max("probability"), pairs=Count("id"))
        .order_by("-top", "group")
    )


def duplicate_group_details(*, keys: list[int], viewer: Any) -> list[dict[str, Any]]:
    """For each group key, in the order given: its open pairs (most likely first) and its
    records as the viewer may see them (people.privacy), the oldest record first.

    A record the viewer may not see at all is listed by its id only (`view` is None)."""
    pairs = list(
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN, group__in=keys)
        .order_by("-probability", "id")
        .only("id", "person_a_id", "person_b_id", "probability", "comparison", "group")
    )
    ids = {pair.person_a_id for pair in pairs} | {pair.person_b_id for pair in pairs}
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=ids).prefetch_related(
            "educations", "employments"
        )
    }
    groups: dict[int, dict[str, Any]] = {
        key: {"key": key, "pairs": [], "members": [], "top": 0.0} for key in keys
    }
    for pair in pairs:
        group = groups[pair.group]
        group["pairs"].append(pair)
        group["top"] = max(group["top"], pair.probability)
    for group in groups.values():
        member_ids = sorted(
            {p.person_a_id for p in group["pairs"]} | {p.person_b_id for p in group["pairs"]}
        )
        group["members"] = [
            {"id": pk, "view": person_view_for(viewer, people[pk])}
            for pk in member_ids
            if pk in people
        ]
    return [groups[key] for key in keys if groups[key]["pairs"]]
