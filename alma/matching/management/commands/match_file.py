"""`alma match-file INPUT.json --solver optimal|stable|greedy`: the engine on its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import ValidationError

from alma.matching.graph import MatchingInputError
from alma.matching.schemas import MatchFile, describe_errors
from alma.matching.solvers import SOLVER_NAMES, solve


class Command(BaseCommand):
    help = (
        "Assign left items to right items within capacities, from a JSON file of scored "
        'candidate pairs ({"left": [{"id", "capacity"}], "right": [...], "pairs": '
        '[{"left", "right", "score"}]}), and print {"assignment": [...], "total": ...}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="the JSON file, or - to read standard input")
        parser.add_argument(
            "--solver",
            choices=SOLVER_NAMES,
            default="optimal",
            help="optimal (maximum total score, the default), stable or greedy",
        )
        parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["input"]
        source = "standard input" if path == "-" else path
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {source}: {error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{source} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        try:
            document = MatchFile.model_validate(data)
            graph = document.graph()
        except ValidationError as error:
            problems = "\n  ".join(describe_errors(error))
            raise CommandError(f"{source} is malformed:\n  {problems}") from None
        except MatchingInputError as error:
            raise CommandError(f"{source} is malformed: {error.message}") from None
        matching = solve(graph, solver=options["solver"])
        self.stdout.write(
            json.dumps(matching.as_dict(), indent=options["indent"], ensure_ascii=False)
        )
