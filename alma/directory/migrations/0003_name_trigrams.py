"""PostgreSQL: trigram index on names, for "did you mean" when a name search finds nobody."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX directory_sort_name_trgm ON directory_directoryentry USING gin (sort_name gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS directory_sort_name_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_indexes")]
    operations = [migrations.RunPython(forward, backward)]
