"""The keys that protect support cases: required for deploy, kept by `alma demo`, rotated."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from alma.lib.errors import ApplicationError
from alma.lib.keyfile import kept_support_key
from alma.support import crypto
from alma.support.models import Case, CaseFile, CaseNote, Consent
from alma.support.services import case_narrative


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env["DJANGO_SETTINGS_MODULE"] = "alma.settings"
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "alma.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "ALMA_SECRET_KEY": "k3J9-vQ2_pX7mZr8Lw4sT1yB6nC0dF5gH2jK9qA3eU7iO1pS4xV8zM6bN0cR5tY",
    "ALMA_SECURE": "1",
    "ALMA_ALLOWED_HOSTS": "alumni.example.edu",
}


def test_the_deploy_check_fails_without_a_support_key(tmp_path):
    result = run_check({**PRODUCTION, "ALMA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "support.E001" in result.stdout + result.stderr
    bad = run_check({**PRODUCTION, "ALMA_VAR_DIR": str(tmp_path), "ALMA_SUPPORT_KEYS": "short"})
    assert "not a Fernet key" in bad.stdout + bad.stderr


def test_alma_demo_keeps_one_private_key_in_var(tmp_path, monkeypatch):
    monkeypatch.setenv("ALMA_VAR_DIR", str(tmp_path))
    assert kept_support_key(create=False) is None
    key = kept_support_key(create=True)
    assert key is not None
    Fernet(key)  # a usable key
    assert kept_support_key(create=True) == key
    assert oct((tmp_path / "support_key").stat().st_mode & 0o777) == "0o600"


def test_without_keys_cases_say_so_instead_of_failing(settings):
    settings.ALMA_SUPPORT_KEYS = []
    with pytest.raises(ApplicationError, match="ALMA_SUPPORT_KEYS"):
        crypto.encrypt("anything")


@pytest.fixture
def world(persona_users):
    from alma.giving.tests.world import giving_world
    from alma.support.tests.world import support_world

    users = {k: v for k, v in persona_users.items() if v is not None}
    giving_world(users)
    return support_world(users)


def test_rotation_re_encrypts_everything_under_the_new_key(world, settings):
    old = settings.ALMA_SUPPORT_KEYS[0]
    new = Fernet.generate_key().decode()
    case = Case.objects.get(pk=world["support_case"])
    before = case_narrative(case)
    settings.ALMA_SUPPORT_KEYS = [new, old]  # the new key first; the old one still decrypts
    call_command("support_rotate_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.ALMA_SUPPORT_KEYS = [new]  # the old key is gone: everything still reads
    case.refresh_from_db()
    assert case_narrative(case) == before
    assert all(crypto.decrypt(n.body_encrypted) for n in CaseNote.objects.all())
    assert all(crypto.decrypt(c.summary_encrypted) for c in Consent.objects.all())
    from alma.support.files import file_path

    for stored in CaseFile.objects.all():
        assert crypto.decrypt_bytes(file_path(stored.storage_token).read_bytes()).startswith(
            b"%PDF"
        )
    settings.ALMA_SUPPORT_KEYS = [old]  # and the old key alone no longer does
    with pytest.raises(ApplicationError):
        case_narrative(case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM support_case")
        assert cursor.fetchone()[0] == 2


def test_the_purge_and_follow_up_commands_are_idempotent(world, capsys):
    call_command("support_purge")
    call_command("support_purge")
    call_command("support_followups")
    out = capsys.readouterr().out
    assert out.count("0 case(s) purged.") == 2
    assert "0 follow-up reminder(s) sent." in out
