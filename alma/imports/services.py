"""Writes of the imports app: saved mappings, uploaded batches and their background runs."""

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.imports.fields import FIELDS, propose_mapping
from alma.imports.models import ImportBatch, ImportMapping
from alma.imports.reading import max_bytes, read_table
from alma.lib.errors import ApplicationError

# Files up to this size (about 2,000 rows) are checked and imported in the request; larger ones
# by `alma worker`, so that no web request runs a long import.
INLINE_BYTES = 256 * 1024


def uploads_dir() -> Path:
    """Uploaded files live under var/, never under MEDIA_ROOT: only views of the office read them."""
    path = Path(getattr(settings, "ALMA_IMPORTS_DIR", settings.VAR_DIR / "imports"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def mapping_load(spec: str, *, headers: list[str]) -> dict[str, str]:
    """A mapping from a saved mapping's name, a JSON file, or 'header=field,header=field'."""
    saved = ImportMapping.objects.filter(name=spec).first()
    if saved is not None:
        return dict(saved.columns)
    path = Path(spec)
    if path.suffix == ".json" and path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ApplicationError(_("A mapping file holds one JSON object {header: field}."))
        return {str(k): str(v) for k, v in data.items()}
    if "=" in spec:
        pairs = [item.split("=", 1) for item in spec.split(",") if "=" in item]
        return {k.strip(): v.strip() for k, v in pairs}
    raise ApplicationError(_("No saved mapping is called %s.") % spec)


@transaction.atomic
def mapping_save(*, name: str, columns: dict[str, str], by: User | None) -> ImportMapping:
    columns = {h: f for h, f in columns.items() if f in FIELDS}
    mapping, _created = ImportMapping.objects.update_or_create(
        name=name.strip()[:120], defaults={"columns": columns, "created_by": by}
    )
    return mapping


def batch_path(batch: ImportBatch) -> Path:
    return uploads_dir() / batch.stored_name


def progress_path(batch: ImportBatch) -> Path:
    return uploads_dir() / f"{batch.stored_name}.progress.json"


@transaction.atomic
def import_batch_upload(*, name: str, data: bytes, by: User | None) -> ImportBatch:
    """Store the file outside public media and read it once to check it is a table."""
    if len(data) > max_bytes():
        raise ApplicationError(
            _("The file is larger than the limit of %(mb)d MB.") % {"mb": max_bytes() // 2**20}
        )
    suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
    table = read_table(data, filename=name)
    stored = f"{uuid.uuid4().hex}{suffix}"
    path = uploads_dir() / stored
    path.write_bytes(data)
    path.chmod(0o600)
    return ImportBatch.objects.create(
        original_name=Path(name).name[:255],
        stored_name=stored,
        size=len(data),
        encoding=table.encoding,
        columns=propose_mapping(table.headers),
        created_by=by,
    )


def import_batch_table(batch: ImportBatch, *, lazy: bool = False) -> Any:
    """The batch's file as a table (lazy: read as an import asks for its rows)."""
    return read_table(batch_path(batch).read_bytes(), filename=batch.original_name, lazy=lazy)


def import_batch_runs_inline(batch: ImportBatch) -> bool:
    """Whether the batch's preview and import are small enough to run in the request; larger
    files go to `alma worker`."""
    return batch.size <= INLINE_BYTES


def _claim(batch_id: int, *, waiting: str, running: str) -> bool:
    """Move the batch from `waiting` to `running` in one conditional UPDATE: True for the one
    worker (or request) that did, so no two ever run the same job."""
    return bool(ImportBatch.objects.filter(pk=batch_id, status=waiting).update(status=running))


def import_batch_request_preview(*, batch: ImportBatch, columns: dict[str, str]) -> ImportBatch:
    """Set the mapping and check the rows: now for a small file, else in the background."""
    from alma.imports.tasks import import_batch_preview_task

    columns = {h: f for h, f in columns.items() if f in FIELDS}
    queued = ImportBatch.objects.filter(
        pk=batch.pk,
        status__in=[ImportBatch.Status.UPLOADED, ImportBatch.Status.FAILED],
    ).update(columns=columns, report={}, status=ImportBatch.Status.PREVIEW_QUEUED)
    if not queued:
        raise ApplicationError(_("This import is being checked or has already been started."))
    progress_path(batch).unlink(missing_ok=True)
    if import_batch_runs_inline(batch):
        import_batch_preview(batch_id=batch.pk)
    else:
        transaction.on_commit(lambda: import_batch_preview_task.enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def import_batch_preview(*, batch_id: int) -> ImportBatch:
    """Check the batch's rows and count what importing would do (the background job, or inline
    for small files), if no one else is already checking it."""
    from alma.imports.people_import import people_import

    batch = ImportBatch.objects.get(pk=batch_id)
    if not _claim(
        batch_id,
        waiting=ImportBatch.Status.PREVIEW_QUEUED,
        running=ImportBatch.Status.PREVIEWING,
    ):
        return batch
    try:
        report = people_import(
            table=import_batch_table(batch, lazy=True),
            mapping=batch.columns,
            dry_run=True,
            progress=lambda stage, done, total: _write_progress(batch, stage, done, total),
        ).as_dict()
    except ApplicationError as error:
        report = {"error": error.stored()}
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.UPLOADED)
        raise
    ImportBatch.objects.filter(pk=batch_id).update(
        report=report, status=ImportBatch.Status.UPLOADED
    )
    batch.refresh_from_db()
    return batch


def _write_progress(batch: ImportBatch, stage: str, done: int, total: int) -> None:
    # A file, not a row: the import's own transaction would hide a row's updates until the end.
    path = progress_path(batch)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    tmp.replace(path)


def import_batch_progress(batch: ImportBatch) -> dict[str, Any]:
    try:
        return dict(json.loads(progress_path(batch).read_text()))
    except (OSError, ValueError):
        return {"stage": "", "done": 0, "total": 0}


def import_batch_request_commit(*, batch: ImportBatch, skip_invalid: bool) -> ImportBatch:
    """Queue the import: run now for a small file, else in the background. A batch already
    queued, running or imported is refused."""
    from alma.imports.tasks import import_batch_commit

    queued = ImportBatch.objects.filter(
        pk=batch.pk,
        status__in=[ImportBatch.Status.UPLOADED, ImportBatch.Status.FAILED],
    ).update(skip_invalid=skip_invalid, status=ImportBatch.Status.QUEUED)
    if not queued:
        raise ApplicationError(_("This import has already been started."))
    progress_path(batch).unlink(missing_ok=True)
    if import_batch_runs_inline(batch):
        return import_batch_run(batch_id=batch.pk)
    transaction.on_commit(lambda: import_batch_commit.enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch:
    """Import a queued batch (the background job, or inline for small files), if no one else
    has claimed it."""
    from alma.imports.people_import import people_import

    batch = ImportBatch.objects.get(pk=batch_id)
    if not _claim(batch_id, waiting=ImportBatch.Status.QUEUED, running=ImportBatch.Status.RUNNING):
        return batch
    try:
        report = people_import(
            table=import_batch_table(batch, lazy=True),
            mapping=batch.columns,
            skip_invalid=batch.skip_invalid,
            progress=lambda stage, done, total: _write_progress(batch, stage, done, total),
            source=f"import {batch.pk}: {batch.original_name}"[:60],
        )
    except ApplicationError as error:
        batch.status = ImportBatch.Status.FAILED
        batch.report = {"error": error.stored()}
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED)
        raise
    else:
        batch.report = report.as_dict()
        batch.status = ImportBatch.Status.DONE if report.committed else ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "report", "finished_at"])
    return batch
