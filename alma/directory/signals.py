"""Keeps the directory index in step with every way a record changes (pages, API, admin).

Why signals here, against the house rule: django-admin and inline formsets save people,
education, employment and chapter memberships without going through our services, and a
stale index would show (or hide) what a person just changed. The entry is rewritten inside
the same transaction, so the index never disagrees with the record it came from. Bulk
writes send people's `people_bulk_changed` (cohort transitions, imports, merges), and loaders
(seed) call `directory_rebuild` themselves.
"""

import threading
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete

from alma.directory.indexing import directory_forget_people, directory_index_people
from alma.people.models import ChapterMembership, Education, Employment, Person, PersonRelation
from alma.people.signals import people_bulk_changed, private_fields_shown

Part = Education | Employment | ChapterMembership
_deleting = threading.local()


def _being_deleted() -> set[int]:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    return _deleting.ids


def _person_saved(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        directory_index_people(person_ids=[instance.pk])


def _person_deleting(sender: Any, instance: Person, **kwargs: Any) -> None:
    # Runs before the cascade: take the person out of the index and the counts, and keep
    # the cascade's deletions of their education, jobs and memberships from re-adding them.
    _being_deleted().add(instance.pk)
    directory_forget_people(person_ids=[instance.pk])


def _person_deleted(sender: Any, instance: Person, **kwargs: Any) -> None:
    _being_deleted().discard(instance.pk)


def _part_changed(sender: Any, instance: Part, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.person_id not in _being_deleted():
        directory_index_people(person_ids=[instance.person_id])


def _relation_changed(
    sender: Any, instance: PersonRelation, raw: bool = False, **kwargs: Any
) -> None:
    # Becoming (or ceasing to be) someone's relative decides whether a person is listed.
    if not raw and instance.relative_id not in _being_deleted():
        directory_index_people(person_ids=[instance.relative_id])


def _people_bulk_changed(sender: Any, person_ids: list[int], **kwargs: Any) -> None:
    directory_index_people(person_ids=person_ids)


def _private_fields_shown(
    sender: Any, *, viewer: Any, people: Any, shown: dict[int, set[str]], context: str, **_: Any
) -> None:
    from alma.directory.services import private_views_log

    private_views_log(viewer=viewer, people=people, shown=shown, context=context)


def connect() -> None:
    people_bulk_changed.connect(_people_bulk_changed, dispatch_uid="directory_people_bulk")
    private_fields_shown.connect(_private_fields_shown, dispatch_uid="directory_private_shown")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="directory_person_saved")
    pre_delete.connect(_person_deleting, sender=Person, dispatch_uid="directory_person_deleting")
    post_delete.connect(_person_deleted, sender=Person, dispatch_uid="directory_person_deleted")
    for model in (Education, Employment, ChapterMembership):
        name = model.__name__
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"directory_{name}_saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"directory_{name}_deleted")
    post_save.connect(_relation_changed, sender=PersonRelation, dispatch_uid="directory_rel_saved")
    post_delete.connect(
        _relation_changed, sender=PersonRelation, dispatch_uid="directory_rel_deleted"
    )
