"""Support's files go to a temporary folder in its tests."""

import pytest


@pytest.fixture(autouse=True)
def _support_files_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
