"""`alma forum_escalate`: invite more alumni to every public question unanswered 48 hours after
it was asked (the worker does this on time by a deferred job; this is for cron). Safe to repeat:
each question escalates once."""

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Escalate unanswered forum questions that are due (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        from alma.forum.services import questions_escalate_due

        self.stdout.write(f"{questions_escalate_due()} invitations sent.")
