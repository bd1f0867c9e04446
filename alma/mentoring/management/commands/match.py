"""`alma match --cycle ID --solver S [--json]`: run a cycle's matching as the office page does."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.lib.errors import ApplicationError
from alma.mentoring.models import Cycle
from alma.mentoring.services import SOLVERS, matching_run


class Command(BaseCommand):
    help = "Propose mentor–mentee pairs for a mentoring cycle and print the objective."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", type=int, required=True, help="the cycle's id")
        parser.add_argument("--solver", choices=SOLVERS, default="optimal")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cycle = Cycle.objects.select_related("program").get(pk=options["cycle"])
        except Cycle.DoesNotExist:
            raise CommandError(f"No mentoring cycle with id {options['cycle']}.") from None
        try:
            outcome = matching_run(cycle=cycle, by=None, solver=options["solver"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        run = outcome.run
        result = {
            "cycle": cycle.pk,
            "solver": run.solver,
            "objective": run.objective,
            "matched": run.matched,
            "mentees": run.mentees,
            "unmatched": len(outcome.unmatched),
            "seconds": run.seconds,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"{cycle}: {run.solver} proposed {run.matched} of {run.mentees} mentees, "
                f"objective {run.objective:.4f}, {run.seconds:.2f} s"
            )
