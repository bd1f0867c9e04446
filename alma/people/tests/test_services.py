"""People services: the lifecycle (admit, enrol, graduate), consent, privacy and profile edits.

A refused call raises ApplicationError and changes nothing: the person, their education and the
transition trail are compared before and after.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alma.lib.errors import ApplicationError
from alma.people.models import Consent, Education, Person, Stage, StageTransition
from alma.people.services import (
    consent_current,
    consent_record,
    person_admit,
    person_enrol,
    person_graduate,
    person_set_privacy,
    person_update_profile,
)
from alma.testing import factories as f


def state(person: Person) -> tuple:
    fresh = Person.objects.get(pk=person.pk)
    return (
        fresh.stage,
        fresh.privacy,
        fresh.email,
        list(Education.objects.filter(person=person).order_by("pk").values()),
        list(StageTransition.objects.filter(person=person).values_list("from_stage", "to_stage")),
        list(Consent.objects.filter(person=person).values_list("purpose", "granted")),
        fresh.history.count(),
    )


def refused(call, person: Person, *, field: str | None = "unset", **kwargs) -> ApplicationError:
    before = state(person)
    with pytest.raises(ApplicationError) as caught:
        call(person=person, **kwargs)
    assert state(person) == before
    if field != "unset":
        assert caught.value.field == field
    return caught.value


ADMISSION = {
    "school": "School of Law",
    "major": "International Law",
    "degree_level": "master",
    "entry_year": 2026,
}


# --- lifecycle -----------------------------------------------------------------------------


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


# --- consent -------------------------------------------------------------------------------


def test_consent_is_appended_and_the_latest_decision_is_in_force(carol):
    person = carol.person
    assert consent_current(person=person) == {}
    consent_record(person=person, by=carol, decisions={"newsletter": True, "events": False})
    consent_record(person=person, by=carol, decisions={"newsletter": False})
    assert consent_current(person=person) == {"newsletter": False, "events": False}
    history = list(
        Consent.objects.filter(person=person, purpose="newsletter")
        .order_by("recorded_at", "pk")
        .values_list("granted", flat=True)
    )
    assert history == [True, False]  # the earlier decision is kept, not overwritten


def test_unchanged_decisions_add_nothing(carol):
    person = carol.person
    consent_record(person=person, by=carol, decisions={"newsletter": True, "events": False})
    rows = consent_record(person=person, by=carol, decisions={"newsletter": True, "events": False})
    assert rows == []
    assert Consent.objects.filter(person=person).count() == 2


def test_an_unknown_consent_purpose_is_refused_and_nothing_is_recorded(carol):
    refused(
        consent_record,
        carol.person,
        by=carol,
        decisions={"newsletter": True, "selling_my_data": True},
    )


# --- privacy settings ----------------------------------------------------------------------


def test_privacy_settings_are_merged_into_the_record(carol):
    person = carol.person
    person_set_privacy(person=person, by=carol, audiences={"email": "members"})
    person_set_privacy(person=person, by=carol, audiences={"phone": "only_me"})
    assert Person.objects.get(pk=person.pk).privacy == {"email": "members", "phone": "only_me"}


@pytest.mark.parametrize(
    ("audiences", "field"),
    [
        ({"email": "members", "shoe_size": "members"}, "shoe_size"),
        ({"email": "members", "phone": "everyone"}, "phone"),
        ({"profile": ""}, "profile"),
    ],
)
def test_unknown_settings_or_audiences_are_refused_and_change_nothing(carol, audiences, field):
    person = carol.person
    person_set_privacy(person=person, by=carol, audiences={"wechat": "only_me"})
    refused(person_set_privacy, person, field=field, by=carol, audiences=audiences)
    assert Person.objects.get(pk=person.pk).privacy == {"wechat": "only_me"}


# --- profile -------------------------------------------------------------------------------


def test_a_profile_edit_saves_the_fields_a_person_may_edit(carol):
    person = carol.person
    person_update_profile(
        person=person, by=carol, data={"headline": "Aspiring lawyer", "current_city": "Hangzhou"}
    )
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.headline, fresh.current_city) == ("Aspiring lawyer", "Hangzhou")


def test_a_profile_edit_may_not_touch_the_stage_or_the_name(carol):
    refused(
        person_update_profile,
        carol.person,
        by=carol,
        data={"stage": "alumnus", "full_name": "Someone Else"},
    )


def test_a_malformed_email_is_refused_and_nothing_is_saved(carol):
    person = carol.person
    before = state(person)
    with pytest.raises(ValidationError) as caught:
        person_update_profile(person=person, by=carol, data={"email": "not-an-email"})
    assert "email" in caught.value.message_dict
    assert state(person) == before


def test_consent_decisions_must_be_yes_or_no(dave):
    from alma.lib.errors import ApplicationError
    from alma.people.models import Consent
    from alma.people.services import consent_record

    with pytest.raises(ApplicationError):
        consent_record(person=dave.person, by=dave, decisions={"newsletter": 1})  # type: ignore[dict-item]
    assert not Consent.objects.filter(person=dave.person).exists()


def test_a_graduation_year_before_entry_is_refused_not_replaced(carol):
    from alma.lib.errors import ApplicationError
    from alma.people.services import person_graduate

    with pytest.raises(ApplicationError):
        person_graduate(person=carol.person, by=None, graduation_year=0)
    carol.person.refresh_from_db()
    assert carol.person.stage == "student"


@pytest.mark.django_db
def test_history_keeps_its_author_until_the_user_is_deleted():
    """Authors are indexed only where set (alma.lib.history.History); Django still clears them
    when the user goes, and the history row stays."""
    user = f.UserFactory()
    person = f.PersonFactory(full_name="王芳")
    person._history_user = user
    person.headline = "Engineer"
    person.save()
    assert person.history.latest().history_user == user
    assert Person.history.filter(history_user__isnull=False).count() == 1
    user.delete()
    latest = person.history.latest()
    assert latest.history_user_id is None and latest.headline == "Engineer"
    assert person.history.count() == 2
