"""A kill -9 in the middle of an import leaves the database as before; a re-run completes it.

The import runs as a real `alma import` process on its own SQLite file (whatever database the
rest of the tests use), is killed once it has started writing, and is then run again.
"""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from alma.imports.tests.sheets import csv_bytes, many_rows

ROWS = 4000


def _alma(*args: str, env: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "alma.cli", *args], env=env, **kwargs
    )


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def test_kill_9_mid_import_changes_nothing_and_rerun_completes(tmp_path):
    db = tmp_path / "alma.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings",
        "ALMA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{db}",
    }
    assert _alma("migrate", "-v0", env=env).wait(timeout=120) == 0
    sheet = tmp_path / "people.csv"
    sheet.write_bytes(csv_bytes(many_rows(ROWS)))
    before = _count(db, "people_person")

    process = _alma(
        "import",
        "people",
        str(sheet),
        "--json",
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("write ") and not line.startswith(f"write {ROWS}/"):
            os.kill(process.pid, signal.SIGKILL)
            break
    else:
        raise AssertionError("the import never reported writing")
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert _count(db, "people_person") == before
    assert _count(db, "people_education") == 0
    assert _count(db, "directory_directoryentry") == 0

    rerun = _alma(
        "import",
        "people",
        str(sheet),
        "--json",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out, _err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    assert _count(db, "people_person") == before + ROWS
    assert _count(db, "people_education") == ROWS
