"""Purge closed support cases past their retention period (idempotent; run it from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from alma.support.services import cases_purge


class Command(BaseCommand):
    help = "Purge the narrative, notes and files of closed cases past ALMA_SUPPORT_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = cases_purge()
        self.stdout.write(f"{count} case(s) purged.")
