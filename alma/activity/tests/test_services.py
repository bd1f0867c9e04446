"""The ledger's services: activity_record, staff_service_log, activity_rate.

Every refusal raises ApplicationError and leaves the ledger exactly as it was.
"""

import datetime as dt

import pytest
from django.utils import timezone

from alma.activity.kinds import _REGISTRY, ActivityKind, register_kind
from alma.activity.models import Activity, ProcessStage, Provider
from alma.activity.services import activity_rate, activity_record, staff_service_log
from alma.lib.errors import ApplicationError
from alma.people.models import Post, Stage
from alma.testing import factories as f


def ledger() -> list[tuple]:
    return list(Activity.objects.order_by("pk").values_list("pk", "note", "rating", "rated_at"))


def refused(call, *, field: str | None = "unset", **kwargs) -> ApplicationError:
    """Run a call that must be refused; assert it changed nothing; return the error."""
    before = ledger()
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert ledger() == before
    assert caught.value.message
    if field != "unset":
        assert caught.value.field == field
    return caught.value


def at(year: int, month: int = 6, day: int = 1) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def teacher(db):
    person = f.PersonFactory(full_name="Teacher")
    f.StaffPostFactory(person=person, post=Post.TEACHING)
    return person


@pytest.fixture
def unrated_kind():
    kind = register_kind(
        ActivityKind(slug="testing.unrated", label="Unrated", default_aspect="life")
    )
    yield kind
    _REGISTRY.pop(kind.slug, None)


# --- activity_record -----------------------------------------------------------------------


def test_an_activity_records_who_served_whom_and_how(teacher):
    student = f.StudentFactory()
    source = f.OrganizationFactory()
    activity = activity_record(
        kind="staff.service",
        actor=teacher,
        beneficiary=student,
        aspect="work",
        note="CV review",
        occurred_at=at(timezone.localdate().year),
        source=source,
    )
    activity.refresh_from_db()
    assert activity.kind == "staff.service"
    assert activity.actor == teacher and activity.beneficiary == student
    assert activity.provider == Provider.TEACHING
    assert activity.aspect == "work" and activity.note == "CV review"
    assert activity.engagement_mode == ""  # the actor is not an alumnus
    assert activity.source == source


def test_an_unknown_kind_is_refused(teacher):
    refused(
        activity_record,
        kind="mentoring.nonsense",
        actor=teacher,
        beneficiary=f.StudentFactory(),
        aspect="study",
    )


@pytest.mark.parametrize("aspect", ["fun", "", None, "STUDY"])
def test_an_aspect_other_than_life_study_work_is_refused(teacher, aspect):
    refused(
        activity_record,
        field="aspect",
        kind="staff.service",
        actor=teacher,
        beneficiary=f.StudentFactory(),
        aspect=aspect,
    )


def test_a_kind_s_default_aspect_applies(teacher, unrated_kind):
    activity = activity_record(kind=unrated_kind.slug, actor=teacher, beneficiary=None)
    assert activity.aspect == "life"


def test_a_note_over_2000_characters_is_refused(teacher):
    refused(
        activity_record,
        field="note",
        kind="staff.service",
        actor=teacher,
        beneficiary=f.StudentFactory(),
        aspect="study",
        note="x" * 2001,
    )


def test_an_activity_needs_an_actor_or_a_provider(db):
    refused(activity_record, kind="staff.service", actor=None, beneficiary=None, aspect="study")
    activity = activity_record(
        kind="staff.service", actor=None, provider="partner", beneficiary=None, aspect="study"
    )
    assert activity.provider == "partner"


def test_an_actor_with_no_post_is_refused(db):
    nobody = f.PersonFactory(stage=Stage.NONE)
    refused(
        activity_record,
        kind="staff.service",
        actor=nobody,
        beneficiary=f.StudentFactory(),
        aspect="study",
    )


@pytest.mark.parametrize(
    ("posts", "inactive", "expected"),
    [
        ([Post.LOGISTICS, Post.ADMINISTRATIVE], [], Provider.ADMINISTRATIVE),
        ([Post.ALUMNI_OFFICE, Post.TEACHING], [], Provider.TEACHING),
        ([Post.ALUMNI_OFFICE, Post.LOGISTICS], [], Provider.LOGISTICS),
        ([Post.ALUMNI_OFFICE], [], Provider.ALUMNI_OFFICE),
        ([Post.LOGISTICS], [Post.TEACHING], Provider.LOGISTICS),  # a former post does not count
    ],
)
def test_the_provider_is_the_actor_s_post_closest_to_students(db, posts, inactive, expected):
    actor = f.PersonFactory()
    for post in posts:
        f.StaffPostFactory(person=actor, post=post)
    for post in inactive:
        f.StaffPostFactory(person=actor, post=post, active=False)
    activity = activity_record(
        kind="staff.service", actor=actor, beneficiary=f.StudentFactory(), aspect="life"
    )
    assert activity.provider == expected


