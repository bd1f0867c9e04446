"""`alma check --deploy` passes with the production settings the README documents."""

import os
import subprocess
import sys


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
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
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_defaults_are_flagged(tmp_path):
    result = run_check({"ALMA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development secret key
