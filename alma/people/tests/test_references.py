"""An education or a job always belongs to a person who exists.

SQLite keeps foreign-key constraints for this; PostgreSQL checks once per statement instead
(people migration 0005). Either way: a record for no person is refused, as is moving one to no
person, and a person still referred to cannot be removed behind Django's back (Django removes
their records first). On PostgreSQL the checks must also hold between two sessions at once.
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
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        # CASCADE empties every table with a foreign key to people; educations have none now.
        cursor.execute("TRUNCATE people_person CASCADE")
    assert Education.objects.get().person == Person.objects.get()
    lonely = f.PersonFactory()
    with connection.cursor() as cursor:  # nobody refers to this one: its id may change
        cursor.execute("UPDATE people_person SET id = id + 1000 WHERE id = %s", [lonely.pk])
    assert Person.objects.filter(pk=lonely.pk + 1000).exists()


def test_postgresql_people_are_removed_only_at_read_committed():
    """At a stricter level the removal's check would not see a reference committed meanwhile."""
    if not postgresql_only():
        return
    person = f.PersonFactory()
    for statement in ("DELETE FROM people_person WHERE id = %s", "TRUNCATE people_person CASCADE"):
        with (
            pytest.raises(DatabaseError, match="READ COMMITTED"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(statement, [person.pk] if "%s" in statement else None)
        assert Person.objects.filter(pk=person.pk).exists()
    with transaction.atomic(), connection.cursor() as cursor:  # removing nobody is no removal
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("DELETE FROM people_person WHERE id = %s", [missing_id()])
    person.delete()
    assert not Person.objects.exists()


def test_people_and_their_records_dumped_load_back(tmp_path):
    """dumpdata writes people before their records, so loaddata can check each as it goes."""
    from django.core.management import call_command

    job = f.EmploymentFactory()
    f.EducationFactory(person=job.person)
    before = list(Education.objects.values()), list(Employment.objects.values())
    fixture = tmp_path / "people.json"
    call_command("dumpdata", "people", output=str(fixture))
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


def test_postgresql_a_removal_waits_for_a_record_written_meanwhile_then_fails():
    if not postgresql_only():
        return
    person = f.PersonFactory()
    with other_session() as writer, other_session() as remover:
        writer.execute(  # an education for the person, not committed yet
            "INSERT INTO people_education (person_id, degree_level, school, major, entry_year)"
            " VALUES (%s, 'bachelor', 'Physics', '', 2015)",
            [person.pk],
        )
        thread, outcome = in_thread(
            lambda: remover.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
        )
        wait_until_blocked(remover)  # the writer's lock keeps the person
        writer.commit()
        thread.join()
        assert isinstance(outcome[0], psycopg.errors.ForeignKeyViolation)
        remover.rollback()
    assert Education.objects.get().person == Person.objects.get(pk=person.pk)


def test_postgresql_one_statement_for_people_of_its_own_and_others_locks_the_others():
    if not postgresql_only():
        return
    other = f.PersonFactory()
    with other_session() as remover:
        with transaction.atomic():
            mine = f.PersonFactory()
            insert_rows("people_education", COLUMNS, education_rows(mine.pk, other.pk))
            thread, outcome = in_thread(
                lambda: remover.execute("DELETE FROM people_person WHERE id = %s", [other.pk])
            )
            wait_until_blocked(remover)  # the other person is kept until this commits
        thread.join()
        assert isinstance(outcome[0], psycopg.errors.ForeignKeyViolation)
        remover.rollback()
    assert Education.objects.filter(person__in=[mine, other]).count() == 2


def test_postgresql_a_record_written_while_its_person_is_removed_waits_then_fails():
    if not postgresql_only():
        return
    person = f.PersonFactory()
    with other_session() as writer, other_session() as remover:
        remover.execute("DELETE FROM people_person WHERE id = %s", [person.pk])  # not committed
        thread, outcome = in_thread(
            lambda: writer.execute(
                "INSERT INTO people_education (person_id, degree_level, school, major,"
                " entry_year) VALUES (%s, 'bachelor', 'Physics', '', 2015)",
                [person.pk],
            )
        )
        wait_until_blocked(writer)  # the person's removal is not decided yet
        remover.commit()
        thread.join()
        assert isinstance(outcome[0], psycopg.errors.ForeignKeyViolation)
        writer.rollback()
    assert not Person.objects.filter(pk=person.pk).exists() and not Education.objects.exists()
