"""Backups of everything a deployment cannot rebuild: the database, uploaded files, the secret key.

A backup is one `.tar.gz`: `database.dump` (PostgreSQL: pg_dump's custom format) or
`database.sqlite3` (SQLite: the online backup API, consistent while the site runs), `media/` (the
uploads), `var/` (the keys Alma keeps there and the private files: CVs, support cases' encrypted
files, profile photos; see KEPT_IN_VAR), and `manifest.json` with the row count of
every table and a digest of the activity ledger, which `restore` checks after restoring.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from alma.lib.errors import ApplicationError
from alma.lib.keyfile import KEY_FILE_NAME, SUPPORT_KEY_FILE_NAME, var_dir

FORMAT_VERSION = 1


def postgres_binary(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else Debian's /usr/lib/postgresql/<major>/bin (newest)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise ApplicationError(
            f"{name} was not found: install the PostgreSQL client (Debian: postgresql-client)."
        )
    return candidates[-1]


def _libpq_environment(alias: str) -> dict[str, str]:
    database = connections[alias].settings_dict
    environment = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in each of Alma's tables (every installed model's own table)."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model tables
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def ledger_digest() -> str:
    """A digest of the activity ledger: every row's identity, who, whom, what, when and rating."""
    from alma.activity.models import Activity

    digest = hashlib.sha256()
    rows = Activity.objects.order_by("pk").values_list(
        "pk", "kind", "actor_id", "beneficiary_id", "occurred_at", "rating"
    )
    for row in rows.iterator(chunk_size=5000):
        digest.update(repr(tuple(str(value) for value in row)).encode())
    return digest.hexdigest()


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


# What lives in var/ besides the database and cannot be rebuilt: the kept keys (the secret key
# that signs links, the key that decrypts support cases) and the private files no URL reaches
# (students' CVs, support cases' encrypted files, profile photos).
KEPT_IN_VAR = (KEY_FILE_NAME, SUPPORT_KEY_FILE_NAME, "careers", "support", "photos")


def backup_create(*, directory: Path, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    connection = connections[alias]
    vendor = connection.vendor
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"alma-{stamp}.tar.gz"
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": vendor,
        "tables": table_counts(alias),
        "ledger_digest": ledger_digest(),
    }
    with tempfile.TemporaryDirectory(prefix="alma-backup-") as work:
        staging = Path(work)
        if vendor == "postgresql":
            dump = staging / "database.dump"
            subprocess.run(  # noqa: S603 - our own arguments, no shell
                [postgres_binary("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}"],
                check=True,
                env=_libpq_environment(alias),
                capture_output=True,
            )
        elif vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(staging / "database.sqlite3")
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise ApplicationError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(path, "w:gz") as archive:
            for item in sorted(staging.iterdir()):
                archive.add(item, arcname=item.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="media")
            for name in KEPT_IN_VAR:
                kept = var_dir() / name
                if kept.exists():
                    archive.add(kept, arcname=f"var/{name}")
    path.chmod(0o600)  # it holds everyone's records and the key that signs their links
    return BackupResult(path=path, manifest=manifest)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: dict[str, int]
    ledger_digest: str

    @property
    def matches(self) -> bool:
        return (
            self.tables == self.manifest["tables"]
            and self.ledger_digest == self.manifest["ledger_digest"]
        )

    def differences(self) -> list[str]:
        found = [
            f"{table}: {self.tables.get(table)} rows, {count} in the backup"
            for table, count in self.manifest["tables"].items()
            if self.tables.get(table) != count
        ]
        if self.ledger_digest != self.manifest["ledger_digest"]:
            found.append("the activity ledger differs from the backup's")
        return found


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        target = Path(member.name)
        if target.is_absolute() or ".." in target.parts or not (member.isfile() or member.isdir()):
            raise ApplicationError(f"The backup holds an unexpected entry: {member.name}")
        members.append(member)
    return members


def backup_restore(*, path: Path, alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replace the database's contents, the uploads and the kept key with the backup's."""
    if not path.is_file():
        raise ApplicationError(f"No backup at {path}.")
    connection = connections[alias]
    with tempfile.TemporaryDirectory(prefix="alma-restore-") as work:
        staging = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(staging, members=_safe_members(archive))  # noqa: S202 - checked
        manifest = json.loads((staging / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise ApplicationError("This backup was made by another version of Alma.")
        if manifest["database"] != connection.vendor:
            raise ApplicationError(
                f"This backup is of a {manifest['database']} database; this site uses "
                f"{connection.vendor}."
            )
        if connection.vendor == "postgresql":
            connection.close()
            subprocess.run(  # noqa: S603 - our own arguments, no shell
                [
                    postgres_binary("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(staging / "database.dump"),
                ],
                check=True,
                env=_libpq_environment(alias),
                capture_output=True,
            )
        else:
            connection.ensure_connection()
            source = sqlite3.connect(staging / "database.sqlite3")
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        media = staging / "media"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        for name in KEPT_IN_VAR:
            kept = staging / "var" / name
            if not kept.exists():
                kept = staging / name  # backups made before the private files were kept
            if kept.is_dir():
                shutil.copytree(kept, var_dir() / name, dirs_exist_ok=True)
            elif kept.is_file():
                var_dir().mkdir(parents=True, exist_ok=True)
                shutil.copy2(kept, var_dir() / name)
    return RestoreResult(
        manifest=manifest, tables=table_counts(alias), ledger_digest=ledger_digest()
    )


def default_backup_directory() -> Path:
    return Path(os.environ.get("ALMA_BACKUP_DIR") or var_dir() / "backups")
