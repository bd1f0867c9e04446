"""An education or a job always belongs to a person who exists: the database's own foreign keys
guarantee it (people migration 0006), on SQLite and PostgreSQL alike. A record for no person is
refused, as is moving one to no person, and a person still referred to cannot be removed behind
Django's back (Django removes their records first). On PostgreSQL this also holds between two
sessions at once, and dumpdata's output loads back whatever the order of its records.
"""

import threading

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from alma.lib.bulk import insert_rows
from alma.people.models import Education, Employment, Person
from alma.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ["person_id", "degree_level", "school", "major", "entry_year"]


def education_rows(*person_ids: int) -> list[tuple]:
    return [(pk, "bachelor", "School of Physics", "", 2015) for pk in person_ids]


def missing_id() -> int:
    return (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_a_record_for_no_person_is_refused_and_its_statement_writes_nothing():
    person = f.PersonFactory()
    with pytest.raises(IntegrityError):
        Education.objects.create(
            person_id=missing_id(), degree_level="bachelor", school="Physics", entry_year=2015
        )
    with pytest.raises(IntegrityError):
        Employment.objects.create(person_id=missing_id(), organization_name="Acme")
    # Many rows in one statement (an import's COPY), one of them for no person: none is written.
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows("people_education", COLUMNS, education_rows(person.pk, missing_id()))
    assert not Education.objects.exists() and not Employment.objects.exists()
    insert_rows("people_education", COLUMNS, education_rows(person.pk, person.pk))
    assert Education.objects.filter(person=person).count() == 2


def test_people_written_in_the_same_transaction_or_savepoint_can_be_referred_to():
    with transaction.atomic():
        first = f.PersonFactory()
        with transaction.atomic():  # a savepoint: its rows are locked like anyone's, and found
            second = f.PersonFactory()
            insert_rows("people_education", COLUMNS, education_rows(first.pk, second.pk))
        Employment.objects.create(person=second, organization_name="Acme")
    assert Education.objects.count() == 2 and Employment.objects.get().person == second


def test_a_record_moved_to_no_person_is_refused():
    education = f.EducationFactory()
    job = f.EmploymentFactory(person=education.person)
    for model, pk in ((Education, education.pk), (Employment, job.pk)):
        with pytest.raises(IntegrityError):
            model.objects.filter(pk=pk).update(person_id=missing_id())
        assert model.objects.get(pk=pk).person_id == education.person_id
    other = f.PersonFactory()
    Education.objects.filter(pk=education.pk).update(person=other)  # to someone who exists
    assert Education.objects.get(pk=education.pk).person == other


def test_a_person_still_referred_to_is_not_removed_behind_djangos_back():
    education = f.EducationFactory()
    job = f.EmploymentFactory()
    for person in (education.person, job.person):
        with pytest.raises(IntegrityError), connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
        assert Person.objects.filter(pk=person.pk).exists()
    education.person.delete()  # Django removes the education first
    assert not Education.objects.filter(person_id=education.person_id).exists()
    assert Employment.objects.get() == job


def postgresql_only() -> bool:
    return connection.vendor == "postgresql"


def test_postgresql_a_person_referred_to_keeps_their_id_and_is_not_truncated_away():
    if not postgresql_only():
        return  # SQLite: its own foreign-key constraints, tested above
    education = f.EducationFactory()
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET id = id + 1000 WHERE id = %s", [education.person_id]
        )
    with pytest.raises(DatabaseError, match="foreign key"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_person")
    assert Education.objects.get().person == Person.objects.get()


def test_postgresql_every_reference_to_a_person_is_a_foreign_key():
    """No reference to people is left to Alma's code alone: each column that holds a person's
    id in a table of Alma's (history tables aside: they outlive the record) is a constraint."""
    if not postgresql_only():
        return
    from django.apps import apps

    referring = {
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model is Person
        and not model._meta.db_table.startswith(("people_historical",))
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND c.confrelid = 'people_person'::regclass"
        )
        constrained = set(cursor.fetchall())
    assert referring and referring <= constrained, referring - constrained
    with connection.cursor() as cursor:  # and nothing else stands in for one
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid IN ('people_person'::regclass, 'people_education'::regclass,"
            " 'people_employment'::regclass)"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("order", ["as_dumped", "records_first"])
def test_people_and_their_records_dumped_load_back_in_any_order(tmp_path, order):
    """A fixture loads whatever the order of its objects: the references are checked when the
    load commits (deferred constraints on PostgreSQL, a check at the end on SQLite)."""
    import json

    from django.core.management import call_command

    job = f.EmploymentFactory()
    f.EducationFactory(person=job.person)
    before = list(Education.objects.values()), list(Employment.objects.values())
    fixture = tmp_path / "people.json"
    call_command("dumpdata", "people", output=str(fixture))
    if order == "records_first":
        objects = json.loads(fixture.read_text())
        objects.sort(key=lambda o: o["model"] == "people.person")  # people last
        assert objects[-1]["model"] == "people.person" and objects[0]["model"] != "people.person"
        fixture.write_text(json.dumps(objects))
    Person.objects.all().delete()
    assert not Education.objects.exists() and not Employment.objects.exists()
    call_command("loaddata", str(fixture), verbosity=0)
    assert (list(Education.objects.values()), list(Employment.objects.values())) == before


def other_session() -> psycopg.Connection:
    return psycopg.connect(**connection.get_connection_params())


def wait_until_blocked(session: psycopg.Connection, timeout: float = 20) -> None:
    """Until the session is waiting for a lock another one holds."""
    pid = session.info.backend_pid
    with connection.cursor() as cursor:
        for _ in range(int(timeout * 100)):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                return
            threading.Event().wait(0.01)
    raise AssertionError("the other session never waited")


def in_thread(work) -> tuple[threading.Thread, list[BaseException | None]]:  # type: ignore[no-untyped-def]
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def no_orphans() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM people_education e WHERE NOT EXISTS"
            " (SELECT 1 FROM people_person p WHERE p.id = e.person_id)"
        )
        return bool(cursor.fetchone()[0] == 0)


def test_postgresql_a_record_written_while_its_person_is_removed_leaves_no_orphan():
    """Two sessions: one writes an education for a person, the other removes the person before
    the first commits. Whichever commits second fails; no education is left for no one."""
    if not postgresql_only():
        return
    person = f.PersonFactory()
    with other_session() as writer, other_session() as remover:
        writer.execute(  # an education for the person, not committed yet
            "INSERT INTO people_education (person_id, degree_level, school, major, entry_year)"
            " VALUES (%s, 'bachelor', 'Physics', '', 2015)",
            [person.pk],
        )
        for table in ("directory_directorysample", "directory_directorytext",
                      "directory_directoryentry"):  # fmt: skip
            remover.execute(f"DELETE FROM {table} WHERE person_id = %s", [person.pk])  # noqa: S608
        remover.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
        remover.commit()  # the education is not committed: nothing refers to the person yet
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            writer.commit()  # its person is gone: the whole transaction is refused
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Education.objects.exists() and no_orphans()


def test_postgresql_a_removal_of_a_person_given_a_record_meanwhile_fails():
    """The other order: the record commits first, then the removal (committed after) fails."""
    if not postgresql_only():
        return
    person = f.PersonFactory()
    with other_session() as writer, other_session() as remover:
        for table in ("directory_directorysample", "directory_directorytext",
                      "directory_directoryentry"):  # fmt: skip
            remover.execute(f"DELETE FROM {table} WHERE person_id = %s", [person.pk])  # noqa: S608
        remover.execute("DELETE FROM people_person WHERE id = %s", [person.pk])  # not committed
        thread, outcome = in_thread(
            lambda: (
                writer.execute(
                    "INSERT INTO people_education (person_id, degree_level, school, major,"
                    " entry_year) VALUES (%s, 'bachelor', 'Physics', '', 2015)",
                    [person.pk],
                ),
                writer.commit(),
            )
        )
        wait_until_blocked(writer)  # its check waits for the removal to be decided
        remover.rollback()  # the removal is given up: the record's person stays
        thread.join()
        assert outcome == [None]
    assert Education.objects.get().person_id == person.pk and no_orphans()
