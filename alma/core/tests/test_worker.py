"""Background jobs go through the database queue and `alma worker` runs them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from alma.activity.services import staff_service_log
from alma.testing import factories as f

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_a_recorded_service_is_queued_and_the_worker_emails_the_student(bob):
    student = f.StudentFactory(full_name="Wang Fang", email="wang.fang@example.edu")
    with override_settings(TASKS=DATABASE_TASKS):
        staff_service_log(
            staff=bob, student=student, aspect="study", note="Reviewed her thesis plan"
        )
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        assert mail.outbox == []

        call_command("worker", "--batch")

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang.fang@example.edu"]
    assert "Reviewed her thesis plan" in message.body
    assert "/services/received/" in message.body


@pytest.mark.django_db
def test_in_tests_jobs_run_immediately(bob, django_capture_on_commit_callbacks):
    student = f.StudentFactory(email="student@example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        staff_service_log(staff=bob, student=student, aspect="life", note="Found her a dorm room")
    assert [m.to for m in mail.outbox] == [["student@example.edu"]]
