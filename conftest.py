"""Test-wide set-up: background jobs run immediately, and the personas of every role."""

import itertools

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


@pytest.fixture(scope="session")
def _photos_root(tmp_path_factory):
    return tmp_path_factory.mktemp("photos")


_photo_folders = itertools.count()


@pytest.fixture(autouse=True)
def _photos_kept_apart(_photos_root):
    """Profile photos a test stores go to a temporary folder of its own (made when first
    written), not the checkout's var/: record ids repeat from test to test, folders do not."""
    from django.conf import settings

    settings.ALMA_PHOTOS_DIR = str(_photos_root / str(next(_photo_folders)))
