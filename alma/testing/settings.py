"""Alma's settings for tests and type checks: the real ones, with a key that signs nothing real.

The site refuses to start with debug off and no ALMA_SECRET_KEY (alma/settings.py); tests run
with debug off, as production does, so they bring a key of their own. Processes the tests start
(`alma` commands) inherit it.
"""

import os

os.environ.setdefault("ALMA_SECRET_KEY", "alma-tests-only-key-that-signs-nothing-real-0123456789")
# A Fernet key for support cases that protects nothing real (32 bytes, URL-safe base64).
os.environ.setdefault("ALMA_SUPPORT_KEYS", "YWxtYS10ZXN0cy1vbmx5LXN1cHBvcnQta2V5LTAxMjM=")

from alma.settings import *  # noqa: E402, F403
