"""`flush` as Django's, except that it first empties the fund ledger the one way its triggers
allow (alma.giving.maintenance): without this, emptying the database (`alma flush`,
`alma demo --reset`, the test suite between tests that commit) would be refused once any money
had moved."""

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush

from alma.giving.maintenance import ledger_erase


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if options["interactive"]:
            confirm = input(
                "You have requested a flush of the database.\n"
                "This will IRREVERSIBLY DESTROY all data currently in the database, the fund "
                "ledger included, and return each table to an empty state.\n"
                "Are you sure you want to do this?\n\n"
                "    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
        ledger_erase(using=options["database"])
        super().handle(**{**options, "interactive": False})
