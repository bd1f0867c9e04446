"""Where Alma keeps its local files, and the secret key `alma demo` keeps among them.

Imported by settings (no Django imports here).
"""

import base64
import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"


def var_dir() -> Path:
    return Path(os.environ.get("ALMA_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))


def kept_secret_key(*, create: bool) -> str | None:
    """The key kept in var/secret_key (made, readable by its owner only, when `create`)."""
    path = var_dir() / KEY_FILE_NAME
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two demos started at once keep one key, the second reads the first's.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50) + "\n")
    key = path.read_text().strip()
    return key or None


SUPPORT_KEY_FILE_NAME = "support_key"


def kept_support_key(*, create: bool) -> str | None:
    """The Fernet key for support cases kept in var/support_key (made by `alma demo`).

    A Fernet key is 32 random bytes, URL-safe base64; made here without importing the
    cryptography package, which settings must not need.
    """
    path = var_dir() / SUPPORT_KEY_FILE_NAME
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    key = path.read_text().strip()
    return key or None
