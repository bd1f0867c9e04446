"""factory_boy factories for programs, events and registrations."""

import datetime as dt

import factory
from django.utils import timezone

from alma.events.models import Event, EventRole, Program, Registration
from alma.testing import factories as f


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    stage = "in_school"
    aspect = "study"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Alumni talk {n}")
    kind = "talk"
    aspect = "study"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    venue = "Main Hall"
    city = "Shanghai"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(f.StudentFactory)
    status = Registration.Status.CONFIRMED


class EventRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRole

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(f.AlumnusFactory)
    role = EventRole.Role.SPEAKER
