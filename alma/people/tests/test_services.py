"""People services: consent, privacy and profile edits.

A refused call raises ApplicationError and changes nothing: the person and their records are
compared before and after.
"""

import pytest
from django.core.exceptions import ValidationError

from alma.lib.errors import ApplicationError
from alma.people.models import Consent, Person
from alma.people.services import (
    consent_current,
    consent_record,
    person_set_privacy,
    person_update_profile,
)
from alma.testing import factories as f
from alma.testing.refusals import person_state, refused

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
    before = person_state(person)
    with pytest.raises(ValidationError) as caught:
        person_update_profile(person=person, by=carol, data={"email": "not-an-email"})
    assert "email" in caught.value.message_dict
    assert person_state(person) == before


def test_consent_decisions_must_be_yes_or_no(dave):
    from alma.people.models import Consent
    from alma.people.services import consent_record

    with pytest.raises(ApplicationError):
        consent_record(person=dave.person, by=dave, decisions={"newsletter": 1})  # type: ignore[dict-item]
    assert not Consent.objects.filter(person=dave.person).exists()


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
