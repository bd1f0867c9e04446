"""Emptying the fund ledger, for emptying the whole database only (`flush`, `alma demo --reset`).

The triggers of migration 0002 refuse to delete ledger entries unless giving_ledgermaintenance
holds a row; this opens that switch for one transaction, deletes every entry and closes it.
Nothing else in Alma deletes an entry.
"""

from django.db import connections, transaction


def ledger_erase(*, using: str = "default") -> int:
    """Delete every ledger entry. Returns how many there were."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    if not {"giving_ledgerentry", "giving_ledgermaintenance"} <= tables:
        return 0  # not migrated yet: nothing to erase
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM giving_ledgerentry")
        (count,) = cursor.fetchone()
        if count:
            cursor.execute(
                "INSERT INTO giving_ledgermaintenance (started_at) VALUES (%s)", [_now()]
            )
            cursor.execute("DELETE FROM giving_ledgerentry")
            cursor.execute("DELETE FROM giving_ledgermaintenance")
    return int(count)


def _now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()
