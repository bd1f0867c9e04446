"""Pairs found before groups existed become groups of their own (their lower person id)."""

from django.db import migrations
from django.db.models import F


def fill_groups(apps, schema_editor):  # type: ignore[no-untyped-def]
    candidate = apps.get_model("imports", "DuplicateCandidate")
    candidate.objects.filter(group=0).update(group=F("person_a_id"))


class Migration(migrations.Migration):
    dependencies = [("imports", "0004_duplicate_candidate_group")]

    operations = [migrations.RunPython(fill_groups, migrations.RunPython.noop)]
