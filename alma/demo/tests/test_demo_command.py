"""`alma demo` serves with a worker beside it, and its links follow the port it serves on."""

import io
import os
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from alma.demo.management.commands import demo as demo_command

CHILD = (
    "import os, pathlib, sys, time\n"
    "pathlib.Path(sys.argv[1]).write_text(f\"{os.getpid()} {os.environ['ALMA_SITE_URL']}\")\n"
    "time.sleep(120)\n"
)


def test_site_url_follows_the_port(monkeypatch):
    monkeypatch.delenv("ALMA_SITE_URL", raising=False)
    assert demo_command.site_url_for(8101) == "http://127.0.0.1:8101"


def test_site_url_set_explicitly_wins(monkeypatch):
    monkeypatch.setenv("ALMA_SITE_URL", "https://alma.example.edu")
    assert demo_command.site_url_for(8101) == "https://alma.example.edu"


def test_the_worker_is_alma_worker_in_this_interpreter():
    command = demo_command.worker_command()
    assert command[0] == sys.executable
    assert command[-1] == "worker"


def pid_is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(path: Path) -> str:
    deadline = time.monotonic() + 30
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.05)
    return path.read_text()


@pytest.fixture
def serve(monkeypatch, tmp_path):
    """Run `alma demo` with a stand-in worker process and runserver; returns what they saw."""
    monkeypatch.delenv("ALMA_SITE_URL", raising=False)
    monkeypatch.setattr(settings, "SITE_URL", settings.SITE_URL)
    monkeypatch.setattr(demo_command, "demo_is_loaded", lambda: True)
    monkeypatch.setattr(demo_command, "refresh_demo_accounts", lambda: None)
    marker = tmp_path / "worker"
    monkeypatch.setattr(
        demo_command, "worker_command", lambda: [sys.executable, "-c", CHILD, str(marker)]
    )
    seen: dict[str, object] = {}

    def run(*args, runserver_raises: type[BaseException] | None = None):
        def call_command(name, *positional, **keywords):
            if name != "runserver":
                return  # migrate, collectstatic: not what this test is about
            seen["address"] = positional[0]
            seen["site_url"] = settings.SITE_URL
            if "--no-worker" not in args:
                pid, site_url = wait_for(marker).split(" ", 1)
                seen["worker_pid"] = int(pid)
                seen["worker_site_url"] = site_url
                seen["worker_running_while_serving"] = pid_is_running(int(pid))
            if runserver_raises:
                raise runserver_raises()

        monkeypatch.setattr(demo_command, "call_command", call_command)
        command = demo_command.Command(stdout=io.StringIO())
        command.run_from_argv(["alma", "demo", *args])
        return seen

    run.seen = seen  # type: ignore[attr-defined]
    return run


def test_demo_starts_a_worker_and_stops_it_with_the_server(serve):
    seen = serve("--port", "8101")
    assert seen["address"] == "127.0.0.1:8101"
    assert seen["site_url"] == "http://127.0.0.1:8101"
    assert seen["worker_site_url"] == "http://127.0.0.1:8101"
    assert seen["worker_running_while_serving"] is True
    assert not pid_is_running(seen["worker_pid"])


def test_ctrl_c_on_the_server_stops_the_worker(serve):
    with pytest.raises(KeyboardInterrupt):
        serve("--port", "8102", runserver_raises=KeyboardInterrupt)
    seen = serve.seen
    assert seen["worker_running_while_serving"] is True
    assert not pid_is_running(seen["worker_pid"])


def test_no_worker_starts_none(serve, tmp_path):
    seen = serve("--port", "8103", "--no-worker")
    assert seen["address"] == "127.0.0.1:8103"
    assert "worker_pid" not in seen
    assert not (tmp_path / "worker").exists()
