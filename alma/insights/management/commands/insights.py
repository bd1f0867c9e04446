"""`alma insights`: coverage and blind spots of a cohort, the CASE AEM report, rollup refresh.

    alma insights coverage --entry-year Y [--school S] [--from DATE --to DATE] [--json]
    alma insights aem --fiscal-year Y [--json]
    alma insights refresh

coverage and aem count straight from the ledger (exact now, whatever the rollups' age) unless
--from-rollups is given; refresh rebuilds the rollups the pages read (for cron, or at once).
"""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.activity.models import Aspect, ProcessStage, Provider
from alma.insights import selectors
from alma.insights.blindspots import blind_spots
from alma.insights.selectors import Cohort, Period


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}.") from None


class Command(BaseCommand):
    help = "Five-service coverage and blind spots, the CASE AEM report, and the rollups' refresh."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        coverage = sub.add_parser("coverage", help="coverage matrix and blind spots of a cohort")
        coverage.add_argument("--entry-year", type=int, default=None)
        coverage.add_argument("--school", default="")
        coverage.add_argument("--major", default="")
        coverage.add_argument("--degree-level", default="")
        coverage.add_argument("--hometown-province", default="")
        coverage.add_argument("--current-stage", default="")
        coverage.add_argument("--from", dest="start", type=_date, default=None)
        coverage.add_argument("--to", dest="end", type=_date, default=None, help="inclusive")
        coverage.add_argument("--from-rollups", action="store_true")
        coverage.add_argument("--json", action="store_true")
        aem = sub.add_parser("aem", help="the CASE Alumni Engagement Metrics of a fiscal year")
        aem.add_argument("--fiscal-year", type=int, required=True)
        aem.add_argument("--from-rollups", action="store_true")
        aem.add_argument("--json", action="store_true")
        sub.add_parser("refresh", help="rebuild the rollups now")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "coverage":
            self._coverage(options)
        elif action == "aem":
            self._aem(options)
        else:
            from alma.insights.services import rollups_refresh

            state = rollups_refresh()
            self.stdout.write(f"Rollups rebuilt in {state.seconds:.1f} s.")

    def _coverage(self, options: dict[str, Any]) -> None:
        start, end = options["start"], options["end"]
        if start and end and end < start:
            raise CommandError("--to is before --from.")
        cohort = Cohort(
            entry_year=options["entry_year"],
            school=options["school"],
            major=options["major"],
            degree_level=options["degree_level"],
            hometown_province=options["hometown_province"],
            current_stage=options["current_stage"],
        )
        period = Period.of_dates(start, end)
        if options["from_rollups"]:
            result = selectors.coverage(cohort=cohort, period=period)
        else:
            result = selectors.coverage_from_ledger(cohort=cohort, period=period)
        spots = blind_spots(result, viewer=None)
        if options["json"]:
            payload = {
                "cells": [c.as_contract() for c in result.cells],
                "blind_spots": [s.as_contract() for s in spots],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"Cohort: {result.cohort_size} people")
        for cell in result.cells:
            if cell.served:
                self.stdout.write(
                    f"  {ProcessStage(cell.stage).label} · {Aspect(cell.aspect).label} · "
                    f"{Provider(cell.provider).label}: {cell.served} served "
                    f"({(cell.share or 0):.0%}), {cell.per_student or 0:.2f} per student"
                )
        self.stdout.write("Blind spots:")
        for spot in spots:
            self.stdout.write(f"  - {spot.text}")

    def _aem(self, options: dict[str, Any]) -> None:
        year = options["fiscal_year"]
        if not 1900 <= year <= 2200:
            raise CommandError("--fiscal-year must be a year, e.g. 2025.")
        if options["from_rollups"]:
            report = selectors.aem_report(fiscal_year=year)
        else:
            report = selectors.aem_from_ledger(fiscal_year=year)
        payload = report.as_contract()
        if options["json"]:
            self.stdout.write(json.dumps(payload, indent=1))
            return
        for key, value in payload.items():
            self.stdout.write(f"{key}: {value}")
