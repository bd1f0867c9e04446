"""PostgreSQL: an education or a job refers to its person through checks made once per statement,
in place of the two foreign-key constraints, which check (and lock) the person row by row.

Why: an import of 100,000 people writes 200,000 such rows, and the constraints' row-by-row
checks were a quarter of the database's work on it (about a second per 100,000 rows), most of it
locking the people the same transaction had just written, which no other session can see. The
checks here keep the constraints' guarantees (tests: alma/people/tests/test_references.py):

- a statement that writes educations or jobs fails if one refers to no person. Each person it
  refers to that the transaction did not write itself is locked against removal until the
  transaction ends (FOR KEY SHARE, as the constraint does); those it wrote itself are invisible
  to every other session, so nothing can remove them meanwhile. A person counts as written by
  this transaction when the row's xmin is its id and its updated_at is recent (_OWN; a row
  written inside a savepoint has another xmin, and is locked like any other);
- removing a person, or changing a person's id, fails while an education or a job refers to them
  (the constraints' NO ACTION, checked at the end of the statement rather than at the commit:
  Django removes a person's educations and jobs first); so does a TRUNCATE that would leave them
  without their person. A removal (or TRUNCATE) is refused outside READ COMMITTED (Django's level,
  and Alma's): at a stricter level the check would not see a reference committed after the
  transaction began.

One behaviour differs from the constraints, which were checked at the commit (DEFERRABLE
INITIALLY DEFERRED): a statement that writes an education or a job needs its person to exist
already. Alma writes people first everywhere; so does `dumpdata` (people before their records)
for `loaddata`. A fixture that lists an education before its person no longer loads.

SQLite keeps its foreign-key constraints, which cost it little; the models still declare them
(Django's state: the constraints exist on SQLite, and a future migration that makes them again
on PostgreSQL only adds back the slower check).
"""

from django.db import migrations

REFERRING = ("people_education", "people_employment")
REFERRED = "people_person"

# A person this transaction wrote: the row's xmin is the transaction's id, and the row was
# written lately (an old frozen row keeps the xmin it was written with, which a transaction 2^32
# later has again; such a row is locked, like anyone's).
_OWN = "p.xmin = me AND p.updated_at > transaction_timestamp() - interval '1 day'"

# Probed id by id, like the writes' check (see below).
_STILL_REFERRED = " OR ".join(
    f"EXISTS (SELECT 1 FROM unnest(gone_ids) AS g(id) CROSS JOIN LATERAL "
    f"(SELECT 1 FROM {table} AS r WHERE r.person_id = g.id LIMIT 1) AS still)"
    for table in REFERRING
)

