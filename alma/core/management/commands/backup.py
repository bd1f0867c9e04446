"""`alma backup`: the database, uploads and kept key in one archive (see alma/core/backups.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.core.backups import backup_create, default_backup_directory
from alma.lib.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup), the uploaded "
        "files and the kept secret key into one .tar.gz (default directory: ALMA_BACKUP_DIR or "
        "var/backups). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=None, help="where to write it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(directory=options["directory"] or default_backup_directory())
        except ApplicationError as error:
            raise CommandError(error.message) from None
        rows = sum(result.manifest["tables"].values())
        self.stdout.write(
            f"{result.path}  ({rows:,} rows in {len(result.manifest['tables'])} tables)"
        )
