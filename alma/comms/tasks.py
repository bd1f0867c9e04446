"""Background jobs of communications (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def notices_send(recipient_ids: list[int], kind: str, subject: str, body: str, link: str) -> int:
    from alma.comms.services import Notice, mailed, notifications_send
    from alma.people.models import Person

    people = Person.objects.filter(pk__in=recipient_ids).order_by("pk")
    rows = notifications_send(
        [Notice(recipient=p, kind=kind, subject=subject, body=body, link=link) for p in people]
    )
    return mailed(rows)


@task()
def digest_send(person_id: int) -> int:
    from alma.comms.services import notification_digest_send

    return notification_digest_send(person_id=person_id)
