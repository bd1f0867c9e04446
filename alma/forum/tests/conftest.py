"""Forum test helpers: alumni who take questions, with routing profiles."""

import pytest

from alma.forum.models import AnswerPreference
from alma.forum.routing import routing_profiles_refresh
from alma.testing import factories as f


def make_expert(*, name, industry="", major="", city="", expertise="", per_week=3, privacy=None):
    person = f.AlumnusFactory(
        full_name=name, current_city=city, expertise=expertise, privacy=privacy or {}
    )
    person.educations.update(major=major)
    if industry:
        f.EmploymentFactory(person=person, industry=industry)
    AnswerPreference.objects.create(
        person=person, accepts_questions=True, invitations_per_week=per_week
    )
    routing_profiles_refresh([person.pk])
    return person


@pytest.fixture
def expert():
    return make_expert
