"""`alma check --deploy` passes with the production settings the README documents."""

import os
import subprocess
import sys

from alma.lib.keyfile import kept_secret_key


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env["DJANGO_SETTINGS_MODULE"] = "alma.settings"  # the real settings, not the tests' key
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "alma.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_check(
        {
            "ALMA_SECRET_KEY": "k3J9-vQ2_pX7mZr8Lw4sT1yB6nC0dF5gH2jK9qA3eU7iO1pS4xV8zM6bN0cR5tY",
            "ALMA_SECURE": "1",
            "ALMA_ALLOWED_HOSTS": "alumni.example.edu",
            "ALMA_VAR_DIR": str(tmp_path),
            "ALMA_SUPPORT_KEYS": "c3VwcG9ydC1rZXktZm9yLXRoZS1kZXBsb3ktY2hlY2s=",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_the_site_refuses_to_start(tmp_path):
    result = run_check({"ALMA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Set ALMA_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_published_development_key_serves_debug_only_and_is_flagged(tmp_path):
    result = run_check({"ALMA_VAR_DIR": str(tmp_path), "ALMA_DEBUG": "1"})
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development secret key


def test_the_key_alma_demo_keeps_in_var_is_random_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("ALMA_VAR_DIR", str(tmp_path))
    assert kept_secret_key(create=False) is None  # only `alma demo` makes one
    first = kept_secret_key(create=True)
    assert first and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert kept_secret_key(create=True) == first == kept_secret_key(create=False)
    monkeypatch.setenv("ALMA_VAR_DIR", str(tmp_path / "elsewhere"))
    assert kept_secret_key(create=True) != first


def test_alma_commands_use_the_kept_key(tmp_path):
    (tmp_path / "secret_key").write_text(
        "k" * 20 + "-a-kept-key-that-is-long-enough-for-django-checks-9f8e7d6c5b4a"
    )
    # ... and the support cases' key `alma demo` keeps beside it.
    (tmp_path / "support_key").write_text("c3VwcG9ydC1rZXktZm9yLXRoZS1kZXBsb3ktY2hlY2s=\n")
    result = run_check(
        {
            "ALMA_VAR_DIR": str(tmp_path),
            "ALMA_SECURE": "1",
            "ALMA_ALLOWED_HOSTS": "alumni.example.edu",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
