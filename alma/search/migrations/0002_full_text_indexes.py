"""Full-text structures over search documents, one per database: FTS5 on SQLite, a stored
tsvector with a GIN index on PostgreSQL (the same shape as the directory's 0002)."""

from django.db import migrations

TABLE = "search_searchdocument"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        words, facets, content='{TABLE}', content_rowid='id',
        prefix='3', tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO search_fts(rowid, words, facets) VALUES (new.id, new.words, new.facets); END""",
    f"""CREATE TRIGGER search_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO search_fts(search_fts, rowid, words, facets)
        VALUES ('delete', old.id, old.words, old.facets); END""",
    f"""CREATE TRIGGER search_fts_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO search_fts(search_fts, rowid, words, facets)
        VALUES ('delete', old.id, old.words, old.facets);
        INSERT INTO search_fts(rowid, words, facets) VALUES (new.id, new.words, new.facets); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

# Words weigh A (what ts_rank counts), facet and kind tokens D (they only narrow).
POSTGRES_FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, words), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, facets), 'D')) STORED",
    f"CREATE INDEX search_document_gin ON {TABLE} USING gin (search)",
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
    dependencies = [("search", "0001_search_documents")]
    operations = [migrations.RunPython(forward, backward)]
