"""The index tables' person keys lose their foreign keys in the database (see models.py).

PostgreSQL drops the three constraints. SQLite rebuilds each table for the change, and a rebuilt
table has lost its triggers: those that keep the full-text indexes in step (0002, 0004) are
made again after the rebuild, both ways.
"""

import django.db.models.deletion
from django.db import migrations, models

TEXT = "directory_directorytext"
SAMPLE = "directory_directorysample"
# As created by 0002_search_indexes and 0004_directory_sample.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER directory_fts_insert AFTER INSERT ON {TEXT} BEGIN
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
    f"""CREATE TRIGGER directory_fts_delete AFTER DELETE ON {TEXT} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3); END""",
    f"""CREATE TRIGGER directory_fts_update AFTER UPDATE ON {TEXT} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3);
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
    f"""CREATE TRIGGER directory_sample_fts_insert AFTER INSERT ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(rowid, words1, words2, words3)
        VALUES (new.person_id, new.words1, new.words2, new.words3); END""",
    f"""CREATE TRIGGER directory_sample_fts_delete AFTER DELETE ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(directory_sample_fts, rowid, words1, words2, words3)
        VALUES ('delete', old.person_id, old.words1, old.words2, old.words3); END""",
    f"""CREATE TRIGGER directory_sample_fts_update AFTER UPDATE ON {SAMPLE} BEGIN
        INSERT INTO directory_sample_fts(directory_sample_fts, rowid, words1, words2, words3)
        VALUES ('delete', old.person_id, old.words1, old.words2, old.words3);
        INSERT INTO directory_sample_fts(rowid, words1, words2, words3)
        VALUES (new.person_id, new.words1, new.words2, new.words3); END""",
]


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_directory_sample"),
        ("people", "0002_person_relation"),
    ]

    operations = [
        # Backwards, the tables are rebuilt again before this runs: the triggers are made again.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers),
        migrations.AlterField(
            model_name="directoryentry",
            name="person",
            field=models.OneToOneField(
                db_constraint=False,
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
                db_constraint=False,
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
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="directory_text",
                serialize=False,
                to="people.person",
            ),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
