"""`alma forum route --text "QUESTION" [--topic T] [--tags a,b] [--asker ID] [--limit N] [--json]`
and `alma forum reindex`.

route prints the alumni a question would be routed to, without posting anything, with the
weekly invitation caps applied as if it were posted: with --json a list of
`{"person", "score", "reasons", "industry", "major", "city", "expertise"}` (default limit 5;
ties go to the fewest invitations this week, then the lower id). Without --asker the question
is routed as a student's (fields shown to verified members only).

reindex rebuilds every routing profile and the questions' search documents (the worker keeps
them current; bulk loads call this).
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.forum.models import Topic


class Command(BaseCommand):
    help = "Forum: `route` shows who a question would go to; `reindex` rebuilds the routing index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        route = sub.add_parser("route", help="the alumni a question would be routed to")
        route.add_argument("--text", required=True)
        route.add_argument("--topic", default="", choices=["", *Topic.values])
        route.add_argument("--tags", default="")
        route.add_argument("--asker", type=int, default=None)
        route.add_argument("--limit", type=int, default=5)
        route.add_argument("--json", action="store_true", help="print JSON")
        sub.add_parser("reindex", help="rebuild routing profiles and question search documents")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            from alma.forum.services import forum_reindex

            profiles, questions = forum_reindex()
            self.stdout.write(f"{profiles} routing profiles, {questions} questions indexed.")
            return
        from alma.forum.routing import reason_text, route_question
        from alma.people.models import Person

        if not 1 <= options["limit"] <= 100:
            raise CommandError("--limit must be 1 to 100")
        asker = None
        if options["asker"] is not None:
            asker = Person.objects.filter(pk=options["asker"]).first()
            if asker is None:
                raise CommandError(f"no person {options['asker']}")
        tags = [t.strip() for t in options["tags"].split(",") if t.strip()]
        routed = route_question(
            text=options["text"],
            topic=options["topic"],
            tags=tags,
            asker=asker,
            limit=options["limit"],
        )
        if options["json"]:
            rows = []
            for item in routed:
                row = item.as_json()
                row["reasons"] = [
                    {**reason, "label": reason_text(reason)} for reason in item.reasons
                ]
                rows.append(row)
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for item in routed:
            reasons = "; ".join(reason_text(r) for r in item.reasons)
            self.stdout.write(f"{item.person}\t{item.score:.3f}\t{reasons}")
