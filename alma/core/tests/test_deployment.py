"""The production set-up, checked here since no container engine runs on these machines: the
compose file's services, commands and settings against alma/settings.py and the Dockerfile; the
health endpoints; JSON logs; `alma serve` under gunicorn."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SETTINGS_SOURCE = "".join(
    (ROOT / "alma" / name).read_text()
    for name in ("settings.py", "gunicorn_conf.py", "lib/keyfile.py", "core/backups.py")
)


def interpolate(value: object) -> str:
    """What compose makes of `${NAME:-default}` with nothing set (`${NAME:?...}` must be set)."""
    text = str(value)
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)
    return re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", "<\\1 must be set>", text)


def settings_read() -> set[str]:
    """Every environment variable alma/settings.py and the gunicorn configuration read."""
    return set(
        re.findall(
            r"""(?:environ\.get|environ\[|env_bool|env_list)\(?\s*["']([A-Z_]+)["']""",
            SETTINGS_SOURCE,
        )
    )


def test_compose_runs_postgresql_a_migration_the_web_server_and_a_worker():
    services = COMPOSE["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["migrate"]["command"] == ["alma", "migrate", "--noinput"]
    assert services["web"]["command"] == ["alma", "serve"]
    assert services["worker"]["command"] == ["alma", "worker"]
    for name in ("web", "worker"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_variable_compose_sets_is_one_alma_reads():
    read = settings_read()
    assert {"DATABASE_URL", "ALMA_SECRET_KEY", "ALMA_WEB_WORKERS", "ALMA_BIND"} <= read
    for name, service in COMPOSE["services"].items():
        if name == "db":
            continue
        unknown = set(service["environment"]) - read
        assert not unknown, f"{name} sets variables Alma never reads: {unknown}"


def test_the_database_url_names_the_compose_database():
    environment = COMPOSE["services"]["web"]["environment"]
    db = COMPOSE["services"]["db"]["environment"]
    url = environment["DATABASE_URL"]
    assert url.startswith(f"postgres://{db['POSTGRES_USER']}:")
    assert url.endswith(f"@db:5432/{db['POSTGRES_DB']}")
    # The password is the same variable on both sides.
    assert (
        "${POSTGRES_PASSWORD:-alma}" in url
        and db["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-alma}"
    )
    # The key must be given: compose refuses to start without it.
    assert environment["ALMA_SECRET_KEY"].startswith("${ALMA_SECRET_KEY:?")


def test_the_web_port_and_health_check_match_the_image():
    web = COMPOSE["services"]["web"]
    port = web["environment"]["ALMA_BIND"].rsplit(":", 1)[1]
    assert web["ports"] == [f"{port}:{port}"]
    assert f"EXPOSE {port}" in DOCKERFILE
    assert f"127.0.0.1:{port}/readyz" in " ".join(web["healthcheck"]["test"])
    assert 'CMD ["alma", "serve"]' in DOCKERFILE
    assert DOCKERFILE.startswith("#") and "FROM python:3.11" in DOCKERFILE
    # The SAML library's system package, as .ci/run installs it.
    assert "libxmlsec1-dev" in DOCKERFILE


def test_the_compose_configuration_passes_djangos_deployment_check(tmp_path):
    environment = {
        **os.environ,
        **{k: interpolate(v) for k, v in COMPOSE["x-alma-environment"].items()},
        "ALMA_SECRET_KEY": "k" * 60 + "-compose-check-" + "x" * 20,
        "ALMA_SUPPORT_KEYS": "Y29tcG9zZS1jaGVjay1zdXBwb3J0LWtleS0wMTIzNDU=",
        "ALMA_ALLOWED_HOSTS": "alumni.example.edu",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "ALMA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "alma.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "alma.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_healthz_answers_without_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_says_ready_when_the_database_is_migrated(db):
    response = Client().get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_readyz_says_what_is_missing_when_migrations_are_pending(db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    class Pending:
        app_label, name = "people", "9999_future"

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [(Pending, False)]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending"] == ["people.9999_future"]


def test_readyz_is_503_not_500_when_the_database_is_down(db, monkeypatch):
    from django.db.utils import OperationalError

    from alma.core import views

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connections", {"default": Unreachable()})
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_alma_serve_runs_gunicorn_workers_that_log_json(tmp_path, live_server):
    """The production server itself: two workers, health checks, one JSON line per request."""
    from django.conf import settings

    port = free_port()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        pytest.skip("the production server runs on PostgreSQL; in-memory SQLite is per process")
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "ALMA_BIND": f"127.0.0.1:{port}",
        "ALMA_WEB_WORKERS": "2",
        "ALMA_LOG_FORMAT": "json",
        "ALMA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "alma.settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "alma.cli", "serve"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, (
                    "gunicorn did not start"
                )
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).json()["status"] == "ready"
        assert httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status_code == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    assert {line["path"] for line in access} >= {"/healthz", "/readyz", "/accounts/login/"}
    assert all(isinstance(line["status"], int) for line in access)
    booted = [line for line in lines if "Booting worker" in line.get("message", "")]
    assert len(booted) >= 2