def test_an_alumnus_serves_as_an_alumnus_in_the_case_volunteer_mode(db):
    alumnus = f.AlumnusFactory()
    activity = activity_record(
        kind="staff.service", actor=alumnus, beneficiary=f.StudentFactory(), aspect="work"
    )
    assert activity.provider == Provider.ALUMNUS
    assert activity.engagement_mode == "volunteer"


def test_an_alumnus_who_teaches_is_credited_to_teaching_but_still_engaged(db):
    alumnus = f.AlumnusFactory()
    f.StaffPostFactory(person=alumnus, post=Post.TEACHING)
    activity = activity_record(
        kind="staff.service", actor=alumnus, beneficiary=f.StudentFactory(), aspect="study"
    )
    assert activity.provider == Provider.TEACHING
    assert activity.engagement_mode == "volunteer"


def test_a_partner_representative_serves_as_a_partner(frank):
    activity = activity_record(
        kind="staff.service", actor=frank.person, beneficiary=f.StudentFactory(), aspect="work"
    )
    assert activity.provider == Provider.PARTNER
    assert activity.engagement_mode == ""


def test_a_kind_without_a_case_mode_records_no_mode_for_alumni(db, unrated_kind):
    activity = activity_record(kind=unrated_kind.slug, actor=f.AlumnusFactory(), beneficiary=None)
    assert activity.engagement_mode == ""


def _student_graduating_in(year: int):
    student = f.PersonFactory(stage=Stage.STUDENT)
    f.EducationFactory(person=student, entry_year=year - 4, expected_graduation_year=year)
    return student


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(2029, 8, 20), ProcessStage.IN_SCHOOL),
        (at(2029, 9, 2), ProcessStage.LEAVING),  # the final academic year begins
        (at(2030, 1, 5), ProcessStage.LEAVING),  # the expected graduation year
        (at(2030, 12, 20), ProcessStage.LEAVING),
        (at(2031, 3), ProcessStage.LEAVING),  # still not graduated: still leaving
    ],
)
def test_a_student_is_leaving_from_the_start_of_the_final_academic_year(teacher, when, expected):
    student = _student_graduating_in(2030)
    activity = activity_record(
        kind="staff.service", actor=teacher, beneficiary=student, aspect="study", occurred_at=when
    )
    assert activity.beneficiary_stage == expected


def test_the_beneficiary_s_stage_is_pre_entry_alumnus_or_none(teacher):
    stages = {}
    for stage, person in [
        ("prospective", f.PersonFactory(stage=Stage.PROSPECTIVE)),
        ("alumnus", f.AlumnusFactory()),
        ("none", f.PersonFactory(stage=Stage.NONE)),
    ]:
        activity = activity_record(
            kind="staff.service", actor=teacher, beneficiary=person, aspect="life"
        )
        stages[stage] = activity.beneficiary_stage
    assert stages == {"prospective": "pre_entry", "alumnus": "alumnus", "none": ""}


def test_the_stage_is_the_one_at_the_time_not_today(teacher):
    student = _student_graduating_in(2030)
    activity = activity_record(
        kind="staff.service",
        actor=teacher,
        beneficiary=student,
        aspect="study",
        occurred_at=at(2029),
    )
    student.stage = Stage.ALUMNUS
    student.save()
    activity.refresh_from_db()
    assert activity.beneficiary_stage == ProcessStage.IN_SCHOOL


# --- staff_service_log ---------------------------------------------------------------------


def test_staff_log_a_service_to_a_student(bob, carol):
    activity = staff_service_log(staff=bob, student=carol.person, aspect="study", note="  Thesis  ")
    assert activity.kind == "staff.service"
    assert activity.actor == bob.person and activity.beneficiary == carol.person
    assert activity.provider == Provider.TEACHING
    assert activity.beneficiary_stage == ProcessStage.IN_SCHOOL
    assert activity.note == "Thesis"
    assert activity.recorded_by == bob
    assert timezone.localdate(activity.occurred_at) == timezone.localdate()


def test_the_alumni_office_may_log_a_service_as_the_alumni_office(alice, gina):
    activity = staff_service_log(
        staff=alice, student=gina.person, aspect="life", note="Campus tour"
    )
    assert activity.provider == Provider.ALUMNI_OFFICE
    assert activity.beneficiary_stage == ProcessStage.PRE_ENTRY


def test_a_service_in_the_student_s_last_year_is_leaving(bob):
    student = _student_graduating_in(timezone.localdate().year)
    activity = staff_service_log(staff=bob, student=student, aspect="work", note="Job fair prep")
    assert activity.beneficiary_stage == ProcessStage.LEAVING


