"""Fiscal years: the month they start in comes from settings; a year is named by the calendar
year it ends in (with a September start, fiscal 2025 runs from 1 September 2024 to 31 August 2025).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Case, Expression, IntegerField, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone


def start_month() -> int:
    month = int(settings.ALMA_FISCAL_YEAR_START_MONTH)
    if not 1 <= month <= 12:
        raise ValueError("ALMA_FISCAL_YEAR_START_MONTH must be a month, 1 to 12.")
    return month


def fiscal_year_of(day: dt.date) -> int:
    month = start_month()
    return day.year + 1 if month > 1 and day.month >= month else day.year


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first day of the fiscal year and the first day after it."""
    month = start_month()
    if month == 1:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return dt.date(year - 1, month, 1), dt.date(year, month, 1)


def aware_start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def fiscal_year_expression(field: str = "occurred_at") -> Expression:
    """The fiscal year of a datetime column, in SQL, in the site's time zone (any database)."""
    month = start_month()
    year = ExtractYear(field)
    if month == 1:
        return year
    return Case(
        When(**{f"{field}__month__gte": month}, then=year + Value(1)),
        default=year,
        output_field=IntegerField(),
    )


def label_of(year: int) -> str:
    """'2025' for calendar fiscal years, '2024/25' otherwise."""
    if start_month() == 1:
        return str(year)
    return f"{year - 1}/{year % 100:02d}"
