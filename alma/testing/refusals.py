"""Checks that a refused service call changed nothing about the person."""

from typing import Any

import pytest

from alma.lib.errors import ApplicationError
from alma.people.models import Consent, Education, Person, StageTransition


def person_state(person: Person) -> tuple:
    fresh = Person.objects.get(pk=person.pk)
    return (
        fresh.stage,
        fresh.privacy,
        fresh.email,
        list(Education.objects.filter(person=person).order_by("pk").values()),
        list(StageTransition.objects.filter(person=person).values_list("from_stage", "to_stage")),
        list(Consent.objects.filter(person=person).values_list("purpose", "granted")),
        fresh.history.count(),
    )


def refused(
    call: Any, person: Person, *, field: str | None = "unset", **kwargs: Any
) -> ApplicationError:
    """Call the service on the person; it must raise ApplicationError and change nothing."""
    before = person_state(person)
    with pytest.raises(ApplicationError) as caught:
        call(person=person, **kwargs)
    assert person_state(person) == before
    if field != "unset":
        assert caught.value.field == field
    return caught.value
