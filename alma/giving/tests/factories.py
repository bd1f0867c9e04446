"""Factories for giving: funds and donors (money goes through the services, never a factory)."""

import factory

from alma.giving.models import Donor, Fund, Purpose
from alma.testing import factories as f


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"fund-{n}")
    name = factory.Sequence(lambda n: f"Education Fund {n}")
    purpose = Purpose.SCHOLARSHIP


class PersonDonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    person = factory.SubFactory(f.AlumnusFactory)


class OrganizationDonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    organization = factory.SubFactory(f.OrganizationFactory)
