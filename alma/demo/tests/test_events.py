"""The demo university gets a year of programs and events across every stage."""

import pytest
from django.utils import timezone

from alma.activity.models import Activity
from alma.demo import events as events_demo
from alma.demo import people as people_demo
from alma.demo.builders import DemoRun
from alma.events.models import (
    Event,
    EventMessage,
    EventRole,
    Program,
    Registration,
)
from alma.lifecycle.models import GraduateDestination, ParentsGroup
from alma.people.models import PersonRelation

pytestmark = pytest.mark.django_db


def test_a_year_of_events_across_all_stages():
    people_demo.build(DemoRun(scale=0.03))
    events_demo.build(DemoRun())
    now = timezone.now()
    assert set(Program.objects.values_list("stage", flat=True)) == {
        "pre_entry",
        "in_school",
        "leaving",
        "alumnus",
    }
    assert set(Program.objects.values_list("aspect", flat=True)) == {"life", "study", "work"}
    events = Event.objects.all()
    assert events.filter(ends_at__lt=now).count() >= 15
    assert events.filter(starts_at__gt=now).count() >= 10
    assert events.filter(starts_at__lte=now, ends_at__gte=now).exists()  # one to check in at today
    kinds = set(events.values_list("kind", flat=True))
    assert {"send_off", "ceremony", "forum", "competition", "homecoming", "welcome"} <= kinds
    assert (
        events.filter(is_online=True).exists()
        and events.filter(host_chapter__isnull=False).exists()
    )
    assert events.filter(host_unit__isnull=False).exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert EventRole.objects.filter(role="judge", event__kind="competition").exists()
    assert EventMessage.objects.exists()
    ledger = Activity.objects.filter(kind__startswith="events.")
    assert ledger.filter(kind="events.attended", beneficiary__isnull=False).exists()
    assert ledger.filter(kind="events.attended", engagement_mode="experiential").exists()
    assert ledger.filter(engagement_mode="volunteer").exists()
    # Attendance, not registration, counts: every attended activity has a checked-in source.
    attended = ledger.filter(kind="events.attended", source_type__model="registration").count()
    assert attended <= Registration.objects.filter(checked_in_at__isnull=False).count()
    assert PersonRelation.objects.filter(person__stage="prospective").exists()
    # Each chapter whose region has admitted students has their consenting parents in a group.
    for group in ParentsGroup.objects.all():
        assert all(m.related_to.exists() for m in group.members.all())
    assert GraduateDestination.objects.filter(chapter__isnull=False).exists()
    # Loading again adds nothing.
    count = Event.objects.count()
    events_demo.build(DemoRun())
    assert Event.objects.count() == count
