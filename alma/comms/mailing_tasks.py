"""Background jobs of mailings (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def mailing_queue_task(mailing_id: int) -> int:
    from alma.comms.mailings import mailing_queue

    return mailing_queue(mailing_id=mailing_id)


@task()
def mailing_send_task(mailing_id: int) -> int:
    from alma.comms.mailings import mailing_send_step

    return mailing_send_step(mailing_id=mailing_id)
