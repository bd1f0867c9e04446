"""Full-text search structures, one per database: FTS5 on SQLite, tsvectors + GIN on PostgreSQL."""

from django.db import migrations

TABLE = "directory_directorytext"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE directory_fts USING fts5(
        names, text1, text2, text3, content='{TABLE}', content_rowid='person_id',
        prefix='3', tokenize='unicode61 remove_diacritics 2')""",
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

# One stored tsvector per viewer level, each over the words that level may match, so that a
# GIN lookup needs no recheck of weights. Names weigh A (relevance), other words D.
_NAMES = "setweight(to_tsvector('simple'::regconfig, names), 'A')"
_LEVEL_TEXT = {
    1: "text1",
    2: "text1 || ' ' || text2",
    3: "text1 || ' ' || text2 || ' ' || text3",
}
POSTGRES_FORWARD = [
    *[
        f"ALTER TABLE {TABLE} ADD COLUMN search{level} tsvector GENERATED ALWAYS AS "
        f"({_NAMES} || setweight(to_tsvector('simple'::regconfig, {text}), 'D')) STORED"
        for level, text in _LEVEL_TEXT.items()
    ],
    *[f"CREATE INDEX directory_search{level}_gin ON {TABLE} USING gin (search{level})" for level in _LEVEL_TEXT],
]
POSTGRES_BACKWARD = [f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search{level}" for level in _LEVEL_TEXT]


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
