"""`{{ value|local:"major" }}`: a stored reference value in the reader's language
(alma/people/reference.py)."""

from django import template

from alma.people.reference import local_name

register = template.Library()


@register.filter
def local(value: object, kind: str) -> object:
    if not isinstance(value, str):
        return value
    return local_name(kind, value)
