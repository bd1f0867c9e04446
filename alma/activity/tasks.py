"""Background jobs of the activity app; thin wrappers around services."""

from django_tasks import task


@task()
def service_recorded_notify(activity_id: int) -> None:
    from alma.activity.services import activity_notify_beneficiary

    activity_notify_beneficiary(activity_id=activity_id)
