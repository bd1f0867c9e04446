"""`alma careers ...`: the fairs, a fair's report, a student's recommendations, expiry.

- `fairs [--json]`: every fair, `{"id", "name", "date" (ISO), "status"}`, newest first;
- `fair-report FAIR_ID [--json]`: `{"organisations", "postings", "openings", "applications",
  "offers", "hires", "majors_covered", "majors_total"}` (see selectors.fair_report);
- `recommend --student PERSON_ID [--limit 10] [--json]`: live postings ranked for the student,
  each `{"posting", "organisation", "score", "reasons"}`;
- `expire`: close live postings whose deadline has passed (idempotent; for cron);
- `reindex`: rebuild the postings' search documents.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Careers: fairs, fair-report FAIR_ID, recommend --student ID, expire."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fairs = sub.add_parser("fairs", help="list the job fairs")
        fairs.add_argument("--json", action="store_true", help="print JSON")
        report = sub.add_parser("fair-report", help="a fair's figures")
        report.add_argument("fair_id", type=int)
        report.add_argument("--json", action="store_true", help="print JSON")
        recommend = sub.add_parser("recommend", help="postings recommended for a student")
        recommend.add_argument("--student", type=int, required=True, help="the person id")
        recommend.add_argument("--limit", type=int, default=10)
        recommend.add_argument("--json", action="store_true", help="print JSON")
        sub.add_parser("expire", help="close postings past their deadline")
        sub.add_parser("reindex", help="rebuild the postings' search documents")

    def handle(self, *args: Any, **options: Any) -> None:
        from alma.careers import selectors, services
        from alma.careers.models import JobFair
        from alma.people.models import Person

        action = options["action"]
        if action == "reindex":
            self.stdout.write(f"{services.postings_reindex()} live postings indexed.")
            return
        if action == "expire":
            self.stdout.write(f"{services.postings_expire()} postings closed.")
            return
        if action == "fairs":
            fairs = [
                {"id": f.pk, "name": f.name, "date": f.date.isoformat(), "status": f.status}
                for f in JobFair.objects.order_by("-date", "-id")
            ]
            if options["json"]:
                self.stdout.write(json.dumps(fairs, ensure_ascii=False))
            else:
                for row in fairs:
                    self.stdout.write(f"{row['id']}\t{row['date']}\t{row['status']}\t{row['name']}")
            return
        if action == "fair-report":
            fair = JobFair.objects.filter(pk=options["fair_id"]).first()
            if fair is None:
                raise CommandError(f"No fair with id {options['fair_id']}.")
            report = selectors.fair_report(fair)
            if options["json"]:
                self.stdout.write(json.dumps(report))
            else:
                for key, value in report.items():
                    self.stdout.write(f"{key}: {value}")
            return
        # recommend
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        person = Person.objects.filter(pk=options["student"]).first()
        if person is None:
            raise CommandError(f"No person with id {options['student']}.")
        rows: list[dict[str, Any]] = [
            {
                "posting": posting.pk,
                "organisation": posting.organization.name,
                "score": round(ranked.score, 4),
                "reasons": ranked.reason_labels(),
            }
            for posting, ranked in selectors.recommendations_for(person, limit=options["limit"])
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
        else:
            for item in rows:
                self.stdout.write(
                    f"{item['score']:.3f}\t{item['posting']}\t{item['organisation']}\t"
                    + "; ".join(item["reasons"])
                )
