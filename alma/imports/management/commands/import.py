"""`alma import people FILE`: import people from a CSV or XLSX file, all or nothing."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.imports.fields import propose_mapping
from alma.imports.people_import import people_import
from alma.imports.reading import read_table
from alma.imports.services import mapping_load
from alma.lib.errors import ApplicationError
from alma.lib.reasons import stored_reason_text


class Command(BaseCommand):
    help = (
        "Import people from a CSV (UTF-8, GB18030/GBK) or XLSX file. Rows are validated, matched "
        "to existing people by student number, email or phone (rows sharing an email or phone "
        "are one person), and written all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["people"])
        parser.add_argument("file")
        parser.add_argument(
            "--mapping",
            help="a saved mapping's name, a JSON file {header: field}, or header=field,header=field",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, skip the rest"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            table = read_table(path.read_bytes(), filename=path.name, lazy=True)
            mapping = (
                mapping_load(options["mapping"], headers=table.headers)
                if options["mapping"]
                else propose_mapping(table.headers)
            )

            def progress(stage: str, done: int, total: int) -> None:
                if options["verbosity"] > 0:
                    self.stderr.write(f"{stage} {done}/{total}")
                    self.stderr.flush()

            report = people_import(
                table=table,
                mapping=mapping,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=progress,
                source=f"import {path.name}"[:60],
            )
        except ApplicationError as error:
            if options["json"]:
                self.stdout.write(json.dumps({"error": error.message}, ensure_ascii=False))
                sys.exit(2)
            raise CommandError(error.message) from None
        data = report.as_dict()
        for problem in data["errors"]:  # in the language of whoever runs the command
            problem["message"] = stored_reason_text(problem)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{data['rows']} rows, {data['valid']} valid, {data['invalid']} invalid; "
                f"created {data['created']}, updated {data['updated']}, unchanged {data['unchanged']}"
                f"; educations added {data['educations_added']}"
                + ("" if report.committed else " (nothing written)")
            )
            if data["merged_rows"]:
                self.stdout.write(
                    f"  {data['merged_rows']} rows were the same person as an earlier row"
                )
            if data["not_imported"]:
                self.stdout.write("  not imported: " + ", ".join(data["not_imported"]))
            for problem in data["errors"][:200]:
                self.stdout.write(
                    f"  row {problem['row']}, {problem['column']}: {problem['message']}"
                )
        if report.errors and not report.committed and not options["dry_run"]:
            sys.exit(1)
