"""Money: Decimal amounts with their currency's places (ISO 4217), never floats.

The school keeps its books in one currency (`settings.ALMA_CURRENCY`); a gift in another
currency keeps its original amount, the rate and the amount converted into the school's.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from alma.lib.errors import ApplicationError

# Minor units of the currencies Alma accepts (ISO 4217). Columns hold two places at most.
CURRENCY_PLACES: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "MOP": 2,
    "TWD": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "JPY": 0,
    "KRW": 0,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "NZD": 2,
}
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}
# Amounts up to a thousand billion; every money column is max_digits=15, decimal_places=2.
MAX_AMOUNT = Decimal("9999999999999.99")


def school_currency() -> str:
    return str(getattr(settings, "ALMA_CURRENCY", "CNY"))


def places_of(currency: str) -> int:
    try:
        return CURRENCY_PLACES[currency]
    except KeyError:
        raise ApplicationError(
            _("Unknown currency %(c)s.") % {"c": currency}, field="currency"
        ) from None


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-places_of(currency))


def parse_amount(
    value: Any, *, currency: str, field: str = "amount", allow_zero: bool = False
) -> Decimal:
    """A positive amount in `currency`, with no more places than the currency has.

    Text and Decimals are read exactly; floats are refused (they are not exact). An amount with
    too many places is refused, not rounded: a donor's figure is never changed silently.
    """
    if isinstance(value, (float, bool)):
        raise ApplicationError(_("Give the amount as a decimal number."), field=field)
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ApplicationError(_("Give the amount as a number, e.g. 1000.00."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ApplicationError(_("The amount must be more than zero."), field=field)
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("The amount is too large."), field=field)
    places = places_of(currency)
    if amount != amount.quantize(quantum(currency), rounding=ROUND_HALF_UP):
        raise ApplicationError(
            _("%(c)s amounts have at most %(n)d decimal places.") % {"c": currency, "n": places},
            field=field,
        )
    return amount.quantize(quantum(currency))


def convert(amount: Decimal, *, rate: Decimal, to: str) -> Decimal:
    """`amount` times `rate`, rounded half up to the places of the currency `to`."""
    return (amount * rate).quantize(quantum(to), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str | None = None) -> str:
    """'¥1,234.50' — grouped, with the currency's places."""
    if amount is None:
        return ""
    currency = currency or school_currency()
    places = CURRENCY_PLACES.get(currency, 2)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.{places}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def exact_sum(queryset: QuerySet[Any], field: str = "amount") -> Decimal:
    """The exact sum of a money column.

    PostgreSQL adds numerics exactly. SQLite keeps them as binary floating point and its SUM
    is a float sum (2.01 plus a few entries can come back as 2.01000000000022); there each value
    is read (Django rounds a column to its places) and added as a Decimal.
    """
    if connections[queryset.db].vendor == "postgresql":
        return queryset.aggregate(total=Sum(field))["total"] or Decimal(0)
    return sum(queryset.values_list(field, flat=True), Decimal(0))
