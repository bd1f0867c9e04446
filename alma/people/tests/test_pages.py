"""Profile pages: one's own profile, editing it, privacy and consent, and others' profiles."""

import pytest

from alma.activity.services import staff_service_log
from alma.people.models import Consent, Person
from alma.people.services import consent_current
from alma.testing import factories as f
from alma.testing.personas import client_for

PROFILE = {
    "name_latin": "Carol Student",
    "gender": "female",
    "date_of_birth": "2004-05-06",
    "email": "carol.new@example.org",
    "phone": "+86 139 0000 0001",
    "wechat": "carol_wx",
    "hometown_country": "China",
    "hometown_province": "Zhejiang",
    "hometown_city": "Ningbo",
    "current_country": "China",
    "current_province": "Shanghai",
    "current_city": "Shanghai",
    "headline": "Law student",
    "bio": "I like moot court.",
    "expertise": "contracts, debate",
    "interests": "hiking",
}


def test_my_profile_leads_to_my_record(carol):
    response = client_for(carol).get("/people/me/", follow=True)
    assert response.redirect_chain == [(f"/people/{carol.person_id}/", 302)]
    assert b"Carol Student" in response.content
    assert b'href="/people/me/edit/"' in response.content


def test_a_login_without_a_person_is_told_so(hank):
    response = client_for(hank).get("/people/me/edit/")
    assert response.status_code == 404


def test_the_edit_form_shows_the_current_values(carol):
    response = client_for(carol).get("/people/me/edit/")
    assert response.status_code == 200
    assert carol.person.email.encode() in response.content


def test_a_valid_profile_edit_is_saved(carol):
    client = client_for(carol)
    response = client.post("/people/me/edit/", PROFILE, follow=True)
    assert response.redirect_chain == [(f"/people/{carol.person_id}/", 302)]
    assert b"Your profile was saved." in response.content
    person = Person.objects.get(pk=carol.person_id)
    assert person.email == "carol.new@example.org"
    assert person.headline == "Law student"
    assert person.expertise_list == ["contracts", "debate"]
    assert str(person.date_of_birth) == "2004-05-06"
    # The audit history records who made the change.
    assert person.history.latest().history_user == carol


