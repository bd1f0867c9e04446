"""Rules for what a person record may hold, shared by the profile form, the API, the admin and
the import (each calls these rather than writing its own)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Nobody alive was born earlier; a later date is a typing slip (a year of 1 or 9999).
EARLIEST_DATE_OF_BIRTH = dt.date(1900, 1, 1)


def date_of_birth_problem(day: dt.date) -> str | None:
    """Why the day cannot be a date of birth, or None when it can."""
    if not EARLIEST_DATE_OF_BIRTH <= day <= timezone.localdate():
        return _("A date of birth must be between %(first)s and today.") % {
            "first": EARLIEST_DATE_OF_BIRTH.isoformat()
        }
    return None


def validate_date_of_birth(day: dt.date | None) -> None:
    """The same rule as a Django validator (forms and services)."""
    if day is not None:
        problem = date_of_birth_problem(day)
        if problem:
            raise ValidationError(problem, code="date_of_birth_range")
