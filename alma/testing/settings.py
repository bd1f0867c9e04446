"""Alma's settings for tests and type checks: the real ones, with a key that signs nothing real.

The site refuses to start with debug off and no ALMA_SECRET_KEY (alma/settings.py); tests run
with debug off, as production does, so they bring a key of their own. Processes the tests start
(`alma` commands) inherit it.
"""

import os

os.environ.setdefault("ALMA_SECRET_KEY", "alma-tests-only-key-that-signs-nothing-real-0123456789")

from alma.settings import *  # noqa: E402, F403
