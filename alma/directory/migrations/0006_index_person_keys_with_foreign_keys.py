"""The index tables' person keys get their foreign keys back (0005 had dropped them for speed).

Index rows of people removed behind Django's back (the only way one could be left without its
person) are dropped first: they index nobody. SQLite rebuilds each table for the change, and a
rebuilt table has lost its triggers: those that keep the full-text indexes in step are made
again after the rebuild, both ways (as in 0005).
"""

import django.db.models.deletion
from django.db import migrations, models

from alma.directory.migrations import _sqlite_triggers

TABLES = ("directory_directoryentry", "directory_directorytext", "directory_directorysample")


def drop_orphans(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"DELETE FROM {table} WHERE NOT EXISTS "  # noqa: S608 - our table names
                f"(SELECT 1 FROM people_person p WHERE p.id = {table}.person_id)"
            )


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_triggers.STATEMENTS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_index_person_keys_without_foreign_keys"),
        ("people", "0002_person_relation"),
    ]

    operations = [
        migrations.RunPython(drop_orphans, migrations.RunPython.noop),
        # Backwards, the tables are rebuilt again before this runs: the triggers are made again.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers),
        migrations.AlterField(
            model_name="directoryentry",
            name="person",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="directory_entry",
                serialize=False,
                to="people.person",
            ),
        ),
        migrations.AlterField(
            model_name="directorysample",
            name="person",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="+",
                serialize=False,
                to="people.person",
            ),
        ),
        migrations.AlterField(
            model_name="directorytext",
            name="person",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="directory_text",
                serialize=False,
                to="people.person",
            ),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
