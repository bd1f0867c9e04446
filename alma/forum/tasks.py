"""Background jobs of the forum (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def question_route_task(question_id: int) -> int:
    from alma.forum.services import question_route

    return len(question_route(question_id=question_id))


@task()
def question_escalate_task(question_id: int) -> int:
    from alma.forum.services import question_escalate

    return len(question_escalate(question_id=question_id))


@task()
def invitations_send_task(invitation_ids: list[int]) -> int:
    from alma.forum.notifications import invitations_send

    return invitations_send(invitation_ids)


@task()
def answer_notify_task(answer_id: int) -> int:
    from alma.forum.notifications import answer_notify

    return answer_notify(answer_id)


@task()
def private_question_notify_task(question_id: int) -> int:
    from alma.forum.notifications import private_question_notify

    return private_question_notify(question_id)


@task()
def routing_profiles_refresh_task(person_ids: list[int]) -> int:
    from alma.forum.routing import routing_profiles_refresh

    return routing_profiles_refresh(person_ids)
