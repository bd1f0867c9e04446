"""`alma seed`: synthetic alumni, students and staff at any scale, for demos and benchmarks."""

import argparse
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max

from alma.demo.people import MAX_CHAPTERS, SeedSize, seed_university
from alma.people.models import Person


def count(value: str) -> int:
    """A whole number of zero or more, with a clear message otherwise."""
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Create a synthetic, bilingual university: alumni over 40 graduation years, students "
        "across stages, staff of every post, organisations, chapters and a year of staff "
        "service activities. Deterministic for a given --seed; works at any scale (bulk "
        "inserts in chunks). Organisations and chapters with the same names are reused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--alumni", type=count, required=True, help="alumni to create")
        parser.add_argument("--students", type=count, required=True, help="students to create")
        parser.add_argument("--staff", type=count, default=60, help="staff (default 60)")
        parser.add_argument(
            "--organizations", type=count, default=40, help="organisations (default 40)"
        )
        parser.add_argument(
            "--chapters",
            type=count,
            default=8,
            help=f"chapters, at most {MAX_CHAPTERS} (default 8)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--activities-per-staff",
            type=count,
            default=40,
            help="staff service activities per staff member over the past year (default 40)",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="skip indexing the new people for directory search (alma directory_rebuild)",
        )
        parser.add_argument(
            "--chunk-size",
            type=count,
            default=5000,
            help="people generated and inserted per transaction (default 5000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chapters"] > MAX_CHAPTERS:
            raise CommandError(f"--chapters can be at most {MAX_CHAPTERS}.")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        connection = connections[DEFAULT_DB_ALIAS]
        if Person._meta.db_table not in connection.introspection.table_names():
            raise CommandError("The database has no Alma tables yet: run `alma migrate` first.")
        size = SeedSize(
            alumni=options["alumni"],
            students=options["students"],
            staff=options["staff"],
            organizations=options["organizations"],
            chapters=options["chapters"],
            activities_per_staff=options["activities_per_staff"],
        )
        quiet = options["verbosity"] == 0
        self.stdout.write(
            f"Seeding {size.alumni:,} alumni, {size.students:,} students and {size.staff:,} staff "
            f"(seed {options['seed']}) into {connection.vendor}…"
        )
        started = time.perf_counter()
        last_before = Person.objects.aggregate(n=Max("id"))["n"] or 0
        result = seed_university(
            size=size,
            seed=options["seed"],
            chunk_size=options["chunk_size"],
            progress=None if quiet else self.stdout.write,
        )
        self.stdout.write(
            f"  {result.educations:,} education records, {result.employments:,} jobs, "
            f"{result.memberships:,} chapter memberships, {result.consents:,} consents"
        )
        # Bulk inserts bypass the signals that keep the directory index current: index the new
        # people here, so that search finds them.
        indexed = not options["no_index"]
        if indexed:
            self.stdout.write("Indexing the new people for directory search…")
            call_command(
                "directory_rebuild",
                after_id=last_before,
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.people:,} people in {seconds:.1f} s: "
                f"{result.people / seconds:,.0f} people/s"
                + (" (directory index included)" if indexed else "")
            )
        )
