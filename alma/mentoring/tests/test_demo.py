"""The demo university gets a mentoring cycle the office can match at once."""

import pytest

from alma.mentoring import services
from alma.mentoring.demo import mentoring_demo_load
from alma.mentoring.models import Cycle
from alma.people.demo import DEMO_SEED, demo_load

pytestmark = pytest.mark.django_db


def test_demo_cycle_is_open_and_matches():
    demo_load(scale=0.03)
    cycle = mentoring_demo_load(seed=DEMO_SEED)
    assert cycle is not None and cycle.phase == Cycle.Phase.APPLICATIONS
    assert cycle.mentors.count() >= 5 and cycle.mentees.count() >= 5
    assert mentoring_demo_load(seed=DEMO_SEED) is None  # once
    outcome = services.matching_run(cycle=cycle, by=None, solver="optimal")
    assert outcome.run.matched > 0
    assert cycle.mentorships.exclude(reasons=[]).exists()
