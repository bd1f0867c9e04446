"""Signed tokens in mail: unsubscribe links, the preference centre, tracked links.

Each kind of token has its own salt, so a token made for one purpose is refused by the others.
"""

from typing import Any

from django.core import signing

UNSUBSCRIBE_SALT = "alma.comms.unsubscribe"
PREFERENCES_SALT = "alma.comms.preferences"
CLICK_SALT = "alma.comms.click"
MESSAGE_SALT = "alma.comms.cohort-message"
# Links in mail keep working for about two years (an old newsletter is still read).
MAX_AGE = 2 * 366 * 24 * 3600


def make(value: Any, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


def read(token: str, salt: str, max_age: int | None = MAX_AGE) -> Any | None:
    """The signed value, or None for a token that was altered, expired or made for another use."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
