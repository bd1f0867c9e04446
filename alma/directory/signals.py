"""Keeps the directory index in step with every way a record changes (pages, API, admin).

Why signals here, against the house rule: django-admin and inline formsets save people,
education and employment without going through our services, and a stale index would show
(or hide) what a person just changed. The entry is rewritten inside the same transaction,
so the index never disagrees with the record it came from. Bulk loaders (seed, imports)
bypass signals and call `directory_index_people` or `directory_rebuild` themselves.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from alma.directory.indexing import directory_index_people
from alma.people.models import Education, Employment, Person


def _person_saved(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        directory_index_people(person_ids=[instance.pk])


def _part_saved(
    sender: Any, instance: Education | Employment, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        directory_index_people(person_ids=[instance.person_id])


def _part_deleted(sender: Any, instance: Education | Employment, **kwargs: Any) -> None:
    # The person may be being deleted in the same cascade: re-index once that is settled
    # (directory_index_people drops the entry of a person who no longer exists).
    person_id = instance.person_id
    transaction.on_commit(lambda: directory_index_people(person_ids=[person_id]))


def connect() -> None:
    post_save.connect(_person_saved, sender=Person, dispatch_uid="directory_person_saved")
    for model in (Education, Employment):
        post_save.connect(
            _part_saved, sender=model, dispatch_uid=f"directory_{model.__name__}_saved"
        )
        post_delete.connect(
            _part_deleted, sender=model, dispatch_uid=f"directory_{model.__name__}_deleted"
        )