def test_an_invalid_email_gets_a_message_on_the_field_and_changes_nothing(carol):
    before = Person.objects.get(pk=carol.person_id)
    response = client_for(carol).post("/people/me/edit/", {**PROFILE, "email": "carol at example"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert b'class="field-error" role="alert">Enter a valid email address.' in response.content
    after = Person.objects.get(pk=carol.person_id)
    assert (after.email, after.headline, after.updated_at) == (
        before.email,
        before.headline,
        before.updated_at,
    )


def test_a_profile_edit_cannot_change_the_stage_or_name(carol):
    client_for(carol).post(
        "/people/me/edit/", {**PROFILE, "stage": "alumnus", "full_name": "Someone Else"}
    )
    person = Person.objects.get(pk=carol.person_id)
    assert (person.stage, person.full_name) == ("student", "Carol Student")


def test_an_impossible_birthday_is_a_field_message_not_a_500(carol):
    response = client_for(carol).post(
        "/people/me/edit/", {**PROFILE, "date_of_birth": "31/02/2004"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]


# --- privacy and consent -------------------------------------------------------------------


def privacy_form(**changes: str) -> dict[str, str]:
    data = {
        "audience_profile": "members",
        "audience_email": "alumni_office",
        "audience_phone": "alumni_office",
        "audience_wechat": "members",
        "audience_date_of_birth": "alumni_office",
        "audience_gender": "alumni_office",
        "audience_hometown": "members",
        "audience_current_location": "members",
        "audience_about": "members",
        "audience_expertise": "signed_in",
        "audience_photo": "members",
        "audience_education": "members",
        "audience_employment": "members",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "off"}


def test_the_privacy_page_shows_each_field_s_audience(carol):
    carol.person.privacy = {"email": "only_me"}
    carol.person.save()
    response = client_for(carol).get("/people/me/privacy/")
    assert response.status_code == 200
    assert response.context["form"]["audience_email"].value() == "only_me"
    assert response.context["form"]["audience_phone"].value() == "alumni_office"


def test_the_privacy_page_saves_audiences_and_consents(carol):
    client = client_for(carol)
    response = client.post(
        "/people/me/privacy/",
        privacy_form(audience_email="members", consent_newsletter="on", consent_mentoring="on"),
        follow=True,
    )
    assert response.redirect_chain == [("/people/me/privacy/", 302)]
    assert b"Your privacy settings were saved." in response.content
    person = Person.objects.get(pk=carol.person_id)
    assert person.privacy["email"] == "members"
    assert consent_current(person=person) == {
        "newsletter": True,
        "events": False,
        "mentoring": True,
        "fundraising": False,
        "chapter_sharing": False,
        "send_off": False,
        "new_parents": False,
        "publicity": False,
    }
    # Saving again unchanged records no new consent decisions.
    rows = Consent.objects.count()
    client.post(
        "/people/me/privacy/",
        privacy_form(audience_email="members", consent_newsletter="on", consent_mentoring="on"),
    )
    assert Consent.objects.count() == rows
    # Withdrawing one consent adds exactly one row.
    client.post("/people/me/privacy/", privacy_form(consent_mentoring="on"))
    assert Consent.objects.count() == rows + 1
    assert consent_current(person=person)["newsletter"] is False


def test_an_unknown_audience_is_refused_and_nothing_changes(carol):
    response = client_for(carol).post(
        "/people/me/privacy/", privacy_form(audience_email="everyone", consent_events="on")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["audience_email"]
    assert Person.objects.get(pk=carol.person_id).privacy == {}
    assert not Consent.objects.exists()


def test_a_hidden_field_disappears_from_the_profile_for_others(carol, bob):
    client_for(carol).post("/people/me/privacy/", privacy_form(audience_wechat="only_me"))
    Person.objects.filter(pk=carol.person_id).update(wechat="carol_secret_wx")
    assert b"carol_secret_wx" not in client_for(bob).get(f"/people/{carol.person_id}/").content
    assert b"carol_secret_wx" in client_for(carol).get(f"/people/{carol.person_id}/").content


# --- others' profiles ----------------------------------------------------------------------


def test_services_received_show_to_the_student_and_the_alumni_office_only(alice, bob, carol, dave):
    staff_service_log(staff=bob, student=carol.person, aspect="study", note="Thesis advice")
    path = f"/people/{carol.person_id}/"
    assert b"Thesis advice" in client_for(carol).get(path).content
    assert b"Thesis advice" in client_for(alice).get(path).content
    assert b"Thesis advice" not in client_for(bob).get(path).content
    assert b"Thesis advice" not in client_for(dave).get(path).content


def test_staff_see_a_button_to_record_a_service_to_a_student(bob, carol, dave):
    button = f'href="/services/new/?student={carol.person_id}"'.encode()
    assert button in client_for(bob).get(f"/people/{carol.person_id}/").content
    assert button not in client_for(dave).get(f"/people/{carol.person_id}/").content
    alumnus_page = client_for(bob).get(f"/people/{dave.person_id}/").content
    assert b"/services/new/?student=" not in alumnus_page


def test_others_see_no_edit_links_on_my_profile(bob, carol):
    content = client_for(bob).get(f"/people/{carol.person_id}/").content
    assert b'href="/people/me/edit/"' not in content


def test_education_and_work_show_to_members(bob, dave):
    content = client_for(bob).get(f"/people/{dave.person_id}/").content.decode()
    assert "Computer Science" in content
    job = dave.person.employments.get()
    assert job.organization_name in content


def test_a_person_with_an_unusual_name_renders_safely(bob):
    person = f.PersonFactory(full_name="<script>alert(1)</script>")
    content = client_for(bob).get(f"/people/{person.pk}/").content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;" in content


@pytest.mark.parametrize("phone", ["<script>alert(1)</script>", "12345", "call me"])
def test_a_phone_that_is_not_one_is_refused_as_the_import_refuses_it(carol, phone):
    before = Person.objects.get(pk=carol.person_id)
    response = client_for(carol).post("/people/me/edit/", {**PROFILE, "phone": phone})
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert Person.objects.get(pk=carol.person_id).updated_at == before.updated_at


def test_a_phone_is_stored_in_the_same_form_as_the_import_stores_it(carol):
    client_for(carol).post("/people/me/edit/", {**PROFILE, "phone": "138 1234 5678"})
    assert Person.objects.get(pk=carol.person_id).phone == "+8613812345678"


def test_another_persons_email_is_refused(carol, dave):
    dave_email = Person.objects.get(pk=dave.person_id).email or dave.email
    response = client_for(carol).post("/people/me/edit/", {**PROFILE, "email": dave_email.upper()})
    assert response.status_code == 200
    assert "another person" in " ".join(response.context["form"].errors["email"])
    assert Person.objects.get(pk=carol.person_id).email.lower() != dave_email.lower()


def test_a_date_of_birth_in_the_future_is_refused(carol):
    response = client_for(carol).post(
        "/people/me/edit/", {**PROFILE, "date_of_birth": "2099-01-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors["date_of_birth"]
