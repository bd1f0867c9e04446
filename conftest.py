"""Test-wide set-up: background jobs run immediately, and the personas of every role."""

import pytest

pytest_plugins = ["alma.testing.personas"]

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_background_jobs(settings):
    """Jobs run in-process, right when enqueued (after the transaction commits)."""
    settings.TASKS = IMMEDIATE_TASKS
