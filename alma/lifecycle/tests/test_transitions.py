"""Admission, enrolment and graduation of one person.

A refused call raises ApplicationError and changes nothing: the person, their education and the
transition trail are compared before and after.
"""

import pytest
from django.utils import timezone

from alma.lib.errors import ApplicationError
from alma.lifecycle.services import person_admit, person_enrol, person_graduate
from alma.people.models import Education, Person, Stage, StageTransition
from alma.testing import factories as f
from alma.testing.refusals import refused

ADMISSION = {
    "school": "School of Law",
    "major": "International Law",
    "degree_level": "master",
    "entry_year": 2026,
}


def test_admission_enrolment_and_graduation_walk_a_person_through_the_lifecycle(alice):
    person = f.PersonFactory(stage=Stage.NONE)
    admitted = person_admit(person=person, by=alice, **ADMISSION)
    assert Person.objects.get(pk=person.pk).stage == Stage.PROSPECTIVE
    assert admitted.school == "School of Law" and admitted.graduation_year is None

    enrolled = person_enrol(
        person=person, by=alice, student_number="L2026001", expected_graduation_year=2029
    )
    assert enrolled.pk == admitted.pk
    assert enrolled.student_number == "L2026001" and enrolled.expected_graduation_year == 2029
    assert Person.objects.get(pk=person.pk).stage == Stage.STUDENT

    graduated = person_graduate(person=person, by=alice, graduation_year=2029)
    assert graduated.pk == admitted.pk
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.stage == Stage.ALUMNUS
    assert Education.objects.get(pk=admitted.pk).graduation_year == 2029

    trail = list(
        StageTransition.objects.filter(person=person).values_list(
            "from_stage", "to_stage", "recorded_by"
        )
    )
    assert trail == [
        ("none", "prospective", alice.pk),
        ("prospective", "student", alice.pk),
        ("student", "alumnus", alice.pk),
    ]
    # The audit history says why the record changed.
    reasons = set(fresh.history.values_list("history_change_reason", flat=True))
    assert {"stage: prospective", "stage: student", "stage: alumnus"} <= reasons


def test_graduation_defaults_to_this_year(carol):
    education = person_graduate(person=carol.person, by=None)
    assert education.graduation_year == timezone.localdate().year
    assert Person.objects.get(pk=carol.person_id).stage == Stage.ALUMNUS


def test_an_alumnus_may_be_admitted_again_for_another_degree(dave):
    person_admit(person=dave.person, by=None, **ADMISSION)
    assert Person.objects.get(pk=dave.person_id).stage == Stage.PROSPECTIVE
    assert dave.person.educations.count() == 2


def test_a_prospective_student_admitted_again_gains_a_programme_but_no_transition(gina):
    before = StageTransition.objects.count()
    person_admit(person=gina.person, by=None, **ADMISSION)
    assert StageTransition.objects.count() == before


def test_a_student_cannot_be_admitted(carol):
    refused(person_admit, carol.person, by=None, **ADMISSION)


def test_an_unknown_degree_level_is_refused(db):
    refused(
        person_admit,
        f.PersonFactory(),
        field="degree_level",
        by=None,
        **{**ADMISSION, "degree_level": "wizardry"},
    )


def test_an_admission_without_a_school_is_refused_with_a_clear_message(db):
    error = refused(
        person_admit, f.PersonFactory(), field="school", by=None, **{**ADMISSION, "school": ""}
    )
    assert error.message


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "hank"])
def test_only_admitted_students_enrol(persona_users, persona):
    user = persona_users[persona]
    person = user.person or f.PersonFactory()
    refused(person_enrol, person, by=None, student_number="X1", expected_graduation_year=2030)


def test_enrolment_needs_an_admission_record(db):
    person = f.PersonFactory(stage=Stage.PROSPECTIVE)
    refused(person_enrol, person, by=None, student_number="X1", expected_graduation_year=2030)


def test_a_student_number_already_taken_is_refused(gina, carol):
    taken = carol.person.educations.get().student_number
    refused(
        person_enrol,
        gina.person,
        field="student_number",
        by=None,
        student_number=taken,
        expected_graduation_year=2031,
    )


@pytest.mark.parametrize("number", ["", "   "])
def test_an_empty_student_number_is_refused(gina, number):
    refused(
        person_enrol,
        gina.person,
        field="student_number",
        by=None,
        student_number=number,
        expected_graduation_year=2031,
    )


def test_graduation_cannot_be_expected_before_entry(gina):
    refused(
        person_enrol,
        gina.person,
        field="expected_graduation_year",
        by=None,
        student_number="G1",
        expected_graduation_year=2020,
    )


@pytest.mark.parametrize("persona", ["gina", "dave", "alice"])
def test_only_students_graduate(persona_users, persona):
    refused(person_graduate, persona_users[persona].person, by=None, graduation_year=2030)


def test_graduation_cannot_come_before_entry(carol):
    refused(person_graduate, carol.person, field="graduation_year", by=None, graduation_year=1999)


def test_a_student_with_no_open_education_cannot_graduate(db):
    person = f.PersonFactory(stage=Stage.STUDENT)
    refused(person_graduate, person, by=None, graduation_year=2030)


def test_a_graduation_year_before_entry_is_refused_not_replaced(carol):
    with pytest.raises(ApplicationError):
        person_graduate(person=carol.person, by=None, graduation_year=0)
    carol.person.refresh_from_db()
    assert carol.person.stage == "student"
