"""Merging two records keeps everything and can be undone; the review queue; bulk merges."""

import pytest

from alma.activity.models import Activity
from alma.activity.services import staff_service_log
from alma.imports.merge import duplicates_merge_above, merge_undo, people_merge
from alma.imports.models import DuplicateCandidate, DuplicateDismissal, Merge
from alma.people.models import Chapter, ChapterMembership, Consent, Education, Employment, Person
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(bob):
    a = f.AlumnusFactory(full_name="张伟", email="zw@example.com", phone="", current_city="上海")
    b = f.AlumnusFactory(
        full_name="Zhang Wei",
        email="zhang.wei@example.com",
        phone="+8613800000001",
        current_city="北京",
        wechat="zw88",
    )
    f.EmploymentFactory(person=b, organization_name="Tencent")
    chapter = f.ChapterFactory(name="Beijing")
    f.ChapterMembershipFactory(person=a, chapter=chapter)
    f.ChapterMembershipFactory(person=b, chapter=chapter)  # the same chapter: cannot move, kept
    f.ChapterMembershipFactory(person=b, chapter=f.ChapterFactory(name="Shenzhen"))
    Consent.objects.create(person=b, purpose="newsletter", granted=True)
    student = f.StudentFactory()
    staff_service_log(staff=bob, student=student, aspect="study", note="x")
    Activity.objects.update(actor=b)
    user = f.UserFactory(email="zhangwei-login@example.com", person=b)
    return a, b, user


def counts(person_ids):  # type: ignore[no-untyped-def]
    return {
        "educations": Education.objects.filter(person_id__in=person_ids).count(),
        "jobs": Employment.objects.filter(person_id__in=person_ids).count(),
        "memberships": ChapterMembership.objects.filter(person_id__in=person_ids).count(),
        "consents": Consent.objects.filter(person_id__in=person_ids).count(),
        "activities": Activity.objects.filter(actor_id__in=person_ids).count(),
    }


def test_merge_moves_everything_and_undo_restores_it(pair, alice):
    a, b, user = pair
    before = counts([a.pk, b.pk])
    b_fields = Person.objects.filter(pk=b.pk).values().get()
    a_fields = Person.objects.filter(pk=a.pk).values().get()
    merge = people_merge(survivor=a, merged=b, by=alice)
    assert not Person.objects.filter(pk=b.pk).exists()
    after = counts([a.pk])
    assert after == {**before, "memberships": before["memberships"] - 1}
    assert Chapter.objects.get(name="Shenzhen").members.filter(pk=a.pk).exists()
    a.refresh_from_db()
    assert a.email == "zw@example.com" and a.phone == "+8613800000001" and a.wechat == "zw88"
    latest = a.history.first()
    assert "email=zhang.wei@example.com" in latest.history_change_reason
    assert "current_city=北京" in latest.history_change_reason
    user.refresh_from_db()
    assert user.person_id == a.pk  # the login followed

    merge_undo(merge=merge, by=alice)
    assert counts([a.pk, b.pk]) == before
    assert counts([b.pk])["jobs"] == 1 and counts([b.pk])["activities"] == 1
    assert Person.objects.filter(pk=b.pk).values().get() | {"updated_at": None} == b_fields | {
        "updated_at": None
    }
    assert Person.objects.filter(pk=a.pk).values().get() | {"updated_at": None} == a_fields | {
        "updated_at": None
    }
    user.refresh_from_db()
    assert user.person_id == b.pk
    with pytest.raises(Exception, match="already been undone"):
        merge_undo(merge=Merge.objects.get(), by=alice)


def test_review_queue_merge_dismiss_bulk_and_undo_pages(pair, alice):
    a, b, _user = pair
    c = f.PersonFactory(full_name="Other")
    d = f.PersonFactory(full_name="Other too")
    first = DuplicateCandidate.objects.create(
        person_a=a, person_b=b, probability=0.99, comparison={"family_name": "agree"}, group=a.pk
    )
    second = DuplicateCandidate.objects.create(
        person_a=c, person_b=d, probability=0.6, comparison={}, group=c.pk
    )
    client = client_for(alice)
    page = client.get("/imports/duplicates/").content.decode()
    assert "张伟" in page and "0.990" in page and "Family name: agree" in page
    assert client.post(f"/imports/duplicates/{second.pk}/dismiss/").status_code == 302
    assert DuplicateDismissal.objects.filter(person_low=c.pk, person_high=d.pk).exists()
    assert client.post("/imports/duplicates/merge-above/", {"threshold": "0.95"}).status_code == 302
    assert not Person.objects.filter(pk=b.pk).exists()
    merge = Merge.objects.get()
    assert merge.probability == 0.99 and first.pk
    assert client.post(f"/imports/merges/{merge.pk}/undo/").status_code == 302
    assert Person.objects.filter(pk=b.pk).exists()


def test_bulk_merge_threshold_and_roles(pair, alice, carol):
    a, b, _user = pair
    DuplicateCandidate.objects.create(
        person_a=a, person_b=b, probability=0.7, comparison={}, group=a.pk
    )
    assert duplicates_merge_above(threshold=0.8, by=alice) == 0
    assert client_for(carol).get("/imports/duplicates/").status_code == 403
    assert client_for(alice).post(
        "/imports/duplicates/merge-above/", {"threshold": "0.1"}
    ).status_code in (302, 400)
    assert Person.objects.filter(pk=b.pk).exists()


def test_without_the_dedup_extra_review_and_merge_still_work(alice, monkeypatch):
    from django.core.management import CommandError, call_command

    from alma.imports import linkage

    monkeypatch.setattr(linkage, "available", lambda: False)
    page = client_for(alice).get("/imports/duplicates/").content.decode()
    assert "pip install alma[dedup]" in page
    monkeypatch.setattr("alma.imports.management.commands.dedup.available", lambda: False)
    with pytest.raises(CommandError, match="dedup extra"):
        call_command("dedup")
