"""Background jobs of support (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def case_purge_task(case_id: int) -> bool:
    from alma.support.services import case_purge

    return case_purge(case_id=case_id)


@task()
def case_follow_up_task(case_id: int) -> bool:
    from alma.support.services import follow_up_send

    return follow_up_send(case_id=case_id)
