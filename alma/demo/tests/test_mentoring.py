"""The demo university gets a mentoring cycle the office can match at once."""

import pytest

from alma.demo import mentoring, people
from alma.demo.builders import DemoRun
from alma.mentoring import services
from alma.mentoring.models import Cycle

pytestmark = pytest.mark.django_db


def test_demo_cycle_is_open_and_matches():
    people.build(DemoRun(scale=0.03))
    mentoring.build(DemoRun())
    cycle = Cycle.objects.get(program__name=mentoring.PROGRAM)
    assert cycle.phase == Cycle.Phase.APPLICATIONS
    assert cycle.mentors.count() >= 5 and cycle.mentees.count() >= 5
    mentoring.build(DemoRun())  # once
    assert Cycle.objects.count() == 1
    outcome = services.matching_run(cycle=cycle, by=None, solver="optimal")
    assert outcome.run.matched > 0
    assert cycle.mentorships.exclude(reasons=[]).exists()
