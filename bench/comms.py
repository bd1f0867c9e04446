"""Mailing benchmark: a 100k-recipient mailing queued and rendered, beside a naive baseline.

    python -m bench.comms [--recipients 100000] [--json]

A fresh SQLite database in var/bench/ gets RECIPIENTS alumni with addresses (half with Chinese
names, so both languages are rendered), a tenth of whom withdrew newsletter consent and a
hundredth of whose addresses bounced. Both paths send a Markdown newsletter with two links to
everyone who may receive it, through a mail backend that builds each message's MIME text and
drops it (what a console or SMTP backend would be handed).

- product: `alma.comms.mailings` as the worker runs it: `mailing_queue` (the audience in one
  query with consent and bounces, recipients written in bulk), then `mailing_send` (each
  recipient claimed, its copy filled from the per-language template with signed tracked links,
  sent, confirmed).
- naive: per recipient, read the person, their consent and their bounce state with a query
  each, render the Markdown for them, write their recipient row, send.

Columns: recipients mailed, seconds to queue, seconds to render and send, total, and
recipients per second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench" / "comms.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
os.environ.setdefault("ALMA_DEBUG", "1")

BODY_EN = (
    "Dear {{ name }},\n\nThe **spring issue** is out: [read it](https://alumni.example.edu/m/7) "
    "and [register for homecoming](https://alumni.example.edu/events/42).\n\n- stories\n- visits"
)
BODY_ZH = "{{ name }}，您好：\n\n春季刊已出版：[阅读](https://alumni.example.edu/m/7)，[报名返校](https://alumni.example.edu/events/42)。"


class MimeBackend:
    """Builds every message's MIME text (the real cost of handing it on) and keeps a count."""

    sent = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def __enter__(self) -> MimeBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        for message in messages:
            message.message().as_bytes()
        MimeBackend.sent += len(messages)
        return len(messages)


def _setup(n: int) -> None:
    import django

    DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["ALMA_EMAIL_BACKEND"] = "bench.comms.MimeBackend"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from alma.comms.models import MailSettings
    from alma.people.models import Consent, Person

    people = [
        Person(
            full_name=f"李{n}华" if n % 2 else f"Alex Lee {n}",
            email=f"alumnus{n}@example.edu",
            stage="alumnus",
        )
        for n in range(n)
    ]
    Person.objects.bulk_create(people, batch_size=5000)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Consent.objects.bulk_create(
        [Consent(person_id=pk, purpose="newsletter", granted=False) for pk in ids[::10]],
        batch_size=5000,
    )
    MailSettings.objects.bulk_create(
        [
            MailSettings(person_id=pk, bounced_email=f"alumnus{i * 100}@example.edu")
            for i, pk in enumerate(ids[::100])
        ],
        batch_size=5000,
    )


def _mailing(name: str) -> Any:
    from alma.accounts.models import User
    from alma.comms.mailings import mailing_create

    office, _ = User.objects.get_or_create(email="office@example.edu")
    return mailing_create(
        by=office,
        name=name,
        purpose="newsletter",
        subject_en="The spring issue",
        subject_zh="春季刊",
        body_en=BODY_EN,
        body_zh=BODY_ZH,
        audience={"stages": ["alumnus"]},
    )


def _backend() -> Any:
    # Django loads the backend as bench.comms (this file may also be running as __main__).
    from bench.comms import MimeBackend as Backend

    return Backend


def product() -> dict[str, float]:
    from alma.comms import mailings
    from alma.comms.models import Mailing

    mailing = _mailing("product")
    Mailing.objects.filter(pk=mailing.pk).update(status="scheduled")
    _backend().sent = 0
    started = time.perf_counter()
    mailings.mailing_queue(mailing_id=mailing.pk)
    queued = time.perf_counter()
    mailings.mailing_send(mailing_id=mailing.pk)
    done = time.perf_counter()
    return {"sent": _backend().sent, "queue": queued - started, "send": done - queued}


def naive() -> dict[str, float]:
    """One query (or three) per recipient and the Markdown rendered for each."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.utils import timezone

    from alma.comms.mailings import click_url
    from alma.comms.models import Mailing, MailingRecipient, MailSettings
    from alma.comms.rendering import markdown_to_html
    from alma.people.models import Consent, Person

    mailing = _mailing("naive")
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    _backend().sent = 0
    started = time.perf_counter()
    rows = []
    for pk in Person.objects.filter(stage="alumnus").order_by("pk").values_list("pk", flat=True):
        person = Person.objects.get(pk=pk)
        if not person.email:
            continue
        latest = (
            Consent.objects.filter(person=person, purpose="newsletter")
            .order_by("-recorded_at", "-id")
            .first()
        )
        if latest is not None and not latest.granted:
            continue
        bounce = MailSettings.objects.filter(person=person).first()
        if bounce is not None and bounce.bounced_email == person.email.lower():
            continue
        language = "zh-hans" if any("\u4e00" <= c <= "\u9fff" for c in person.full_name) else "en"
        rows.append(
            MailingRecipient.objects.create(
                mailing=mailing, person=person, email=person.email, language=language
            )
        )
    queued = time.perf_counter()
    connection = get_connection()
    for recipient in rows:
        body = BODY_ZH if recipient.language == "zh-hans" else BODY_EN
        body = body.replace("{{ name }}", recipient.person.full_name)
        for url in ("https://alumni.example.edu/m/7", "https://alumni.example.edu/events/42"):
            body = body.replace(url, click_url(recipient.pk, url))
        html = markdown_to_html(body)
        message = EmailMultiAlternatives(
            "春季刊" if recipient.language == "zh-hans" else "The spring issue",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
        message.attach_alternative(html, "text/html")
        connection.send_messages([message])
        MailingRecipient.objects.filter(pk=recipient.pk).update(
            state="sent", sent_at=timezone.now()
        )
    done = time.perf_counter()
    return {"sent": _backend().sent, "queue": queued - started, "send": done - queued}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    _setup(args.recipients)
    header = f"{'path':<10}{'mailed':>10}{'queue s':>10}{'send s':>10}{'total s':>10}{'per s':>10}"
    if not args.json:
        print(f"{args.recipients:,} alumni (SQLite), newsletter with two tracked links")
        print(header, flush=True)
    results = {}
    for name, run in (("product", product), ("naive", naive)):
        r = results[name] = run()
        total = r["queue"] + r["send"]
        if not args.json:
            # Each row as soon as its path is done: the naive one takes much longer.
            print(
                f"{name:<10}{int(r['sent']):>10,}{r['queue']:>10.1f}{r['send']:>10.1f}"
                f"{total:>10.1f}{r['sent'] / total:>10,.0f}",
                flush=True,
            )
    if results["product"]["sent"] != results["naive"]["sent"]:
        print("The two paths mailed different numbers of people.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
