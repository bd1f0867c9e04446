"""Background jobs of the lifecycle (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def destinations_ask(destination_ids: list[int]) -> int:
    from alma.lifecycle.services import graduate_destinations_send

    return graduate_destinations_send(destination_ids=destination_ids)


@task()
def chapter_new_alumni_notify(chapter_id: int) -> int:
    from alma.lifecycle.services import chapter_new_alumni_tell_officers

    return chapter_new_alumni_tell_officers(chapter_id=chapter_id)
