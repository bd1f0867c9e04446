"""Full-text search structures, one per database: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

from django.db import migrations

TABLE = "directory_directoryentry"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE directory_fts USING fts5(
        doc1, doc2, doc3, content='{TABLE}', content_rowid='person_id',
        prefix='1 2 3', tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER directory_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO directory_fts(rowid, doc1, doc2, doc3)
        VALUES (new.person_id, new.doc1, new.doc2, new.doc3); END""",
    f"""CREATE TRIGGER directory_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, doc1, doc2, doc3)
        VALUES ('delete', old.person_id, old.doc1, old.doc2, old.doc3); END""",
    f"""CREATE TRIGGER directory_fts_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO directory_fts(directory_fts, rowid, doc1, doc2, doc3)
        VALUES ('delete', old.person_id, old.doc1, old.doc2, old.doc3);
        INSERT INTO directory_fts(rowid, doc1, doc2, doc3)
        VALUES (new.person_id, new.doc1, new.doc2, new.doc3); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_fts_update",
    "DROP TRIGGER IF EXISTS directory_fts_delete",
    "DROP TRIGGER IF EXISTS directory_fts_insert",
    "DROP TABLE IF EXISTS directory_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *[
        f"ALTER TABLE {TABLE} ADD COLUMN search{n} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, doc{n})) STORED"
        for n in (1, 2, 3)
    ],
    # Text search for each viewer level.
    *[f"CREATE INDEX directory_search{n}_gin ON {TABLE} USING gin (search{n})" for n in (1, 2, 3)],
    # Typo-tolerant fallback on names when the full-text search finds nothing.
    f"CREATE INDEX directory_name_trgm ON {TABLE} USING gin (sort_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_name_trgm",
    *[f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search{n}" for n in (1, 2, 3)],
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_directory_entry")]
    operations = [migrations.RunPython(forward, backward)]
