"""`alma serve`: the production web server (gunicorn, configured by alma/gunicorn_conf.py)."""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve Alma with gunicorn: ALMA_WEB_WORKERS processes (default 2 x cores + 1) of "
        "ALMA_WEB_THREADS threads on ALMA_BIND (default 0.0.0.0:$PORT or :8000). Run "
        "`alma migrate` and `alma collectstatic` once per release first, and `alma worker` beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="address:port (default ALMA_BIND)")
        parser.add_argument("--workers", type=int, help="processes (default ALMA_WEB_WORKERS)")
        parser.add_argument("--threads", type=int, help="threads each (default ALMA_WEB_THREADS)")

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = [sys.executable, "-m", "gunicorn", "--config", "python:alma.gunicorn_conf"]
        if options["bind"]:
            arguments += ["--bind", options["bind"]]
        if options["workers"]:
            arguments += ["--workers", str(options["workers"])]
        if options["threads"]:
            arguments += ["--threads", str(options["threads"])]
        sys.stdout.flush()
        # gunicorn replaces this process: signals (TERM to stop, HUP to reload) reach it directly.
        os.execv(sys.executable, arguments)  # noqa: S606 - this interpreter, our arguments
