"""Background jobs of the mentoring app (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def mentorships_notify(mentorship_ids: list[int], reason: str) -> int:
    from alma.mentoring.notifications import send_mentorship_mails

    return send_mentorship_mails(mentorship_ids, reason)


@task()
def mentorship_remind(mentorship_id: int) -> int:
    """Remind a quiet pair to meet, then look again a month later."""
    from alma.mentoring.models import Mentorship
    from alma.mentoring.services import mentorship_reminder_send, schedule_reminder

    sent = mentorship_reminder_send(mentorship_id=mentorship_id)
    if Mentorship.objects.filter(pk=mentorship_id, status=Mentorship.Status.ACTIVE).exists():
        schedule_reminder(mentorship_id)
    return sent
