"""`alma local_names`: load what reference values are called in another language."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alma.lib.errors import ApplicationError
from alma.people.services import local_names_load, local_names_shipped


class Command(BaseCommand):
    help = (
        "Record the names of stored reference values (places, schools, majors, industries, "
        "organisations, chapters, programs, event titles) in another language. Without FILE, "
        "loads the names Alma ships. FILE is a CSV with the columns kind,value,name. Safe to "
        "repeat: a value already named gets the new name."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="CSV with kind,value,name")
        parser.add_argument("--language", default="zh-hans", help="default: zh-hans")

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"]
        if options["file"]:
            path = Path(options["file"])
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if not {"kind", "value", "name"} <= set(reader.fieldnames or []):
                    raise CommandError("The CSV needs the columns kind, value and name.")
                rows = [(r["kind"], r["value"], r["name"]) for r in reader]
        else:
            rows = local_names_shipped(language)
        try:
            written = local_names_load(rows=rows, language=language)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{written} names recorded for {language}.")
