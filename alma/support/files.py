"""Where a case's files are kept: encrypted, under VAR_DIR/support/, readable by the owner only."""

from pathlib import Path

from django.conf import settings

# Accepted by content, not by name: (magic bytes, extension, content type).
FILE_TYPES = [
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
]


def files_dir() -> Path:
    path = Path(settings.VAR_DIR) / "support"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def file_path(storage_token: str) -> Path:
    return files_dir() / f"{storage_token}.bin"
