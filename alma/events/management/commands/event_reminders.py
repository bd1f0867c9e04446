"""`alma event_reminders`: send the reminders now due (for cron, where jobs are not deferred).

With the database queue, `alma worker` sends each event's reminders on the day before by itself;
this command is the fallback for queues that cannot defer jobs, and harmless to run as well:
nobody is reminded twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from alma.events.services import event_reminders_sweep


class Command(BaseCommand):
    help = "Email reminders for events starting within 24 hours to everyone not yet reminded."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = event_reminders_sweep()
        self.stdout.write(f"{sent} reminders sent.")
