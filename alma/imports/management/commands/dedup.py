"""`alma dedup`: find records that may be one person (Splink), fill the review queue."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.imports.linkage import available


class Command(BaseCommand):
    help = "Find possible duplicate people with probabilistic record linkage (needs alma[dedup])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold", type=float, default=0.9, help="lowest match probability (0-1)"
        )
        parser.add_argument("--json", action="store_true", help="print the pairs as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if not available():
            raise CommandError(
                "Duplicate detection needs the dedup extra: pip install 'alma[dedup]'"
            )
        from alma.imports.linkage import duplicates_find
        from alma.people.models import Person

        pairs = duplicates_find(threshold=options["threshold"])
        ids = {p.person_a for p in pairs} | {p.person_b for p in pairs}
        people = {
            pk: (email, number)
            for pk, email, number in Person.objects.filter(pk__in=ids).values_list(
                "pk", "email", "educations__student_number"
            )
        }
        out = []
        for p in pairs:
            a, b = people.get(p.person_a, ("", None)), people.get(p.person_b, ("", None))
            out.append(
                {
                    "person_a": p.person_a, "student_number_a": a[1], "email_a": a[0] or None,
                    "person_b": p.person_b, "student_number_b": b[1], "email_b": b[0] or None,
                    "probability": round(p.probability, 6),
                    "comparison": p.comparison,
                }
            )  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            for row in out:
                self.stdout.write(
                    f"{row['probability']:.3f}  #{row['person_a']} {row['email_a'] or ''}  ~  #{row['person_b']} {row['email_b'] or ''}"
                )
            self.stdout.write(f"{len(out)} pairs; review them at /imports/duplicates/")
