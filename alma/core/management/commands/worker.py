"""`alma worker`: run background jobs (Django's Tasks API, database backend)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background jobs queued in the database (imports, notifications...). "
        "Start as many workers as you like, on as many machines as share the database. "
        "Options are those of django-tasks-db's db_worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queue to work (default: all).")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many jobs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        if options["batch"]:
            arguments += ["--batch", "--no-startup-delay"]
        if options["max_tasks"] is not None:
            arguments += ["--max-tasks", str(options["max_tasks"])]
        call_command("db_worker", *arguments)
