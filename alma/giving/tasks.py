"""Background jobs of giving (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def pledge_reminder_send_task(instalment_id: int) -> bool:
    from alma.giving.services import pledge_reminder_send

    return pledge_reminder_send(instalment_id=instalment_id)
