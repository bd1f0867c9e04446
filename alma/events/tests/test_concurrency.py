"""Registration never overbooks, even when many people sign up at the same moment.

Each thread has its own database connection and registers a different student for the same
event at once (a barrier releases them together). On PostgreSQL the event row lock
(`select_for_update`) serialises them; on SQLite every transaction is IMMEDIATE, so writers
queue for the database lock. Either way the seats handed out never exceed the capacity.

SQLite's in-memory test database cannot be shared by threads (its shared cache answers
"table is locked" instead of waiting), so on SQLite these tests copy it into a file and run
against that, with the settings Alma uses in production (WAL, IMMEDIATE, busy timeout).
"""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from alma.events.models import Registration
from alma.events.services import event_register, registration_cancel
from alma.events.tests.factories import EventFactory
from alma.testing import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_database")]

THREADS = 12
CAPACITY = 5


@pytest.fixture
def shared_database(transactional_db, tmp_path: Path) -> Iterator[None]:
    """A database every thread can open: PostgreSQL as is, SQLite copied into a file."""
    if connection.vendor != "sqlite":
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    del connections["default"]
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = memory


def run_together(work, count: int) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def seats(event) -> int:
    return sum(1 + r.guests for r in Registration.objects.filter(event=event, status="confirmed"))


def test_parallel_sign_ups_never_overbook():
    event = EventFactory(capacity=CAPACITY, guests_allowed=1)
    students = [f.StudentFactory() for _ in range(THREADS)]

    def register(index: int) -> None:
        # Every third person brings a guest: parties of two compete for the last seat too.
        event_register(event=event, person=students[index], by=None, guests=int(index % 3 == 0))

    errors = run_together(register, THREADS)
    assert errors == []
    assert Registration.objects.filter(event=event).count() == THREADS
    assert seats(event) <= CAPACITY
    # Nobody was turned away while a seat they fit in stayed free.
    waiting = Registration.objects.filter(event=event, status="waitlisted")
    assert all(seats(event) + w.seats > CAPACITY for w in waiting)


def test_parallel_cancellations_and_sign_ups_keep_the_count_right():
    event = EventFactory(capacity=CAPACITY)
    holders = [f.StudentFactory() for _ in range(CAPACITY)]
    held = [event_register(event=event, person=p, by=None) for p in holders]
    newcomers = [f.StudentFactory() for _ in range(THREADS - CAPACITY)]

    def act(index: int) -> None:
        if index < 3:
            registration_cancel(registration=held[index], by=None)
        else:
            event_register(event=event, person=newcomers[index - 3], by=None)

    errors = run_together(act, 3 + len(newcomers))
    assert errors == []
    assert seats(event) == CAPACITY  # three seats freed, three taken again
    assert Registration.objects.filter(event=event, status="waitlisted").count() == (
        len(newcomers) - 3
    )


def test_the_database_is_one_the_threads_share():
    """Guards the tests above: the threads must see the rows the test created."""
    event = EventFactory()
    seen: list[int] = []

    def look(index: int) -> None:
        from alma.events.models import Event

        seen.append(Event.objects.filter(pk=event.pk).count())

    assert run_together(look, 2) == []
    assert seen == [1, 1]
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
