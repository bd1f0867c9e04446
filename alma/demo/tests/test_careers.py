"""The demo university's careers: an alliance of about 40, a big past fair of about 100 units
and 800+ positions covering two thirds of the majors, applications at every step."""

import io
import json

import pytest
from django.core.management import call_command

from alma.activity.models import Activity
from alma.careers.models import (
    AllianceMembership,
    EnterpriseVisit,
    JobApplication,
    JobFair,
    Posting,
)
from alma.careers.selectors import postings_search
from alma.demo import careers, people
from alma.demo.builders import DemoRun

pytestmark = pytest.mark.django_db


def test_demo_careers_has_the_alliance_fairs_and_every_step():
    people.build(DemoRun(scale=0.03))
    careers.build(DemoRun())
    assert 35 <= AllianceMembership.objects.filter(status="approved").count() <= 45
    out = io.StringIO()
    call_command("careers", "fairs", "--json", stdout=out)
    fairs = json.loads(out.getvalue())
    assert [f["status"] for f in fairs] == ["planned", "finished", "finished"]
    big = JobFair.objects.get(name__startswith="Spring")
    # Each fair is an event of kind job fair in the events calendar, on its day.
    linked = JobFair.objects.select_related("event").exclude(event=None)
    assert linked.count() == 3
    assert {(f.event.kind, f.event.title, f.event.starts_at.date()) for f in linked} == {
        ("job_fair", f.name, f.date) for f in linked
    }
    out = io.StringIO()
    call_command("careers", "fair-report", str(big.pk), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert 95 <= report["organisations"] <= 105
    assert report["postings"] >= 800 and report["openings"] >= 800
    assert report["majors_covered"] * 3 >= report["majors_total"] * 2 > 0
    assert report["hires"] > 0 and report["offers"] >= report["hires"]
    steps = set(JobApplication.objects.values_list("status", flat=True))
    assert steps == {"applied", "screening", "interview", "offer", "hired", "declined", "withdrawn"}
    assert Posting.objects.filter(status="pending").exists()
    assert postings_search().count() > 100  # live ones, findable
    assert EnterpriseVisit.objects.filter(status="published").exists()
    assert Activity.objects.filter(kind="careers.hired", provider="enterprise").exists() or (
        Activity.objects.filter(kind="careers.internship_hosted", provider="enterprise").exists()
    )
    assert Activity.objects.filter(kind="careers.fair_booth").exists()
    count = Posting.objects.count()
    careers.build(DemoRun())  # once
    assert Posting.objects.count() == count
