"""Reads of the ledger for pages and the API."""

from django.db.models import QuerySet

from alma.activity.models import Activity
from alma.people.models import Person


def activities_received(*, person: Person) -> QuerySet[Activity]:
    return Activity.objects.filter(beneficiary=person).select_related("actor")


def activities_given(*, person: Person) -> QuerySet[Activity]:
    return Activity.objects.filter(actor=person).select_related("beneficiary")
