"""Background jobs of communications (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def notices_send(
    recipient_ids: list[int], kind: str, subject: str | dict, body: str | dict, link: str
) -> int:
    from alma.comms.services import mailed, notices_to

    return mailed(notices_to(recipient_ids, kind, subject, body, link))


@task()
def digest_send(person_id: int) -> int:
    from alma.comms.services import notification_digest_send

    return notification_digest_send(person_id=person_id)
