"""`alma demo`: migrate, load the demo university once, print the sign-ins and serve the site.

Beside the server it runs one `alma worker`, so the demo's emails, reminders and long jobs are
done, and stops it when the server stops.
"""

import os
import shutil
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alma.activity.models import Activity
from alma.demo import accounts as demo_accounts
from alma.demo.accounts import DEMO_TOTP_SECRET, demo_code
from alma.demo.builders import DEMO_SEED, DemoRun, demo_build
from alma.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_is_loaded
from alma.people.models import Person
from alma.people.photos import photos_dir


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"The port must be a number, not {value!r}.") from None
    if not 1 <= port <= 65535:
        raise CommandError(f"The port must be between 1 and 65535, not {port}.")
    return port


def site_url_for(port: int) -> str:
    """The address emails and QR codes point at: ALMA_SITE_URL if set, else the served port."""
    return os.environ.get("ALMA_SITE_URL") or f"http://127.0.0.1:{port}"


def worker_command() -> list[str]:
    """The worker started beside the demo server (the same interpreter, so the same .venv)."""
    return [sys.executable, "-m", "alma.cli", "worker"]


def worker_start(site_url: str) -> subprocess.Popen[bytes]:
    # The worker reads settings at start: it must see the same site address and secret key.
    environment = {**os.environ, "ALMA_SITE_URL": site_url}
    return subprocess.Popen(worker_command(), env=environment)  # noqa: S603 - fixed argv


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def refresh_demo_accounts() -> None:
    """The demo's sign-ins as this version makes them (idempotent)."""
    demo_accounts.build(DemoRun(seed=DEMO_SEED))


class Command(BaseCommand):
    help = (
        "Try Alma: migrate the database, load the demo university (once; later runs reuse it), "
        "collect static files, print the demo sign-ins for every role and serve the site on "
        "127.0.0.1:PORT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            default=None,
            help="port to serve on (default: the PORT environment variable, else 8000)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="set everything up but do not start the server"
        )
        parser.add_argument(
            "--code",
            action="store_true",
            help="print the office account's current two-factor code (the demo's published secret) "
            "and exit",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a background worker beside the server (run `alma worker` yourself)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the database (every record and account in it) and load the demo afresh",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="size of the demo relative to the full one, e.g. 0.05 for a quick test (default 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            self.stdout.write(demo_code())
            return
        port = port_number(options["port"] or os.environ.get("PORT") or "8000")
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        verbose = options["verbosity"] > 0
        say = self.stdout.write if verbose else (lambda message: None)

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        say("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            say("Emptying the database (--reset)…")
            call_command("flush", interactive=False, verbosity=0)
            # The photos belonged to the records just emptied (record ids start again).
            shutil.rmtree(photos_dir(), ignore_errors=True)

        if demo_is_loaded():
            say("The demo university is already loaded; reusing it (--reset loads it afresh).")
            # A demo loaded before two-factor existed gets the office's published secret too.
            refresh_demo_accounts()
        else:
            say(f"Loading the demo university (seed {DEMO_SEED})…")
            started = time.perf_counter()
            demo_build(DemoRun(seed=DEMO_SEED, scale=options["scale"], say=say))
            # The bulk-loaded people enter directory search here (see `alma seed`).
            call_command("directory_rebuild", verbosity=0)
            say(
                self.style.SUCCESS(
                    f"Loaded {Person.objects.count():,} people, {len(DEMO_ACCOUNTS)} demo "
                    f"sign-ins and {Activity.objects.count():,} activities in "
                    f"{time.perf_counter() - started:.1f} s."
                )
            )

        # DEBUG is off by default: WhiteNoise serves the collected files from STATIC_ROOT.
        call_command("collectstatic", interactive=False, verbosity=0)

        url = f"http://127.0.0.1:{port}/"
        # The server runs in this process: links it makes (emails, QR codes) follow the port.
        settings.SITE_URL = site_url_for(port)
        width = max(len(a.email) for a in DEMO_ACCOUNTS)
        lines = [
            "",
            "Demo sign-ins (every account has the same password):",
            "",
            f"  {'email'.ljust(width)}  {'password'.ljust(len(DEMO_PASSWORD))}  role",
            f"  {'-' * width}  {'-' * len(DEMO_PASSWORD)}  {'-' * 30}",
            *(f"  {a.email.ljust(width)}  {DEMO_PASSWORD}  {a.role}" for a in DEMO_ACCOUNTS),
            "",
            f"The office account also asks for a two-factor code: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run `alma demo --code` "
            "for the current one.",
            "",
            f"Alma: {url}",
            "",
        ]
        self.stdout.write("\n".join(lines))
        if options["no_serve"]:
            return
        worker = None
        if not options["no_worker"]:
            say("Starting a background worker (emails, reminders, duplicate search)…")
            worker = worker_start(settings.SITE_URL)
        try:
            # No autoreloader: it would re-run this whole command in a child process.
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            if worker is not None:
                say("Stopping the background worker…")
                worker_stop(worker)
