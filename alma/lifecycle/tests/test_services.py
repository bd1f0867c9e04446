"""Lifecycle automation: enrol and graduate cohorts, destinations, chapters' new students,
parents and new alumni, send-off and welcome events, and the report of people between stages."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alma.events.models import Event
from alma.lib.errors import ApplicationError
from alma.lifecycle.models import GraduateDestination, ParentsGroup
from alma.lifecycle.selectors import admissions_by_hometown, lifecycle_gaps
from alma.lifecycle.services import (
    chapter_send_off_create,
    chapter_welcome_create,
    chapters_assign_by_city,
    cohort_enrol,
    cohort_enrolment_plan,
    cohort_graduate,
    cohort_graduation_plan,
    destination_from_token,
    destination_token,
    graduate_destination_answer,
    graduation_run,
)
from alma.people.models import (
    ChapterMembership,
    ConsentPurpose,
    Education,
    Employment,
    Person,
    PersonRelation,
    Stage,
    StageTransition,
)
from alma.people.services import consent_record, person_relation_add
from alma.testing import factories as f

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def student(number: str, **kwargs) -> Person:
    person = f.PersonFactory(stage=Stage.STUDENT, **kwargs)
    f.EducationFactory(
        person=person,
        student_number=number,
        entry_year=THIS_YEAR - 4,
        expected_graduation_year=THIS_YEAR,
    )
    return person


def admitted(email: str, hometown: str = "Wuhan", entry_year: int = THIS_YEAR) -> Person:
    person = f.PersonFactory(stage=Stage.PROSPECTIVE, email=email, hometown_city=hometown)
    f.EducationFactory(person=person, entry_year=entry_year, student_number=None)
    return person


# --- Graduation --------------------------------------------------------------------------


def test_graduation_preview_says_who_changes_and_changes_nothing():
    a, b = student("S1"), student("S2")
    f.AlumnusFactory()
    plan = cohort_graduation_plan(
        graduation_year=THIS_YEAR, student_numbers=["S1", "S2", "S404", " S1 "]
    )
    assert [c.person_id for c in plan.changes] == sorted(
        [a.pk, b.pk], key=lambda pk: Person.objects.get(pk=pk).full_name
    )
    assert plan.unknown == ["S404"]
    assert not StageTransition.objects.exists()
    assert Person.objects.filter(stage=Stage.STUDENT).count() == 2


def test_unknown_student_numbers_refuse_the_whole_batch(alice):
    student("S1")
    with pytest.raises(ApplicationError, match="S404"):
        graduation_run(by=alice, graduation_year=THIS_YEAR, student_numbers=["S1", "S404"])
    assert Person.objects.filter(stage=Stage.ALUMNUS).count() == 0
    assert not GraduateDestination.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"graduation_year": 1800, "student_numbers": ["S1"]},
        {"graduation_year": THIS_YEAR},
        {
            "graduation_year": THIS_YEAR,
            "expected_graduation_year": THIS_YEAR,
            "degree_level": "wizard",
        },
    ],
)
def test_bad_graduation_input_is_refused(alice, kwargs):
    student("S1")
    with pytest.raises(ApplicationError):
        cohort_graduate(by=alice, **kwargs)
    assert not StageTransition.objects.exists()


def test_graduation_by_cohort_filter_is_idempotent_and_audited(
    alice, django_capture_on_commit_callbacks
):
    graduates = [student(f"S{i}", email=f"grad{i}@example.edu") for i in range(3)]
    not_yet = f.StudentFactory()  # expected to graduate later
    with django_capture_on_commit_callbacks(execute=True):
        plan = graduation_run(
            by=alice, graduation_year=THIS_YEAR, expected_graduation_year=THIS_YEAR
        )
    assert len(plan.changes) == 3
    for person in graduates:
        person.refresh_from_db()
        assert person.stage == Stage.ALUMNUS
        assert person.educations.get().graduation_year == THIS_YEAR
        assert person.stage_transitions.get().recorded_by == alice
    not_yet.refresh_from_db()
    assert not_yet.stage == Stage.STUDENT
    # Each graduate is asked for their destination by email, with a signed link.
    asks = [m for m in mail.outbox if "Where are you headed" in m.subject]
    assert sorted(m.to[0] for m in asks) == [f"grad{i}@example.edu" for i in range(3)]
    assert "/events/destination/" in asks[0].body
    assert GraduateDestination.objects.filter(asked_at__isnull=False).count() == 3
    again = graduation_run(by=alice, graduation_year=THIS_YEAR, expected_graduation_year=THIS_YEAR)
    assert (len(again.changes), len(again.unchanged)) == (0, 3)
    assert StageTransition.objects.count() == 3
    assert GraduateDestination.objects.count() == 3


def test_enrolment_gives_student_numbers_and_keeps_existing_ones(alice):
    one = admitted("one@example.edu")
    two = admitted("two@example.edu")
    Education.objects.filter(person=two).update(student_number="KEEP1")
    admitted("later@example.edu", entry_year=THIS_YEAR + 1)
    preview = cohort_enrolment_plan(entry_year=THIS_YEAR, number_prefix="S")
    assert sorted(c.student_number for c in preview.changes) == ["KEEP1", f"S{THIS_YEAR}00001"]
    assert Person.objects.get(pk=one.pk).stage == Stage.PROSPECTIVE
    plan = cohort_enrol(by=alice, entry_year=THIS_YEAR, number_prefix="S")
    assert len(plan.changes) == 2
    one.refresh_from_db()
    education = one.educations.get()
    assert (one.stage, education.student_number) == (Stage.STUDENT, f"S{THIS_YEAR}00001")
    assert education.expected_graduation_year == THIS_YEAR + 4
    assert len(cohort_enrol(by=alice, entry_year=THIS_YEAR, number_prefix="S").changes) == 0
    with pytest.raises(ApplicationError, match="nobody@example.edu"):
        cohort_enrol(
            by=alice, entry_year=THIS_YEAR + 1, emails=["later@example.edu", "nobody@example.edu"]
        )
    assert Person.objects.get(email="later@example.edu").stage == Stage.PROSPECTIVE
    with pytest.raises(ApplicationError, match="prefix"):
        cohort_enrolment_plan(entry_year=THIS_YEAR, number_prefix="S-1")


# --- Destinations and chapters --------------------------------------------------------------


def test_a_graduate_answers_joins_the_chapter_of_that_city_and_officers_are_told(
    alice, django_capture_on_commit_callbacks
):
    chapter = f.ChapterFactory(name="Shenzhen Chapter", city="Shenzhen")
    officer = f.AlumnusFactory(email="officer@example.edu")
    f.ChapterMembershipFactory(chapter=chapter, person=officer, role=ChapterMembership.Role.OFFICER)
    graduate = student("S1", email="grad@example.edu")
    graduation_run(by=alice, graduation_year=THIS_YEAR, student_numbers=["S1"])
    destination = GraduateDestination.objects.get(person=graduate)
    token = destination_token(destination)
    assert destination_from_token(token) == destination
    assert destination_from_token(token + "x") is None
    with pytest.raises(ApplicationError, match="city"):
        graduate_destination_answer(destination=destination, city=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = graduate_destination_answer(
            destination=destination,
            city="shenzhen",
            country="China",
            employer="Tencent",
            title="Engineer",
        )
    assert answer.chapter == chapter
    assert ChapterMembership.objects.filter(
        chapter=chapter, person=graduate, role="member"
    ).exists()
    graduate.refresh_from_db()
    assert graduate.current_city == "shenzhen"
    assert Employment.objects.get(person=graduate, is_current=True).organization_name == "Tencent"
    assert [m.to for m in mail.outbox] == [["officer@example.edu"]]
    assert graduate.full_name in mail.outbox[0].body
    # Answering again (a typo fixed) adds no second membership and no second digest.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        graduate_destination_answer(destination=destination, city="Shenzhen", employer="Tencent")
    assert ChapterMembership.objects.filter(person=graduate).count() == 1
    assert mail.outbox == []


def test_no_chapter_in_the_city_is_fine():
    person = f.AlumnusFactory()
    destination = GraduateDestination.objects.create(person=person, graduation_year=THIS_YEAR)
    answer = graduate_destination_answer(destination=destination, city="Reykjavik")
    assert answer.chapter is None
    assert not ChapterMembership.objects.filter(person=person).exists()


def test_the_send_off_creates_the_seminar_the_parents_group_and_invitations(
    erin, django_capture_on_commit_callbacks
):
    chapter = erin.person.chapter_memberships.get().chapter
    chapter.city = "Wuhan"
    chapter.save()
    kid = admitted("kid@example.edu")
    other = admitted("other@example.edu")
    admitted("far@example.edu", hometown="Harbin")
    sharing_parent = f.PersonFactory(full_name="Sharing Parent", phone="+86 1")
    private_parent = f.PersonFactory(full_name="Private Parent")
    person_relation_add(person=kid, relative=sharing_parent, kind="parent", by=None)
    person_relation_add(person=other, relative=private_parent, kind="guardian", by=None)
    consent_record(person=sharing_parent, by=None, decisions={ConsentPurpose.CHAPTER_SHARING: True})
    consent_record(
        person=private_parent, by=None, decisions={ConsentPurpose.CHAPTER_SHARING: False}
    )
    start = timezone.now() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        result = chapter_send_off_create(
            chapter=chapter, by=erin, entry_year=THIS_YEAR, starts_at=start, venue="Wuhan Hotel"
        )
    assert result.event_created and result.students == 2
    assert (result.parents_added, result.parents_not_sharing) == (1, 1)
    event = result.event
    assert (event.kind, event.host_chapter, event.audience_entry_year) == (
        "send_off",
        chapter,
        THIS_YEAR,
    )
    assert event.program.stage == "pre_entry"
    assert list(result.group.members.all()) == [sharing_parent]
    assert sorted(m.to[0] for m in mail.outbox) == ["kid@example.edu", "other@example.edu"]
    # One action, idempotent: again reuses the seminar and the group.
    again = chapter_send_off_create(
        chapter=chapter, by=erin, entry_year=THIS_YEAR, starts_at=start, venue="x"
    )
    assert not again.event_created and again.event == event
    assert Event.objects.count() == 1 and ParentsGroup.objects.count() == 1


def test_a_send_off_needs_students_and_a_future_date(erin):
    chapter = erin.person.chapter_memberships.get().chapter
    with pytest.raises(ApplicationError, match="No admitted students"):
        chapter_send_off_create(
            chapter=chapter, by=erin, entry_year=THIS_YEAR, starts_at=None, venue="x"
        )
    admitted("kid@example.edu", hometown=chapter.city)
    with pytest.raises(ApplicationError, match="future"):
        chapter_send_off_create(
            chapter=chapter,
            by=erin,
            entry_year=THIS_YEAR,
            starts_at=timezone.now() - dt.timedelta(days=1),
            venue="x",
        )
    assert not Event.objects.exists() and not ParentsGroup.objects.exists()


def test_the_welcome_event_invites_the_new_alumni(erin, django_capture_on_commit_callbacks):
    chapter = erin.person.chapter_memberships.get().chapter
    newcomer = f.AlumnusFactory(email="new@example.edu")
    ChapterMembership.objects.create(chapter=chapter, person=newcomer)
    GraduateDestination.objects.create(
        person=newcomer,
        graduation_year=THIS_YEAR,
        chapter=chapter,
        city=chapter.city,
        answered_at=timezone.now(),
    )
    start = timezone.now() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        result = chapter_welcome_create(
            chapter=chapter, by=erin, graduation_year=THIS_YEAR, starts_at=start, venue="Bund"
        )
    assert result.event_created and result.invited == 1
    assert [m.to for m in mail.outbox] == [["new@example.edu"]]
    assert result.event.audience_chapter == chapter
    assert not chapter_welcome_create(
        chapter=chapter, by=erin, graduation_year=THIS_YEAR, starts_at=start, venue="Bund"
    ).event_created


def test_admitted_students_are_grouped_by_hometown_with_their_chapter():
    chapter = f.ChapterFactory(city="Wuhan")
    for i in range(3):
        admitted(f"w{i}@example.edu", hometown="Wuhan")
    admitted("h@example.edu", hometown="Harbin")
    rows = admissions_by_hometown(entry_year=THIS_YEAR)
    assert [(r["hometown_city"], r["students"], r["chapter"]) for r in rows] == [
        ("Wuhan", 3, chapter),
        ("Harbin", 1, None),
    ]


def test_the_gaps_report_finds_people_between_stages_and_chapters_fill_by_city(alice, bob, frank):
    lost = f.PersonFactory(full_name="Lost Soul")  # no stage, no post, no tie
    parent = f.PersonFactory(full_name="A Parent")
    person_relation_add(person=f.StudentFactory(), relative=parent, kind="parent", by=None)
    stale = admitted("stale@example.edu", entry_year=THIS_YEAR - 2)
    courseless = f.PersonFactory(stage=Stage.STUDENT, full_name="No Course")
    overdue = f.PersonFactory(stage=Stage.STUDENT)
    f.EducationFactory(
        person=overdue, entry_year=THIS_YEAR - 6, expected_graduation_year=THIS_YEAR - 2
    )
    chapter = f.ChapterFactory(city="Shanghai")
    homeless = f.AlumnusFactory(current_city="Shanghai")
    nowhere = f.AlumnusFactory(current_city="Lhasa")
    gaps = {key: set(qs.values_list("pk", flat=True)) for key, qs in lifecycle_gaps().items()}
    assert gaps["no_stage"] == {lost.pk}  # staff (alice, bob), partner (frank), parent excluded
    assert gaps["admitted_not_enrolled"] == {stale.pk}
    assert gaps["student_without_course"] == {courseless.pk}
    assert gaps["overdue_graduation"] == {overdue.pk}
    assert {homeless.pk, nowhere.pk} <= gaps["alumni_without_chapter"]
    assert chapters_assign_by_city(by=alice) >= 1
    assert ChapterMembership.objects.filter(chapter=chapter, person=homeless).exists()
    assert not ChapterMembership.objects.filter(person=nowhere).exists()
    assert chapters_assign_by_city(by=alice) == 0


def test_a_relative_is_a_parent_or_guardian_and_not_oneself():
    kid, mum = f.StudentFactory(), f.PersonFactory()
    with pytest.raises(ApplicationError):
        person_relation_add(person=kid, relative=mum, kind="aunt", by=None)
    with pytest.raises(ApplicationError):
        person_relation_add(person=kid, relative=kid, kind="parent", by=None)
    person_relation_add(person=kid, relative=mum, kind="parent", by=None)
    person_relation_add(person=kid, relative=mum, kind="guardian", by=None)
    assert PersonRelation.objects.get().kind == "guardian"
