"""The demo university's builders, in the order `alma demo` runs them.

A module's builder is `alma/demo/<module>.py` with a `TITLE` (what the command prints while it
runs) and `build(run: DemoRun) -> None`, which loads that module's part of the demo once: a
builder that finds its data already there does nothing. Builders run after the ones above them
and may read what those wrote (events find the people, mentoring finds the alumni's jobs).

Registering a builder is one line in BUILDERS below.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from django.conf import settings
from django.db import transaction

BUILDERS = (
    "alma.demo.people",  # people, organisations, chapters, sign-ins, the staff service log
    "alma.demo.events",  # a year of programs and events, send-offs, destinations
    "alma.demo.mentoring",  # a mentoring program with a cycle open for applications
    "alma.demo.giving",  # ten funds, five years of gifts, awards, letters and two ceremonies
    "alma.demo.comms",  # magazine issues, past mailings with clicks, alumni messages, inboxes
    "alma.demo.careers",  # the alliance, three job fairs, postings, applications, visits
    "alma.demo.forum",  # a few hundred questions, answered and open, with invitations
    "alma.demo.support",  # four support cases, a chapter's offers, a grant, a follow-up
    "alma.demo.reference",  # what places, schools, majors, chapters and events are called in Chinese
    "alma.demo.insights",  # five years of ledger history, then the insights rollups
    "alma.demo.accounts",  # the office account's two-factor secret (published for the demo)
)

DEMO_SEED = 2026


@dataclass(frozen=True)
class DemoRun:
    """What every builder is given: the seed, the size relative to the full demo, a printer."""

    seed: int = DEMO_SEED
    scale: float = 1.0
    say: Callable[[str], None] = lambda message: None


class DemoBuilder(Protocol):
    TITLE: str

    def build(self, run: DemoRun) -> None: ...


def demo_builders() -> list[DemoBuilder]:
    return [import_module(path) for path in BUILDERS]  # type: ignore[misc]


def demo_build(run: DemoRun) -> None:
    """Run every builder in order, all or nothing. The history it writes (invitations sent,
    answers accepted) mails nobody: the mail of a demo is what happens once it runs."""
    mail = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        with transaction.atomic():
            for builder in demo_builders():
                run.say(builder.TITLE)
                builder.build(run)
    finally:
        settings.EMAIL_BACKEND = mail
