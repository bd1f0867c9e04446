"""Template filters for giving: money in the school's currency."""

from decimal import Decimal

from django import template

from alma.lib.money import format_money

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    return format_money(value)


@register.filter
def split(value: str) -> list[str]:
    return value.split()
