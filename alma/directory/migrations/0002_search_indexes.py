"""Full-text search structures, one per database: FTS5 on SQLite, a weighted tsvector + GIN on PostgreSQL."""

from django.db import migrations

TABLE = "directory_directorytext"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE directory_fts USING fts5(
        names, text1, text2, text3, content='{TABLE}', content_rowid='person_id',
        prefix='1 2 3', tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER directory_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
    f"""CREATE TRIGGER directory_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3); END""",
    f"""CREATE TRIGGER directory_fts_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, names, text1, text2, text3)
        VALUES ('delete', old.person_id, old.names, old.text1, old.text2, old.text3);
        INSERT INTO directory_fts(rowid, names, text1, text2, text3)
        VALUES (new.person_id, new.names, new.text1, new.text2, new.text3); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_fts_update",
    "DROP TRIGGER IF EXISTS directory_fts_delete",
    "DROP TRIGGER IF EXISTS directory_fts_insert",
    "DROP TABLE IF EXISTS directory_fts",
]

POSTGRES_FORWARD = [
    f"""ALTER TABLE {TABLE} ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, names), 'A')
        || setweight(to_tsvector('simple'::regconfig, text1), 'B')
        || setweight(to_tsvector('simple'::regconfig, text2), 'C')
        || setweight(to_tsvector('simple'::regconfig, text3), 'D')) STORED""",
    # Every text search: `search @@ 'wang:*ABC'` for a verified member.
    f"CREATE INDEX directory_search_gin ON {TABLE} USING gin (search)",
]
POSTGRES_BACKWARD = [f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_directory_index")]
    operations = [migrations.RunPython(forward, backward)]
