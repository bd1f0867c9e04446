"""`alma comms`: a mailing's numbers, sending a mailing from the command line, digests."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.comms.models import Mailing


class Command(BaseCommand):
    help = "Mailings and notifications: status, send, digest."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="A mailing's recipients, sent, clicks...")
        status.add_argument("mailing_id", type=int)
        status.add_argument("--json", action="store_true")
        send = sub.add_parser(
            "send",
            help="Send a mailing's pending recipients here and now (queues it first if it "
            "is scheduled); safe to run again after it was killed, and beside workers.",
        )
        send.add_argument("mailing_id", type=int)
        send.add_argument("--pause", type=float, default=0.0, help="Seconds between mails.")
        sub.add_parser("digest", help="Mail every daily digest that waits (for cron).")

    def handle(self, *args: Any, **options: Any) -> None:
        from alma.comms import mailings, services

        action = options["action"]
        if action == "digest":
            self.stdout.write(f"{services.notification_digests_send()} digests sent.")
            return
        mailing = Mailing.objects.filter(pk=options["mailing_id"]).first()
        if mailing is None:
            raise CommandError(f"No mailing {options['mailing_id']}.")
        if action == "status":
            stats = mailings.mailing_stats(mailing)
            if options["json"]:
                self.stdout.write(json.dumps(stats.contract()))
            else:
                for key, value in stats.contract().items():
                    self.stdout.write(f"{key}: {value}")
            return
        if mailing.status == Mailing.Status.SCHEDULED:
            mailings.mailing_queue(mailing_id=mailing.pk)

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"sent {done}/{total}\n")
            sys.stderr.flush()

        sent = mailings.mailing_send(
            mailing_id=mailing.pk, pause=options["pause"], progress=progress
        )
        self.stdout.write(
            json.dumps({"sent_now": sent, **mailings.mailing_stats(mailing).contract()})
        )
