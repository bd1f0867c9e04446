"""Merging two records of one person, and undoing it.

A merge moves every row that points at the merged record (education, employment, activities,
memberships, consents, registrations, gifts — whatever any app links to a person) to the
survivor, fills the survivor's empty fields from the merged record, and deletes the merged
record. Nothing is lost: conflicting values stay in the survivor's history (with the reason),
the merged record is kept whole in the Merge row, and rows that could not move (a second
membership of the same chapter) are kept there too. `merge_undo` puts everything back.
"""

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.imports.models import DuplicateCandidate, DuplicateDismissal, Merge
from alma.lib.errors import ApplicationError
from alma.people.models import Person
from alma.people.services import people_reindex

# Rows that are derived from the person and rebuilt, or that describe merges themselves.
SKIP_MODELS = {
    "directory.directoryentry",
    "directory.directorytext",
    "imports.merge",
    "imports.duplicatecandidate",
}
MERGED_FIELDS = [
    f.name
    for f in Person._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "updated_at", "privacy")
]


def _links() -> Iterator[tuple[type[models.Model], models.ForeignKey]]:
    """(model, foreign key) for every foreign key to Person, history tables excepted."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in SKIP_MODELS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.remote_field.model is Person:
                yield model, field


def _dump(objects: Any) -> list[dict[str, Any]]:
    """Rows as {model, fields}, every value exact (Django's JSON serializer drops microseconds)."""
    out = []
    for obj in objects:
        fields = {}
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            fields[field.attname] = None if value is None else field.value_to_string(obj)
        out.append({"model": obj._meta.label, "fields": fields})
    return out


def _load(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        model = apps.get_model(row["model"])
        values = {}
        for field in model._meta.concrete_fields:
            if field.attname in row["fields"]:
                text = row["fields"][field.attname]
                values[field.attname] = None if text is None else field.to_python(text)
        obj = model(**values)
        obj.save_base(raw=True, force_insert=True)


@transaction.atomic
def people_merge(
    *, survivor: Person, merged: Person, by: Any, probability: float | None = None
) -> Merge:
    if survivor.pk == merged.pk:
        raise ApplicationError(_("A record cannot be merged into itself."))
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    snapshot: dict[str, Any] = {
        "merged": _dump([merged]),
        "survivor_before": _dump([survivor])[0]["fields"],
        "moved": [],
        "kept": [],
    }
    for model, field in _links():
        rows = model._default_manager.filter(**{field.attname: merged.pk})
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        moved = []
        for pk in ids:
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{field.attname: survivor.pk})
                moved.append(pk)
            except IntegrityError:  # the survivor already has the like (same chapter, same event)
                snapshot["kept"] += _dump(model._default_manager.filter(pk=pk))
        if moved:
            snapshot["moved"].append([model._meta.label, field.attname, moved])
    conflicts = []
    for name in MERGED_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(merged, name)
        if theirs in (None, "") or mine == theirs:
            continue
        if mine in (None, "") or (name == "stage" and mine == "none"):
            setattr(survivor, name, theirs)
        else:
            conflicts.append(f"{name}={theirs}")
    reason = f"merged #{merged.pk}" + (
        f"; kept in history: {'; '.join(conflicts)}" if conflicts else ""
    )
    survivor._change_reason = reason[:100]  # type: ignore[attr-defined]
    survivor.save()
    merge = Merge.objects.create(
        survivor=survivor,
        merged_person_id=merged.pk,
        merged_name=merged.full_name,
        probability=probability,
        snapshot=snapshot | {"conflicts": conflicts},
        merged_by=by if getattr(by, "is_authenticated", False) else None,
    )
    DuplicateCandidate.objects.filter(
        models.Q(person_a=merged) | models.Q(person_b=merged),
        status=DuplicateCandidate.Status.MERGED,
    ).delete()
    merged.delete()
    people_reindex(person_ids=[survivor.pk])
    return merge


@transaction.atomic
def merge_undo(*, merge: Merge, by: Any) -> Person:
    """Recreate the merged record with its id, move its rows back, restore the survivor."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ApplicationError(_("This merge has already been undone."))
    snapshot = merge.snapshot
    _load(snapshot["merged"])
    survivor = Person.objects.get(pk=merge.survivor_id)
    for model_label, attname, ids in snapshot["moved"]:
        model = apps.get_model(model_label)
        model._default_manager.filter(pk__in=ids).update(**{attname: merge.merged_person_id})
    _load(snapshot["kept"])
    for field in Person._meta.concrete_fields:
        if field.name in MERGED_FIELDS:
            text = snapshot["survivor_before"][field.attname]
            setattr(survivor, field.attname, None if text is None else field.to_python(text))
    survivor._change_reason = f"undid merge of #{merge.merged_person_id}"  # type: ignore[attr-defined]
    survivor.save()
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    people_reindex(person_ids=[survivor.pk, merge.merged_person_id])
    return Person.objects.get(pk=merge.merged_person_id)


@transaction.atomic
def duplicate_merge(*, candidate: DuplicateCandidate, by: Any) -> Merge:
    """Merge a reviewed pair: the older record (lower id) survives."""
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ApplicationError(_("This pair has already been decided."))
    survivor, merged = sorted([candidate.person_a, candidate.person_b], key=lambda p: p.pk)
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.save(update_fields=["status"])
    merge = people_merge(survivor=survivor, merged=merged, by=by, probability=candidate.probability)
    # Other open pairs with the merged record now concern the survivor: drop them (a new search
    # finds them again against the survivor).
    DuplicateCandidate.objects.filter(
        models.Q(person_a_id=merged.pk) | models.Q(person_b_id=merged.pk),
        status=DuplicateCandidate.Status.OPEN,
    ).delete()
    return merge


@transaction.atomic
def duplicate_dismiss(*, candidate: DuplicateCandidate, by: Any) -> DuplicateCandidate:
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.save(update_fields=["status"])
    DuplicateDismissal.objects.get_or_create(
        person_low=min(candidate.person_a_id, candidate.person_b_id),
        person_high=max(candidate.person_a_id, candidate.person_b_id),
        defaults={"dismissed_by": by if getattr(by, "is_authenticated", False) else None},
    )
    return candidate


@transaction.atomic
def duplicate_group_merge(*, group: int, person_ids: list[int], by: Any) -> list[Merge]:
    """Merge the chosen records of a reviewed group into the oldest of them (lowest id), one
    Merge each, so that each can be undone on its own. Records left unchosen stay apart; pairs
    staff marked as different people are never merged."""
    open_pairs = DuplicateCandidate.objects.select_for_update().filter(
        status=DuplicateCandidate.Status.OPEN, group=group
    )
    members: dict[int, DuplicateCandidate] = {}
    for pair in open_pairs:
        members.setdefault(pair.person_a_id, pair)
        members.setdefault(pair.person_b_id, pair)
    chosen = sorted(set(person_ids))
    if not members:
        raise ApplicationError(_("This group has already been decided."))
    if len(chosen) < 2:
        raise ApplicationError(_("Choose at least two records to merge."))
    if not set(chosen) <= set(members):
        raise ApplicationError(_("Only records of this group can be merged here."))
    dismissed = DuplicateDismissal.objects.filter(
        person_low__in=chosen, person_high__in=chosen
    ).first()
    if dismissed is not None:
        raise ApplicationError(
            _("Records %(a)d and %(b)d were marked as different people.")
            % {"a": dismissed.person_low, "b": dismissed.person_high}
        )
    probability_of = {(pair.person_a_id, pair.person_b_id): pair.probability for pair in open_pairs}
    survivor_id, merged_ids = chosen[0], chosen[1:]
    # Pairs among the chosen records are decided: merged.
    DuplicateCandidate.objects.filter(
        status=DuplicateCandidate.Status.OPEN, person_a_id__in=chosen, person_b_id__in=chosen
    ).update(status=DuplicateCandidate.Status.MERGED)
    merges = []
    survivor = Person.objects.get(pk=survivor_id)
    for merged_id in merged_ids:
        probability = max(
            (p for (a, b), p in probability_of.items() if merged_id in (a, b)), default=None
        )
        merges.append(
            people_merge(
                survivor=survivor,
                merged=Person.objects.get(pk=merged_id),
                by=by,
                probability=probability,
            )
        )
        # Open pairs of the merged record with the rest of the group concern the survivor now:
        # drop them (a new search finds them again against the survivor).
        DuplicateCandidate.objects.filter(
            models.Q(person_a_id=merged_id) | models.Q(person_b_id=merged_id),
            status=DuplicateCandidate.Status.OPEN,
        ).delete()
    return merges


@transaction.atomic
def duplicate_group_dismiss(*, group: int, by: Any) -> int:
    """Staff say the group's records are all different people: dismiss each open pair."""
    pairs = list(
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN, group=group)
    )
    if not pairs:
        raise ApplicationError(_("This group has already been decided."))
    for candidate in pairs:
        duplicate_dismiss(candidate=candidate, by=by)
    return len(pairs)


def duplicates_merge_above(*, threshold: float, by: Any) -> int:
    """Merge every open pair at or above the threshold, most likely first; returns how many."""
    done = 0
    for pk in list(
        DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN, probability__gte=threshold
        )
        .order_by("-probability", "id")
        .values_list("pk", flat=True)
    ):
        candidate = (
            DuplicateCandidate.objects.filter(pk=pk, status=DuplicateCandidate.Status.OPEN)
            .select_related("person_a", "person_b")
            .first()
        )
        if candidate is not None:
            duplicate_merge(candidate=candidate, by=by)
            done += 1
    return done
