"""Background jobs of the imports app (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def import_batch_commit(batch_id: int) -> str:
    from alma.imports.services import import_batch_run

    return str(import_batch_run(batch_id=batch_id).status)


@task()
def import_batch_preview_task(batch_id: int) -> str:
    from alma.imports.services import import_batch_preview

    return str(import_batch_preview(batch_id=batch_id).status)


@task()
def duplicates_find_task(threshold: float) -> int:
    from alma.imports.linkage import duplicates_find

    return len(duplicates_find(threshold=threshold).pairs)
