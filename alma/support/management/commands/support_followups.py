"""Send the reminders that are due: follow-ups of closed cases, tasks of open ones (idempotent;
run it daily from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from alma.support.services import follow_ups_send, tasks_due_remind


class Command(BaseCommand):
    help = "Remind case teams of follow-ups that are due, and task owners of tasks due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{follow_ups_send()} follow-up reminder(s) sent.")
        self.stdout.write(f"{tasks_due_remind()} task reminder(s) sent.")
