"""The demo's sign-in extras: the office account signs in with two-factor, as the office must.

Its authenticator secret is published (README, `alma demo` output), so that whoever tries the demo
can add it to an authenticator app, or ask `alma demo --code` for the current code. A real
deployment's office staff set up their own app on first sign-in.
"""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from alma.accounts.models import User
from alma.accounts.services import two_factor_enable
from alma.demo.builders import DemoRun

TITLE = "Two-factor sign-in for the office account"

# Base32; published with the source, like the demo password. Never use it for a real account.
DEMO_TOTP_SECRET = "ALMADEMOALMADEMOALMADEMOALMADEMO"  # noqa: S105 - published demo secret
DEMO_OFFICE_EMAIL = "office@demo.alma.example"


def build(run: DemoRun) -> None:
    office = User.objects.filter(email=DEMO_OFFICE_EMAIL).first()
    if office is None:
        return
    if Authenticator.objects.filter(user=office, type=Authenticator.Type.TOTP).exists():
        return
    two_factor_enable(user=office, secret=DEMO_TOTP_SECRET)


def demo_code(at: float | None = None) -> str:
    """The code an authenticator app holding DEMO_TOTP_SECRET shows now."""
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(at or time.time()) // 30))
