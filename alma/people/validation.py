"""Rules for what a person record may hold, shared by the profile form, the API, the office's
pages and the import (each calls these rather than writing its own): the date of birth's range,
what a phone number is (and its one stored form), and that an email is one person's only."""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alma.lib.reasons import Reason

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


PHONE_REASON = Reason(gettext_noop("not a phone number"))
_PHONE_JUNK = re.compile(r"[\s\-().（）]")


class NotAPhone(ValueError):
    pass


def normalise_phone(value: str) -> str:
    """+86 and a Chinese mobile, or +digits, or the digits; raises NotAPhone if not a phone."""
    if len(value) == 11 and value[0] == "1" and value.isascii() and value.isdigit():
        return "+86" + value  # a Chinese mobile as most files write it: what the rules below make
    text = _PHONE_JUNK.sub("", value if value.isascii() else unicodedata.normalize("NFKC", value))
    plus = text.startswith("+")
    digits = text.lstrip("+")
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if not digits.isdigit() or not 6 <= len(digits) <= 15:
        raise NotAPhone(value)
    if not plus and len(digits) == 11 and digits[0] == "1":
        return "+86" + digits
    if (plus or digits.startswith("86")) and len(digits) == 13 and digits.startswith("861"):
        return "+" + digits
    return ("+" if plus else "") + digits


def clean_phone(value: str) -> str:
    """The phone's stored form ('' stays ''), or a ValidationError saying what a phone is."""
    if not value.strip():
        return ""
    try:
        return normalise_phone(value.strip())
    except NotAPhone:
        raise ValidationError(
            _("Enter a phone number: 6 to 15 digits, with + and the country code if abroad."),
            code="phone",
        ) from None


def email_holder(email: str, *, other_than: int | None) -> int | None:
    """The id of another person whose record or sign-in uses the email (in any case), if any."""
    from alma.accounts.models import User
    from alma.people.models import Person

    if not email:
        return None
    people = Person.objects.filter(email__iexact=email)
    users = User.objects.filter(email__iexact=email, person__isnull=False)
    if other_than is not None:
        people = people.exclude(pk=other_than)
        users = users.exclude(person_id=other_than)
    holder = people.values_list("pk", flat=True).first()
    if holder is None:
        holder = users.values_list("person_id", flat=True).first()
    return holder


def validate_email_free(email: str, *, person_id: int | None) -> None:
    if email_holder(email, other_than=person_id) is not None:
        raise ValidationError(
            _("This email is already another person's. Use your own address."), code="email_taken"
        )
