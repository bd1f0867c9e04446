"""Every job fair is an event of kind job fair in the events calendar: fairs made before
`careers.services.fair_create` made their event get one now (in the program "Job fairs")."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def fairs_get_their_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    JobFair = apps.get_model("careers", "JobFair")
    Program = apps.get_model("events", "Program")
    Event = apps.get_model("events", "Event")
    fairs = list(JobFair.objects.filter(event__isnull=True))
    if not fairs:
        return
    program = Program.objects.filter(name__iexact="Job fairs").first()
    if program is None:
        program = Program.objects.create(
            name="Job fairs",
            stage="leaving",
            aspect="work",
            description="Alumni-enterprise job fairs (careers).",
        )
    zone = timezone.get_current_timezone()
    for fair in fairs:
        fair.event = Event.objects.create(
            program=program,
            title=fair.name,
            kind="job_fair",
            aspect="work",
            starts_at=dt.datetime.combine(fair.date, dt.time(9), tzinfo=zone),
            ends_at=dt.datetime.combine(fair.date, dt.time(17), tzinfo=zone),
            venue=fair.venue or fair.name,
        )
        fair.save(update_fields=["event"])


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0001_alliance_postings_fairs_visits"),
        ("events", "0003_alumni_messages_to_cohorts"),
    ]

    operations = [migrations.RunPython(fairs_get_their_events, migrations.RunPython.noop)]
