"""Keep routing profiles current when people change (the worker refreshes them)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from alma.people.models import Education, Employment, Person
from alma.people.signals import people_bulk_changed


def _refresh_later(person_ids: list[int]) -> None:
    from alma.forum.models import RoutingProfile
    from alma.forum.tasks import routing_profiles_refresh_task

    # Only people who take questions have a profile; anyone else becomes one by a preference.
    known = list(
        RoutingProfile.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
    )
    if known:
        transaction.on_commit(lambda: routing_profiles_refresh_task.enqueue(known))


def _person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    _refresh_later([instance.pk])


def _record_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    _refresh_later([instance.person_id])


def _bulk_changed(sender: Any, person_ids: Any = (), **kwargs: Any) -> None:
    _refresh_later(list(person_ids))


def connect() -> None:
    post_save.connect(_person_saved, sender=Person, dispatch_uid="forum_person_saved")
    post_save.connect(_record_saved, sender=Education, dispatch_uid="forum_education_saved")
    post_save.connect(_record_saved, sender=Employment, dispatch_uid="forum_employment_saved")
    people_bulk_changed.connect(_bulk_changed, dispatch_uid="forum_people_bulk_changed")