POSTGRES_FORWARD = [
    # Writes: one check per statement, over its new rows (a transition table).
    # Each row probes its person's key (LATERAL ... LIMIT 1: an index lookup per row, whatever
    # the planner believes of the table's size, which in the middle of an import is wrong).
    f"""CREATE FUNCTION people_person_referred() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan AS $$
    DECLARE
        me xid := pg_current_xact_id()::xid;
        total bigint;
        own bigint;
        kept bigint := 0;
    BEGIN
        SELECT count(*) INTO total FROM new_rows;
        SELECT count(*) INTO own FROM new_rows AS n CROSS JOIN LATERAL (
            SELECT 1 FROM {REFERRED} AS p WHERE p.id = n.person_id AND {_OWN} LIMIT 1
        ) AS mine;
        IF own < total THEN
            SELECT count(*) INTO kept FROM new_rows AS n CROSS JOIN LATERAL (
                SELECT 1 FROM {REFERRED} AS p WHERE p.id = n.person_id AND NOT ({_OWN})
                LIMIT 1 FOR KEY SHARE
            ) AS theirs;
        END IF;
        IF own + kept < total THEN
            RAISE foreign_key_violation USING MESSAGE = format(
                'insert or update on table "%s" refers to a person who does not exist', TG_TABLE_NAME);
        END IF;
        RETURN NULL;
    END $$""",
    # A row moved to another person (a merge): checked row by row, only when the person changes.
    f"""CREATE FUNCTION people_person_referred_again() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM {REFERRED} WHERE id = NEW.person_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE foreign_key_violation USING MESSAGE = format(
                'update on table "%s" refers to a person who does not exist', TG_TABLE_NAME);
        END IF;
        RETURN NULL;
    END $$""",
    # The checks of removals read what is committed when they run: at a stricter level they
    # would read the transaction's snapshot, and miss a reference committed since it began.
    # (PostgreSQL runs READ UNCOMMITTED as READ COMMITTED.)
    """CREATE FUNCTION people_person_read_committed() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('transaction_isolation') NOT IN ('read committed', 'read uncommitted') THEN
            RAISE object_not_in_prerequisite_state USING MESSAGE =
                'people are removed in READ COMMITTED transactions only: at a stricter level '
                'a reference committed meanwhile would not be seen';
        END IF;
    END $$""",
    # People removed (statement, transition table) or given another id (row): no longer referred to.
    f"""CREATE FUNCTION people_person_unreferred(gone_ids bigint[]) RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
    BEGIN
        IF cardinality(gone_ids) = 0 THEN
            RETURN;
        END IF;
        PERFORM people_person_read_committed();
        IF {_STILL_REFERRED} THEN
            RAISE foreign_key_violation USING MESSAGE =
                'a person removed (or given another id) is still referred to by an education or a job';
        END IF;
    END $$""",
    f"""CREATE FUNCTION people_person_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM people_person_unreferred(ARRAY(SELECT id FROM old_rows));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION people_person_renumbered() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM people_person_unreferred(ARRAY[OLD.id]);
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION people_person_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM people_person_read_committed();
        IF {" OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in REFERRING)} THEN
            RAISE foreign_key_violation USING MESSAGE =
                'people truncated while educations or jobs still refer to them';
        END IF;
        RETURN NULL;
    END $$""",
    *[
        statement
        for table in REFERRING
        for statement in (
            f"""CREATE TRIGGER {table}_person_written AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION people_person_referred()""",
            f"""CREATE TRIGGER {table}_person_changed AFTER UPDATE OF person_id ON {table}
            FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id)
            EXECUTE FUNCTION people_person_referred_again()""",
        )
    ],
    f"""CREATE TRIGGER {REFERRED}_removed AFTER DELETE ON {REFERRED}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_person_removed()""",
    f"""CREATE TRIGGER {REFERRED}_renumbered AFTER UPDATE OF id ON {REFERRED}
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION people_person_renumbered()""",
    f"""CREATE TRIGGER {REFERRED}_truncated AFTER TRUNCATE ON {REFERRED}
    FOR EACH STATEMENT EXECUTE FUNCTION people_person_truncated()""",
]

POSTGRES_BACKWARD = [
    *[f"DROP TRIGGER {table}_person_written ON {table}" for table in REFERRING],
    *[f"DROP TRIGGER {table}_person_changed ON {table}" for table in REFERRING],
    *[f"DROP TRIGGER {REFERRED}_{name} ON {REFERRED}" for name in ("removed", "renumbered", "truncated")],
    *[
        f"DROP FUNCTION people_person_{name}()"
        for name in ("referred", "referred_again", "removed", "renumbered", "truncated")
    ],
    "DROP FUNCTION people_person_unreferred(bigint[])",
    "DROP FUNCTION people_person_read_committed()",
]


def _person_keys(apps):
    return [
        (model, model._meta.get_field("person"))
        for model in (apps.get_model("people", "Education"), apps.get_model("people", "Employment"))
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _person_keys(apps):
        for name in schema_editor._constraint_names(model, [field.column], foreign_key=True):
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))
    for statement in POSTGRES_FORWARD:
        schema_editor.execute(statement, None)  # None: the functions' % are their own


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_BACKWARD:
        schema_editor.execute(statement, None)
    for model, field in _person_keys(apps):
        schema_editor.execute(
            schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0004_partial_indexes_for_authors_and_employers")]
    operations = [migrations.RunPython(forward, backward)]
