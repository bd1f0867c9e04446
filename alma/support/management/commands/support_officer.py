"""Name alumni-office staff who may open every support case (besides each case's own team)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.accounts.models import User
from alma.lib.errors import ApplicationError
from alma.support.models import CaseOfficer
from alma.support.services import case_officer_name


class Command(BaseCommand):
    help = "Name (or with --remove, un-name) a case officer by their login's email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None or user.person is None:
            raise CommandError("No login with a person record has that email.")
        if options["remove"]:
            CaseOfficer.objects.filter(person=user.person).delete()
            self.stdout.write(f"{user.email} is no longer a case officer.")
            return
        try:
            case_officer_name(person=user.person)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{user.email} is a case officer.")
