"""Ledger entries are never updated or deleted: triggers refuse it on SQLite and PostgreSQL.

A correction is a reversal plus a new entry (alma.giving.services). Deleting is accepted only
while giving_ledgermaintenance holds a row (the test suite's clean-up after tests that commit;
nothing in Alma writes it). On PostgreSQL, TRUNCATE is refused too unless the ledger is empty
or under maintenance (Django's `flush` truncates every table at once).
"""

from django.db import migrations

MESSAGE = "giving_ledgerentry is append-only: post a reversal instead"

SQLITE_UP = [
    f"""CREATE TRIGGER giving_ledgerentry_no_update BEFORE UPDATE ON giving_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER giving_ledgerentry_no_delete BEFORE DELETE ON giving_ledgerentry
    WHEN NOT EXISTS (SELECT 1 FROM giving_ledgermaintenance)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS giving_ledgerentry_no_update",
    "DROP TRIGGER IF EXISTS giving_ledgerentry_no_delete",
]

POSTGRES_UP = [
    f"""CREATE FUNCTION giving_ledgerentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM giving_ledgermaintenance) THEN
        RETURN OLD;
      END IF;
      IF TG_OP = 'TRUNCATE' AND (NOT EXISTS (SELECT 1 FROM giving_ledgerentry)
                                 OR EXISTS (SELECT 1 FROM giving_ledgermaintenance)) THEN
        RETURN NULL;
      END IF;
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$""",
    """CREATE TRIGGER giving_ledgerentry_no_change BEFORE UPDATE OR DELETE ON giving_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION giving_ledgerentry_append_only()""",
    """CREATE TRIGGER giving_ledgerentry_no_truncate BEFORE TRUNCATE ON giving_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION giving_ledgerentry_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS giving_ledgerentry_no_truncate ON giving_ledgerentry",
    "DROP TRIGGER IF EXISTS giving_ledgerentry_no_change ON giving_ledgerentry",
    "DROP FUNCTION IF EXISTS giving_ledgerentry_append_only()",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("giving", "0001_funds_gifts_awards_and_ledger")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
