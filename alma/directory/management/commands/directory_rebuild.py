"""`alma directory_rebuild`: (re)build the directory search index from the people records."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alma.directory.indexing import REBUILD_CHUNK, directory_rebuild, directory_refill_sample


class Command(BaseCommand):
    help = (
        "Rebuild the directory's search index for everyone (or only people added after --after-id). "
        "Pages, the API and the admin keep the index current by themselves; run this after bulk "
        "loads that bypass them (alma seed does, imports do)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--after-id", type=int, default=0, help="only people with a larger id")
        parser.add_argument(
            "--chunk-size", type=int, default=REBUILD_CHUNK, help="people per transaction"
        )
        parser.add_argument(
            "--sample-only",
            action="store_true",
            help="only rewrite the sample that very broad searches are counted on, from the index "
            "as it is (fast; after upgrading from a version without it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] > 0
        if options["sample_only"]:
            count = directory_refill_sample()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sampled {count:,} people in {time.perf_counter() - started:.1f} s"
                )
            )
            return

        def progress(done: int, total: int) -> None:
            if verbose and (done % (options["chunk_size"] * 20) == 0 or done == total):
                self.stdout.write(f"  indexed {done:,} / {total:,}")

        count = directory_rebuild(
            chunk=max(1, options["chunk_size"]), after_id=options["after_id"], progress=progress
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count:,} people in {seconds:.1f} s ({count / max(seconds, 1e-9):,.0f}/s)"
            )
        )
