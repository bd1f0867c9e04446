"""The review queue by group: what it shows (through people.privacy), merging and dismissing a
group, undoing its merges."""

import pytest

from alma.imports.models import DuplicateCandidate, DuplicateDismissal, Merge
from alma.people.models import Audience, Person
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    """Three records of one person: a ~ b and b ~ c, one group (keyed by a's id)."""
    a = f.PersonFactory(full_name="张伟", email="zw@example.com", current_city="上海")
    b = f.PersonFactory(full_name="Zhang Wei", email="zhang.wei@example.com")
    c = f.PersonFactory(
        full_name="张伟",
        email="secret-zw@example.com",
        privacy={"email": Audience.ONLY_ME},  # not even the alumni office sees it
    )
    for x, y, probability in ((a, b, 0.97), (b, c, 0.81)):
        DuplicateCandidate.objects.create(
            person_a=x,
            person_b=y,
            probability=probability,
            comparison={"family_name": "agree"},
            group=a.pk,
        )
    return a, b, c


def test_the_queue_shows_groups_as_the_office_may_see_them(group, alice):
    a, b, c = group
    hidden = f.PersonFactory(full_name="Hidden Person", privacy={"profile": Audience.ONLY_ME})
    other = f.PersonFactory(full_name="Li Na")
    DuplicateCandidate.objects.create(
        person_a=hidden, person_b=other, probability=0.6, comparison={}, group=hidden.pk
    )
    page = client_for(alice).get("/imports/duplicates/").content.decode()
    assert "3 records, probability up to 0.970" in page
    assert "2 records, probability up to 0.600" in page
    assert page.index("0.970") < page.index("0.600")  # the likeliest group first
    assert "zw@example.com" in page and "zhang.wei@example.com" in page
    assert "secret-zw@example.com" not in page  # c's email is hers alone
    assert "Hidden Person" not in page and "Hidden record" in page and f"#{hidden.pk}" in page
    for person in (a, b, c):
        assert f'name="person" value="{person.pk}"' in page


def test_the_queue_reads_a_bounded_number_of_queries(group, alice, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(20) as small:
        client.get("/imports/duplicates/")
    for _ in range(10):
        x, y = f.PersonFactory(), f.PersonFactory()
        f.EducationFactory(person=x)
        DuplicateCandidate.objects.create(
            person_a=x, person_b=y, probability=0.7, comparison={}, group=x.pk
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/imports/duplicates/")


def test_merging_a_group_keeps_the_oldest_record_and_each_merge_undoes(group, alice):
    a, b, c = group
    client = client_for(alice)
    response = client.post(
        f"/imports/duplicates/groups/{a.pk}/merge/", {"person": [a.pk, b.pk, c.pk]}
    )
    assert response.status_code == 302
    assert list(Person.objects.filter(pk__in=[a.pk, b.pk, c.pk])) == [a]
    merges = Merge.objects.filter(survivor=a)
    assert {m.merged_person_id for m in merges} == {b.pk, c.pk}
    assert not DuplicateCandidate.objects.filter(status="open").exists()
    for merge in merges:
        assert client.post(f"/imports/merges/{merge.pk}/undo/").status_code == 302
    assert Person.objects.filter(pk__in=[a.pk, b.pk, c.pk]).count() == 3
    assert Person.objects.get(pk=c.pk).email == "secret-zw@example.com"


def test_a_record_left_unticked_stays_apart(group, alice):
    a, b, c = group
    client_for(alice).post(f"/imports/duplicates/groups/{a.pk}/merge/", {"person": [a.pk, b.pk]})
    assert Person.objects.filter(pk=c.pk).exists() and not Person.objects.filter(pk=b.pk).exists()
    assert Merge.objects.get().merged_person_id == b.pk


@pytest.mark.parametrize(
    "chosen, message",
    [
        (lambda a, b, c, x: [a.pk], "at least two"),
        (lambda a, b, c, x: [a.pk, x.pk], "Only records of this group"),
        (lambda a, b, c, x: [a.pk, b.pk, c.pk], "were marked as different people"),
    ],
)
def test_a_group_merge_that_cannot_be_done_changes_nothing(group, alice, chosen, message):
    a, b, c = group
    x = f.PersonFactory()
    DuplicateDismissal.objects.create(person_low=a.pk, person_high=c.pk)
    response = client_for(alice).post(
        f"/imports/duplicates/groups/{a.pk}/merge/",
        {"person": chosen(a, b, c, x)},
        HTTP_REFERER="http://testserver/imports/duplicates/",
        follow=True,
    )
    assert message in response.content.decode()
    assert Person.objects.filter(pk__in=[a.pk, b.pk, c.pk, x.pk]).count() == 4
    assert not Merge.objects.exists()
    assert DuplicateCandidate.objects.filter(status="open").count() == 2


def test_dismissing_a_group_marks_each_pair(group, alice):
    a, b, c = group
    client = client_for(alice)
    assert client.post(f"/imports/duplicates/groups/{a.pk}/dismiss/").status_code == 302
    assert set(DuplicateDismissal.objects.values_list("person_low", "person_high")) == {
        (a.pk, b.pk),
        (b.pk, c.pk),
    }
    assert "No pairs to review." in client.get("/imports/duplicates/").content.decode()
    assert client.post(f"/imports/duplicates/groups/{a.pk}/dismiss/").status_code == 400


def test_only_the_alumni_office_reviews_groups(group, carol, dave):
    a, b, _c = group
    for persona in (carol, dave):
        client = client_for(persona)
        assert client.get("/imports/duplicates/").status_code == 403
        assert (
            client.post(
                f"/imports/duplicates/groups/{a.pk}/merge/", {"person": [a.pk, b.pk]}
            ).status_code
            == 403
        )
    assert Person.objects.filter(pk=b.pk).exists()
