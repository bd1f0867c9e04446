"""`alma restore FILE`: put a backup back, then check every table's rows and the ledger."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.core.backups import backup_restore
from alma.lib.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `alma backup`: replaces everything in the database, and "
        "restores the uploads and the kept key; then checks that every table has the rows the "
        "backup had and that the activity ledger is the same. Stop the web and worker processes "
        "first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            not options["yes"]
            and input(
                "This replaces everything in the database with the backup. Type 'yes' to go on: "
            )
            != "yes"
        ):
            raise CommandError("Nothing was restored.")
        try:
            result = backup_restore(path=options["path"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if not result.matches:
            raise CommandError("Restored, but it differs: " + "; ".join(result.differences()))
        rows = sum(result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows:,} rows in {len(result.tables)} tables; the activity ledger "
                "matches the backup."
            )
        )
