"""`alma dedup`: find records that may be one person (Splink), group them, fill the review queue."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.imports.linkage import DEFAULT_THRESHOLD, available


class Command(BaseCommand):
    help = (
        "Find possible duplicate people with probabilistic record linkage, group them and fill "
        "the review queue (needs alma[dedup])."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"lowest match probability (0-1, default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"pairs": [{"person_a", "person_b", "probability", ...}], "groups": [[ids]]}',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not available():
            raise CommandError(
                "Duplicate detection needs the dedup extra: pip install 'alma[dedup]'"
            )
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("The threshold is a probability between 0 and 1.")
        from alma.imports.linkage import duplicates_find

        linkage = duplicates_find(threshold=threshold)
        if options["json"]:
            pairs = [
                {
                    "person_a": p.person_a,
                    "person_b": p.person_b,
                    "probability": round(p.probability, 6),
                    "group": p.group,
                    "comparison": p.comparison,
                }
                for p in linkage.pairs
            ]
            self.stdout.write(json.dumps({"pairs": pairs, "groups": linkage.groups}))
            return
        for group in linkage.groups:
            self.stdout.write(" ".join(f"#{pk}" for pk in group))
        self.stdout.write(
            f"{len(linkage.pairs)} pairs in {len(linkage.groups)} groups; "
            "review them at /imports/duplicates/"
        )
