"""Graduates' destinations and new parents' groups now belong to lifecycle (its 0001); their
tables stay, so this only removes them from events' state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_events_and_programs'),
        ('lifecycle', '0001_graduate_destinations_and_parents_groups'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='GraduateDestination'),
                migrations.DeleteModel(name='ParentsGroup'),
            ],
        ),
    ]
