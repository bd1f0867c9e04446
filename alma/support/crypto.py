"""Encryption at rest for what a support case says: MultiFernet over ALMA_SUPPORT_KEYS.

The first key encrypts; every key decrypts, so a new key goes first and the old ones stay
listed until `alma support_rotate_keys` has re-encrypted every value under the new one.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext as _

from alma.lib.errors import ApplicationError


def key_problem(keys: list[str]) -> str | None:
    """Why these keys cannot be used (None when they can)."""
    if not keys:
        return "no key"
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return f"key {position} is not a Fernet key (32 bytes, URL-safe base64)"
    return None


def _cipher() -> MultiFernet:
    keys = list(settings.ALMA_SUPPORT_KEYS)
    if key_problem(keys) is not None:
        raise ApplicationError(
            _("Support cases are switched off: the server has no valid ALMA_SUPPORT_KEYS.")
        )
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    """The text as a Fernet token (empty stays empty: nothing to hide, nothing to purge)."""
    if not text:
        return ""
    return _cipher().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise ApplicationError(
            _("This text was encrypted with a key the server no longer has.")
        ) from None


def encrypt_bytes(content: bytes) -> bytes:
    return _cipher().encrypt(content)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _cipher().decrypt(token)
    except InvalidToken:
        raise ApplicationError(
            _("This file was encrypted with a key the server no longer has.")
        ) from None


def rotate(token: str) -> str:
    """The same plaintext under the first key."""
    if not token:
        return ""
    return _cipher().rotate(token.encode("ascii")).decode("ascii")


def rotate_bytes(token: bytes) -> bytes:
    return _cipher().rotate(token)
