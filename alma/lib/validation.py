"""Model validation as a user's error: the first bad field becomes an ApplicationError."""

from django.core.exceptions import ValidationError
from django.db import models

from alma.lib.errors import ApplicationError


def full_clean_or_refuse(obj: models.Model, *, exclude: list[str]) -> None:
    """Run the model's validation; a failure names the field to fix, never a 500."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=name) from None