def test_a_past_date_is_recorded_on_that_day(bob, carol):
    day = timezone.localdate() - dt.timedelta(days=30)
    activity = staff_service_log(
        staff=bob, student=carol.person, aspect="life", note="Visit", occurred_on=day
    )
    assert timezone.localdate(activity.occurred_at) == day


@pytest.mark.parametrize("persona", ["carol", "dave", "erin", "frank", "gina", "hank"])
def test_only_staff_may_log_services(persona_users, persona):
    student = f.StudentFactory()
    error = refused(
        staff_service_log,
        staff=persona_users[persona],
        student=student,
        aspect="study",
        note="Help",
    )
    assert "staff" in error.message.lower()


def test_former_staff_may_not_log_services(db):
    person = f.PersonFactory()
    f.StaffPostFactory(person=person, post=Post.TEACHING, active=False)
    user = f.UserFactory(person=person)
    refused(staff_service_log, staff=user, student=f.StudentFactory(), aspect="life", note="x")


@pytest.mark.parametrize("stage", [Stage.ALUMNUS, Stage.NONE])
def test_services_are_logged_for_students_only(bob, stage):
    person = f.PersonFactory(stage=stage)
    refused(staff_service_log, field="student", staff=bob, student=person, aspect="life", note="x")


def test_a_staff_member_who_studies_cannot_log_a_service_to_themselves(db):
    assistant = f.StudentFactory()
    f.StaffPostFactory(person=assistant, post=Post.TEACHING)
    user = f.UserFactory(person=assistant)
    refused(
        staff_service_log, field="student", staff=user, student=assistant, aspect="study", note="x"
    )
    # ...but may log one to another student.
    assert staff_service_log(staff=user, student=f.StudentFactory(), aspect="study", note="Lab")


@pytest.mark.parametrize("note", ["", "   ", "\n\t"])
def test_an_empty_note_is_refused(bob, carol, note):
    refused(
        staff_service_log, field="note", staff=bob, student=carol.person, aspect="life", note=note
    )


def test_a_bad_aspect_is_refused(bob, carol):
    refused(
        staff_service_log, field="aspect", staff=bob, student=carol.person, aspect="fun", note="x"
    )


def test_a_future_date_is_refused(bob, carol):
    refused(
        staff_service_log,
        field="occurred_on",
        staff=bob,
        student=carol.person,
        aspect="life",
        note="x",
        occurred_on=timezone.localdate() + dt.timedelta(days=1),
    )


def test_a_service_older_than_a_year_is_refused(bob, carol):
    today = timezone.localdate()
    refused(
        staff_service_log,
        field="occurred_on",
        staff=bob,
        student=carol.person,
        aspect="life",
        note="x",
        occurred_on=today - dt.timedelta(days=400),
    )
    assert staff_service_log(
        staff=bob,
        student=carol.person,
        aspect="life",
        note="Within the year",
        occurred_on=today - dt.timedelta(days=365),
    )


# --- activity_rate -------------------------------------------------------------------------


@pytest.fixture
def service(bob, carol):
    return staff_service_log(staff=bob, student=carol.person, aspect="study", note="Advice")


def test_the_student_served_rates_a_service_and_may_change_their_mind(service, carol):
    rated = activity_rate(activity=service, by=carol, rating=4)
    assert rated.rating == 4 and rated.rated_at is not None
    rerated = activity_rate(activity=service, by=carol, rating=2)
    assert rerated.rating == 2
    assert Activity.objects.get(pk=service.pk).rating == 2


@pytest.mark.parametrize("persona", ["alice", "bob", "dave", "gina", "hank"])
def test_only_the_person_served_may_rate(service, persona_users, persona):
    refused(activity_rate, activity=service, by=persona_users[persona], rating=5)


@pytest.mark.parametrize("rating", [0, 6, -1, 100, True, "5", 4.5, None])
def test_a_rating_is_a_whole_number_from_1_to_5(service, carol, rating):
    refused(activity_rate, field="rating", activity=service, by=carol, rating=rating)


def test_a_rating_outside_1_to_5_leaves_an_earlier_rating_alone(service, carol):
    activity_rate(activity=service, by=carol, rating=3)
    refused(activity_rate, activity=service, by=carol, rating=9)
    assert Activity.objects.get(pk=service.pk).rating == 3


def test_kinds_that_are_not_rated_cannot_be_rated(carol, teacher, unrated_kind):
    activity = activity_record(kind=unrated_kind.slug, actor=teacher, beneficiary=carol.person)
    refused(activity_rate, activity=activity, by=carol, rating=5)
