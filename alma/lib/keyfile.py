"""Where Alma keeps its local files, and the secret key `alma demo` keeps among them.

Imported by settings (no Django imports here).
"""

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
