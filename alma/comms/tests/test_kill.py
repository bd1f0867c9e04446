"""A sending process killed with SIGKILL mid-mailing, then started again: nobody is mailed
twice, everyone not claimed before the kill is mailed once, unconfirmed claims are reported.

The mailing is sent by a real `alma comms send` process on its own SQLite file (whatever
database the other tests use), with the file email backend so that every mail that left is
on disk to be counted.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

RECIPIENTS = 300

SETUP = """
from alma.accounts.models import User
from alma.comms.mailings import mailing_create, mailing_queue
from alma.comms.models import Mailing
from alma.people.models import Person
office = User.objects.create(email="office@example.edu")
Person.objects.bulk_create(
    [Person(full_name=f"Alumnus {n}", email=f"a{n}@example.edu", stage="alumnus")
     for n in range(RECIPIENTS_N)]
)
mailing = mailing_create(by=office, name="News", purpose="newsletter", subject_en="News",
                         body_en="Hello {{ name }}, [news](https://example.edu/news)",
                         audience={"stages": ["alumnus"]})
Mailing.objects.filter(pk=mailing.pk).update(status="scheduled")
print(mailing_queue(mailing_id=mailing.pk), mailing.pk)
""".replace("RECIPIENTS_N", str(RECIPIENTS))


def _alma(*args: str, env: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "alma.cli", *args], env=env, **kwargs
    )


def _mailed(folder: Path) -> Counter[str]:
    """Every address a mail went to, as many times as it was written out."""
    found: Counter[str] = Counter()
    for path in folder.glob("*.log"):
        found.update(re.findall(r"^To: (\S+)$", path.read_text(errors="replace"), re.M))
    return found


def _states(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT state, email FROM comms_mailingrecipient").fetchall()
    states: dict[str, list[str]] = {}
    for state, email in rows:
        states.setdefault(state, []).append(email)
    return states


def test_kill_9_mid_mailing_then_restart_mails_nobody_twice_and_reports_claims(tmp_path):
    db = tmp_path / "alma.sqlite3"
    outbox = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings",
        "ALMA_DEBUG": "1",
        "ALMA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{db}",
        "ALMA_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "ALMA_EMAIL_FILE_PATH": str(outbox),
        "ALMA_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    assert _alma("migrate", "-v0", env=env).wait(timeout=180) == 0
    setup = _alma("shell", "-c", SETUP, env=env, stdout=subprocess.PIPE, text=True)
    out, _err = setup.communicate(timeout=120)
    assert setup.returncode == 0
    total, mailing_id = (int(v) for v in out.split()[-2:])
    assert total == RECIPIENTS

    sender = _alma(
        "comms", "send", str(mailing_id), "--pause", "0.01",
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert sender.stderr is not None
    for line in sender.stderr:
        if line.startswith("sent ") and int(line.split()[1].split("/")[0]) >= RECIPIENTS // 3:
            os.kill(sender.pid, signal.SIGKILL)
            break
    else:
        raise AssertionError("the sender never got a third of the way")
    assert sender.wait(timeout=60) == -signal.SIGKILL

    before = _states(db)
    pending_at_kill = set(before.get("pending", []))
    claimed_at_kill = set(before.get("claimed", []))
    assert pending_at_kill, "killed too late to test a restart"
    assert len(claimed_at_kill) <= 1  # one recipient at a time is claimed and unconfirmed

    rerun = _alma(
        "comms", "send", str(mailing_id),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    out, _err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out

    mailed = _mailed(outbox)
    assert max(mailed.values()) == 1  # nobody twice
    assert all(mailed[address] == 1 for address in pending_at_kill)  # everyone waiting, once
    after = _states(db)
    assert set(after.get("claimed", [])) == claimed_at_kill  # never resent
    assert len(after.get("sent", [])) == RECIPIENTS - len(claimed_at_kill)

    status = _alma(
        "comms", "status", str(mailing_id), "--json", env=env, stdout=subprocess.PIPE, text=True
    )
    printed = json.loads(status.communicate(timeout=60)[0])
    assert printed == {
        "recipients": RECIPIENTS,
        "sent": RECIPIENTS - len(claimed_at_kill),
        "claimed_unconfirmed": len(claimed_at_kill),
        "clicks": 0,
        "unsubscribes": 0,
        "bounces": 0,
    }
