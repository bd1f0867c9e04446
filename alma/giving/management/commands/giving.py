"""`alma giving reconcile [--json]` and `alma giving reminders`: checks and jobs for giving.

reconcile re-derives every fund's balance from its ledger entries and compares it with every
stored, cached and reported figure; it prints
`{"funds": N, "entries": N, "mismatches": N, "negative": N, "balances": [...]}` with --json and
exits 1 if any fund mismatches or is (or ever was) below zero.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Giving: `reconcile` checks every fund against its ledger; `reminders` sends pledge reminders now due."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser("reconcile", help="re-derive balances from the ledger")
        reconcile.add_argument("--json", action="store_true", help="print JSON")
        sub.add_parser("reminders", help="email pledge instalments due within a week")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reminders":
            from alma.giving.services import pledge_reminders_sweep

            self.stdout.write(f"{pledge_reminders_sweep()} reminders sent.")
            return
        from alma.giving.selectors import ledger_reconcile

        checks = ledger_reconcile()
        report: dict[str, Any] = {
            "funds": len(checks),
            "entries": sum(c.entries for c in checks),
            "mismatches": sum(1 for c in checks if c.mismatch),
            "negative": sum(1 for c in checks if c.negative),
        }
        if options["json"]:
            report["balances"] = [
                {"fund": c.fund_id, "code": c.code, "balance": str(c.balance)} for c in checks
            ]
            self.stdout.write(json.dumps(report))
        else:
            for c in checks:
                for problem in c.problems:
                    self.stdout.write(f"{c.code}: {problem}")
            self.stdout.write(
                f"{report['funds']} funds, {report['entries']} entries, "
                f"{report['mismatches']} mismatches, {report['negative']} negative."
            )
        if report["mismatches"] or report["negative"]:
            raise SystemExit(1)
