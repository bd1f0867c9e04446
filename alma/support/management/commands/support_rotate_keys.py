"""Re-encrypt every support case's protected content under the first of ALMA_SUPPORT_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alma.lib.errors import ApplicationError
from alma.support.services import keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt support cases with the first key of ALMA_SUPPORT_KEYS (see README)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = keys_rotate()
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            "Re-encrypted: "
            + ", ".join(f"{count} {what}" for what, count in counts.items())
            + ". Old keys may now be removed from ALMA_SUPPORT_KEYS."
        )
