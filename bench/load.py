"""Load on the production server: `python -m bench.load` (make bench runs it too).

Starts `alma serve` (gunicorn, ALMA_WEB_WORKERS processes) on 127.0.0.1 against PostgreSQL with the
demo university, then drives it from this process with threads (one httpx client and one
signed-in session each) at several numbers of concurrent users. Mixes:

  static     GET a static file (alma.css): the server's own floor, the baseline in the same run
  directory  the directory page: browsing, facets and searches by name and word
  profile    a person's profile page
  events     register for an event and cancel again (POST, CSRF), then the event's page
  api        the JSON API: directory search and /api/me, with a bearer token

For each mix and concurrency it prints requests per second, p50 and p95 latency and errors (any
status >= 400, a registration that did not redirect, or a failed connection). The database is
`alma_bench_load` on the server of ALMA_BENCH_POSTGRES_URL (made and loaded on the first run;
`--alumni N` adds synthetic alumni up to N, `alma seed`, in `alma_bench_load_N` instead), or the
database ALMA_BENCH_LOAD_DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("ALMA_BENCH_LOAD_PORT", "8210"))
BENCH_DOMAIN = "bench.alma.invalid"
WORDS = [
    "wang",
    "li",
    "zhang",
    "engineer",
    "teacher",
    "shanghai",
    "beijing",
    "finance",
    "王",
    "chen",
]
MIXES = ["static", "directory", "profile", "events", "api"]


# --- Driver -------------------------------------------------------------------------------


def database_url(alumni: int) -> str | None:
    if os.environ.get("ALMA_BENCH_LOAD_DATABASE_URL"):
        return os.environ["ALMA_BENCH_LOAD_DATABASE_URL"]
    server = os.environ.get("ALMA_BENCH_POSTGRES_URL")
    if not server:
        return None
    name = "alma_bench_load" + (f"_{alumni}" if alumni else "")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def environment(url: str, workers: int) -> dict[str, str]:
    var = ROOT / "var" / "bench" / "load"
    var.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "ALMA_SECRET_KEY": os.environ.get("ALMA_SECRET_KEY", "bench-load-key-" + "x" * 40),
        "ALMA_VAR_DIR": str(var),
        "ALMA_BIND": f"127.0.0.1:{PORT}",
        "ALMA_WEB_WORKERS": str(workers),
        "ALMA_ACCESS_LOG": "0",
        "ALMA_LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "alma.settings",
    }


def alma(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "alma.cli", *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    ).stdout


def prepare(url: str, env: dict[str, str], scale: float, alumni: int, users: int) -> dict[str, Any]:
    from bench.directory import ensure_postgres_database

    ensure_postgres_database(url)
    print("preparing the database (the demo loads on the first run)…", file=sys.stderr, flush=True)
    alma(env, "demo", "--no-serve", "--scale", str(scale), "-v0")
    if alumni:
        have = int(
            subprocess.run(
                [sys.executable, "-m", "bench.load", "--count-alumni"],
                env=env,
                cwd=ROOT,
                text=True,
                capture_output=True,
                check=True,
            ).stdout
        )
        if have < alumni:
            alma(env, "seed", "--alumni", str(alumni - have), "--students", "1", "-v0")
    setup = subprocess.run(
        [sys.executable, "-m", "bench.load", "--setup", str(users)],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=True,
    )
    return dict(json.loads(setup.stdout))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error = ""

    def add(self, seconds: float, ok: bool, what: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1
                self.first_error = self.first_error or what


def one_user(
    mix: str, user: dict[str, Any], world: dict[str, Any], until: float, rec: Recorder, seed: int
) -> None:
    import httpx

    rng = random.Random(seed)
    base = f"http://127.0.0.1:{PORT}"
    cookies = {"sessionid": user["session"], "csrftoken": user["csrf"]}
    headers = {"X-CSRFToken": user["csrf"]}
    with httpx.Client(base_url=base, cookies=cookies, headers=headers, timeout=30) as client:
        registered = False
        while time.perf_counter() < until:
            if mix == "static":
                method, path, data, expect_redirect = "GET", world["static"], None, False
            elif mix == "directory":
                choice = rng.random()
                if choice < 0.3:
                    path = "/directory/"
                elif choice < 0.5:
                    path = f"/directory/?year={rng.choice(world['years'])}"
                else:
                    path = f"/directory/?q={rng.choice(WORDS)}"
                method, data, expect_redirect = "GET", None, False
            elif mix == "profile":
                method, data, expect_redirect = "GET", None, False
                path = f"/people/{rng.choice(world['people'])}/"
            elif mix == "events":
                event = world["event"]
                if registered:
                    method, path, data = "POST", f"/events/{event}/unregister/", {}
                else:
                    method, path, data = "POST", f"/events/{event}/register/", {"guests": "0"}
                expect_redirect = True
                registered = not registered
            else:
                method, data, expect_redirect = "GET", None, False
                path = rng.choice(["/api/me", f"/api/people/search?q={rng.choice(WORDS)}"])
            started = time.perf_counter()
            try:
                if mix == "api":
                    response = client.get(
                        path, headers={"Authorization": f"Bearer {user['token']}"}, cookies={}
                    )
                elif method == "GET":
                    response = client.get(path)
                else:
                    response = client.post(path, data=data)
                ok = response.status_code < 400 and (
                    not expect_redirect or response.status_code == 302
                )
                what = f"{method} {path} -> {response.status_code}"
            except httpx.HTTPError as error:
                ok, what = False, f"{method} {path}: {type(error).__name__}"
            rec.add(time.perf_counter() - started, ok, what)


def run_mix(mix: str, concurrency: int, seconds: float, world: dict[str, Any]) -> dict[str, Any]:
    rec = Recorder()
    start = time.perf_counter()
    until = start + seconds
    threads = [
        threading.Thread(
            target=one_user,
            args=(mix, world["users"][n % len(world["users"])], world, until, rec, n),
        )
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "mix": mix,
        "users": concurrency,
        "requests": len(rec.latencies),
        "rps": len(rec.latencies) / elapsed,
        "p50_ms": percentile(rec.latencies, 50) * 1000,
        "p95_ms": percentile(rec.latencies, 95) * 1000,
        "errors": rec.errors,
        "first_error": rec.first_error,
    }


def table(rows: list[dict[str, Any]], header: str) -> str:
    lines = [
        header,
        f"{'mix':<10} {'users':>5} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}",
    ]
    for row in rows:
        lines.append(
            f"{row['mix']:<10} {row['users']:>5} {row['requests']:>9} {row['rps']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['errors']:>7}"
            + (f"  first: {row['first_error']}" if row["errors"] else "")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", default="1,8,32,64", help="concurrent users, comma-separated")
    parser.add_argument("--seconds", type=float, default=8.0, help="per mix and concurrency")
    parser.add_argument("--mixes", default=",".join(MIXES))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--scale", type=float, default=1.0, help="demo size (1 = full demo)")
    parser.add_argument("--alumni", type=int, default=0, help="add synthetic alumni up to N")
    parser.add_argument("--setup", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--count-alumni", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup is not None:
        print(json.dumps(setup_world(args.setup)))
        return 0
    if args.count_alumni:
        setup_django()
        from alma.people.models import Person, Stage

        print(Person.objects.filter(stage=Stage.ALUMNUS).count())
        return 0

    url = database_url(args.alumni)
    if url is None:
        print("skipped: set ALMA_BENCH_POSTGRES_URL to a PostgreSQL server", file=sys.stderr)
        return 0
    concurrencies = [int(n) for n in args.users.split(",")]
    env = environment(url, args.workers)
    world = prepare(url, env, args.scale, args.alumni, max(concurrencies))
    server = subprocess.Popen(
        [sys.executable, "-m", "alma.cli", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{PORT}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.5)
        rows = []
        for mix in args.mixes.split(","):
            run_mix(mix, 2, 1.0, world)  # warm every worker's caches and connections
            for concurrency in concurrencies:
                rows.append(run_mix(mix, concurrency, args.seconds, world))
                print(table(rows[-1:], ""), file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        table(
            rows,
            f"bench.load: alma serve, {args.workers} gunicorn workers, PostgreSQL, "
            f"{world['alumni']:,} alumni, {os.cpu_count()} CPUs, {args.seconds:g} s per row",
        )
    )
    return 1 if any(row["errors"] for row in rows) else 0


# --- In the database's process (Django set up) ----------------------------------------------


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    django.setup()


def setup_world(users: int) -> dict[str, Any]:
    """Bench logins (alumni without one get one, linked to their record), a session, a CSRF
    secret and an API token each; an open event; people the bench users may see."""
    setup_django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]
    from django.templatetags.static import static
    from django.utils import timezone

    from alma.accounts.models import ApiToken, User
    from alma.accounts.services import api_token_create
    from alma.events.models import Event
    from alma.events.selectors import events_visible_to
    from alma.people.models import Person, Stage
    from alma.people.privacy import people_visible_to

    alumni = Person.objects.filter(stage=Stage.ALUMNUS, user__isnull=True).order_by("pk")
    existing = list(User.objects.filter(email__endswith="@" + BENCH_DOMAIN).order_by("pk"))
    for n, person in enumerate(alumni[: max(0, users - len(existing))], start=len(existing)):
        existing.append(User.objects.create_user(f"user{n}@{BENCH_DOMAIN}", None, person=person))
    world_users = []
    for user in existing[:users]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        ApiToken.objects.filter(user=user).delete()
        _row, token = api_token_create(user=user, name="bench.load")
        world_users.append(
            {"session": session.session_key, "csrf": _get_new_csrf_string(), "token": token}
        )
    viewer = existing[0]
    event = (
        events_visible_to(viewer)
        .filter(starts_at__gt=timezone.now(), status=Event.Status.PUBLISHED, questions__isnull=True)
        .order_by("starts_at")
        .first()
    )
    # Profiles every bench user may open (the privacy module decides, as the pages do).
    people = list(
        people_visible_to(viewer, Person.objects.filter(stage=Stage.ALUMNUS))
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    graduation_years = Person.objects.filter(educations__graduation_year__isnull=False).values_list(
        "educations__graduation_year", flat=True
    )[:2000]
    years = sorted({year - year % 5 for year in graduation_years if year is not None})
    return {
        "users": world_users,
        "event": event.pk if event else None,
        "people": people,
        "years": years or [2010],
        "static": static("alma/alma.css"),
        "alumni": Person.objects.filter(stage=Stage.ALUMNUS).count(),
    }


if __name__ == "__main__":
    sys.exit(main())
