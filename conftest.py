"""Test-wide set-up: background jobs run immediately, and the personas of every role."""

import pytest

pytest_plugins = ["alma.testing.personas"]

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_background_jobs(settings):
    """Jobs run in-process, right when enqueued (after the transaction commits)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _fresh_reference_names():
    """Names in other languages read by one test are not seen by the next (its rows are gone)."""
    from alma.people.reference import names_forget

    names_forget()
    yield
    names_forget()


@pytest.fixture(autouse=True)
def _language_of_each_test_is_its_own():
    """A test that switches the language (a mail rendered in Chinese) leaves the next in English."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)
