"""Background jobs of the events app (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def registrations_notify(registration_ids: list[int], reason: str) -> int:
    from alma.events.notifications import send_registration_mails

    return send_registration_mails(registration_ids, reason)


@task()
def event_reminders_send_task(event_id: int) -> int:
    from alma.events.services import event_reminders_send

    return event_reminders_send(event_id=event_id)


@task()
def event_invitations_send(event_id: int, person_ids: list[int]) -> int:
    from alma.events.notifications import send_invitations

    return send_invitations(event_id, person_ids)
