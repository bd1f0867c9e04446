"""Send the follow-up reminders of closed support cases that are due (idempotent; for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from alma.support.services import follow_ups_send


class Command(BaseCommand):
    help = "Remind case teams of follow-ups that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{follow_ups_send()} follow-up reminder(s) sent.")
