"""Test-wide set-up: background jobs run immediately, and the personas of every role."""

import os

os.environ.setdefault("ALMA_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

pytest_plugins = ["alma.testing.personas"]
