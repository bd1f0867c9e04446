"""The office console: records edited in Alma's own look, by the same rules as everywhere."""

from alma.people.models import Audience, Organization, Person, Stage, StageTransition
from alma.testing import factories as f
from alma.testing.personas import client_for


def record(**changes: str) -> dict[str, str]:
    return {"full_name": "Opal Chen", "stage": "alumnus", **changes}


def test_the_office_corrects_a_record_and_a_change_of_stage_is_recorded(alice):
    person = f.PersonFactory(full_name="Opal Chn", stage=Stage.STUDENT)
    response = client_for(alice).post(
        f"/office/people/{person.pk}/", record(phone="139 0000 1111", current_city="Chengdu")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.stage, person.phone, person.current_city) == (
        "Opal Chen",
        Stage.ALUMNUS,
        "+8613900001111",
        "Chengdu",
    )
    transition = StageTransition.objects.get(person=person)
    assert (transition.from_stage, transition.to_stage, transition.recorded_by) == (
        Stage.STUDENT,
        Stage.ALUMNUS,
        alice,
    )
    page = client_for(alice).get(f"/office/people/{person.pk}/").content.decode()
    assert "Student → Alumnus" in page


def test_the_office_keeps_the_same_rules_as_the_profile_and_the_import(alice, dave):
    person = f.PersonFactory(full_name="Opal Chen")
    before = Person.objects.get(pk=person.pk)
    response = client_for(alice).post(
        f"/office/people/{person.pk}/",
        record(phone="<script>", email=dave.email, date_of_birth="2099-01-01"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "email", "date_of_birth"}
    assert Person.objects.get(pk=person.pk).updated_at == before.updated_at


def test_fields_a_person_keeps_from_the_office_are_neither_shown_nor_overwritten(alice):
    person = f.PersonFactory(phone="+8613912345678", privacy={"phone": Audience.ONLY_ME})
    page = client_for(alice).get(f"/office/people/{person.pk}/")
    assert "phone" not in page.context["form"].fields
    assert "13912345678" not in page.content.decode()
    client_for(alice).post(f"/office/people/{person.pk}/", record(phone=""))
    assert Person.objects.get(pk=person.pk).phone == "+8613912345678"


def test_the_office_finds_records_by_student_number_phone_and_stage(alice):
    carol_like = f.PersonFactory(full_name="Quinn Zhao", stage=Stage.STUDENT)
    f.EducationFactory(person=carol_like, student_number="S-2024-777")
    other = f.PersonFactory(full_name="Ruth Zhao", stage=Stage.ALUMNUS, phone="+8613711112222")
    client = client_for(alice)
    by_number = client.get("/office/people/?q=S-2024-777").context["views"]
    assert [v["id"] for v in by_number] == [carol_like.pk]
    by_phone = client.get("/office/people/?q=137 1111 2222").context["views"]
    assert [v["id"] for v in by_phone] == [other.pk]
    by_stage = client.get("/office/people/?q=Zhao&stage=alumnus").context["views"]
    assert [v["id"] for v in by_stage] == [other.pk]


def test_a_person_hidden_from_everyone_is_listed_by_name_and_stage_only(alice):
    hidden = f.PersonFactory(
        full_name="Sam Hidden", email="sam.hidden@example.com", privacy={"profile": "only_me"}
    )
    response = client_for(alice).get("/office/people/?q=Sam Hidden")
    assert [v["id"] for v in response.context["views"]] == [hidden.pk]
    assert "sam.hidden@example.com" not in response.content.decode()


def test_the_office_adds_a_person_and_refuses_a_nameless_one(alice):
    client = client_for(alice)
    response = client.post("/office/people/new/", {"full_name": "", "stage": "none"})
    assert response.status_code == 200 and response.context["form"].errors["full_name"]
    response = client.post("/office/people/new/", {"full_name": "Tao Visitor", "stage": "none"})
    person = Person.objects.get(full_name="Tao Visitor")
    assert response.url == f"/office/people/{person.pk}/"


def test_an_organisation_gains_another_name(alice):
    organization = f.OrganizationFactory(name="Tencent")
    response = client_for(alice).post(
        f"/office/organisations/{organization.pk}/",
        {"name": "Tencent", "kind": "alumni_enterprise", "aliases": "腾讯\nTencent Holdings"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.aliases.splitlines() == ["腾讯", "Tencent Holdings"]
    listed = client_for(alice).get("/office/organisations/?q=腾讯").context["page"]
    assert [o.pk for o in listed] == [organization.pk]


def test_a_duplicate_organisation_name_is_a_message_not_a_500(alice):
    f.OrganizationFactory(name="Tencent")
    response = client_for(alice).post(
        "/office/organisations/new/", {"name": "Tencent", "kind": "partner"}
    )
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert Organization.objects.filter(name="Tencent").count() == 1


def test_the_console_shows_the_offices_numbers_and_queues(alice):
    f.PersonFactory(stage=Stage.STUDENT)
    page = client_for(alice).get("/office/")
    assert page.status_code == 200
    assert any(value == "student" and n >= 1 for value, _label, n in page.context["stages"])
    assert 'href="/office/people/?stage=student"' in page.content.decode()
