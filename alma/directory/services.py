"""Writes of the directory app: the log of alumni-office views of fields people keep from others."""

from collections.abc import Iterable
from typing import Any

from alma.accounts.roles import Role, roles_of
from alma.directory.models import PrivateFieldView
from alma.people.models import Audience, Person
from alma.people.privacy import PRIVATE_FIELDS, audience_of, is_self


def private_views_log(
    *, viewer: Any, people: Iterable[Person], shown: dict[int, set[str]], context: str
) -> int:
    """Record, for an alumni-office viewer, each person's fields shown that only the office may see.

    `shown` maps a person id to the privacy keys displayed. Returns the number of rows written.
    """
    if Role.ALUMNI_OFFICE not in roles_of(viewer):
        return 0
    rows = []
    for person in people:
        if is_self(viewer, person):
            continue
        hidden = sorted(
            key
            for key in shown.get(person.pk, set())
            if key in PRIVATE_FIELDS and audience_of(person, key) == Audience.ALUMNI_OFFICE
        )
        if hidden:
            rows.append(
                PrivateFieldView(
                    viewer=viewer, person=person, fields=",".join(hidden)[:300], context=context
                )
            )
    PrivateFieldView.objects.bulk_create(rows)
    return len(rows)
