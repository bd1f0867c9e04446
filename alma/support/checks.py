"""`alma check --deploy` fails without a usable key for support cases."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from alma.support.crypto import key_problem


@register(Tags.security, deploy=True)
def support_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problem = key_problem(list(settings.ALMA_SUPPORT_KEYS))
    if problem is None:
        return []
    return [
        Error(
            f"ALMA_SUPPORT_KEYS: {problem}. Support cases are encrypted at rest.",
            hint='Set ALMA_SUPPORT_KEYS to a key made by `python3 -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"` (see README, Support).',
            id="support.E001",
        )
    ]
