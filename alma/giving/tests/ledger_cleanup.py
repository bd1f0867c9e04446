"""Tests that commit (browser and concurrency tests) leave ledger entries behind; the database
refuses to delete them, so the suite's clean-up opens the maintenance switch first."""

from django.db import connection, transaction

from alma.giving.models import LedgerMaintenance


def erase_ledger() -> None:
    """Delete every ledger entry (test clean-up only): the triggers allow it under maintenance."""
    with transaction.atomic():
        LedgerMaintenance.objects.create()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM giving_ledgerentry")
        LedgerMaintenance.objects.all().delete()
