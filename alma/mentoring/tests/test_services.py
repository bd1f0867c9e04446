import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from alma.activity.models import Activity
from alma.lib.errors import ApplicationError
from alma.mentoring import services
from alma.mentoring.models import Cycle, MenteeApplication, MentoringProgram, Mentorship
from alma.mentoring.tests.world import add_mentee, add_mentor, make_cycle
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


def test_only_the_office_creates_programs_and_bad_input_changes_nothing(alice, bob):
    with pytest.raises(ApplicationError):
        services.program_create(by=bob, name="X", kind="one_to_one")
    with pytest.raises(ApplicationError):
        services.program_create(by=alice, name="", kind="one_to_one")
    with pytest.raises(ApplicationError):
        services.program_create(by=alice, name="X", kind="nonsense")
    assert not MentoringProgram.objects.exists()
    program = services.program_create(by=alice, name="X", kind="one_to_one")
    assert list(MentoringProgram.objects.all()) == [program]


def test_sign_ups_check_who_and_what(alice, carol, dave):
    cycle = make_cycle(alice)
    with pytest.raises(ApplicationError):
        services.mentor_sign_up(cycle=cycle, person=carol.person, by=carol, capacity=1)
    with pytest.raises(ApplicationError):
        services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=0)
    with pytest.raises(ApplicationError):
        services.mentee_apply(cycle=cycle, person=dave.person, by=dave, goals="x")
    with pytest.raises(ApplicationError):
        services.mentee_apply(cycle=cycle, person=carol.person, by=carol, goals=" ")
    assert not cycle.mentors.exists() and not cycle.mentees.exists()
    services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=2, use_record=True)
    services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=3)
    assert cycle.mentors.get().capacity == 3
    cycle.phase = Cycle.Phase.MATCHING
    cycle.save()
    with pytest.raises(ApplicationError):
        services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    assert cycle.mentors.get().capacity == 3


@pytest.mark.parametrize("solver", ["optimal", "stable", "greedy"])
def test_matching_respects_capacity_and_explains(alice, solver):
    cycle = make_cycle(alice)
    mentors = [add_mentor(cycle, capacity=2) for _ in range(2)]
    for _ in range(6):
        add_mentee(cycle)
    outcome = services.matching_run(cycle=cycle, by=alice, solver=solver)
    assert outcome.run.matched == 4
    for mentor in mentors:
        assert mentor.mentorships.count() == 2
    pair = cycle.mentorships.first()
    assert pair.status == "proposed" and pair.score > 0 and pair.reasons
    assert services.reasons_display(pair.reasons)[0]
    assert set(outcome.unmatched.values()) == {"places_taken"}
    cycle.refresh_from_db()
    assert cycle.phase == Cycle.Phase.MATCHING
    assert cycle.mentees.filter(unmatched_reason="places_taken").count() == 2


def test_bad_solver_changes_nothing(alice):
    cycle = make_cycle(alice)
    add_mentor(cycle)
    add_mentee(cycle)
    with pytest.raises(ApplicationError):
        services.matching_run(cycle=cycle, by=alice, solver="magic")
    assert not cycle.mentorships.exists() and not cycle.runs.exists()


def test_decline_is_rematched_keeping_accepted_pairs(alice, django_capture_on_commit_callbacks):
    cycle = make_cycle(alice)
    mentors = [add_mentor(cycle) for _ in range(3)]
    mentees = [add_mentee(cycle) for _ in range(2)]
    services.matching_run(cycle=cycle, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.matching_publish(cycle=cycle, by=alice) == 2
    assert len(mail.outbox) == 4  # each pair's mentor and mentee hear of the proposal
    first, second = cycle.mentorships.order_by("mentee_id")
    for pair in (first,):
        services.mentorship_respond(mentorship=pair, by=_user(pair.mentor.person), accept=True)
        services.mentorship_respond(mentorship=pair, by=_user(pair.mentee.person), accept=True)
    services.mentorship_respond(mentorship=second, by=_user(second.mentee.person), accept=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "active" and second.status == "declined"
    services.matching_run(cycle=cycle, by=alice)
    new = cycle.mentorships.get(status="proposed")
    assert new.mentee_id == second.mentee_id
    assert new.mentor_id not in (second.mentor_id, first.mentor_id)
    assert Mentorship.objects.get(pk=first.pk).status == "active"
    assert {m.pk for m in mentors} >= {new.mentor_id}
    assert len(mentees) == 2


def _user(person):  # type: ignore[no-untyped-def]
    return f.UserFactory(person=person)


def test_direct_request_accept_and_decline(alice, carol, dave, erin):
    cycle = make_cycle(alice)
    dave_mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    erin_mentor = services.mentor_sign_up(cycle=cycle, person=erin.person, by=erin, capacity=1)
    pair = services.mentorship_request(mentor=dave_mentor, by=carol, message="Hello")
    assert pair.status == "requested"
    with pytest.raises(ApplicationError):  # one open request at a time
        services.mentorship_request(mentor=erin_mentor, by=carol)
    with pytest.raises(ApplicationError):  # the mentee does not answer her own request
        services.mentorship_respond(mentorship=pair, by=carol, accept=True)
    services.mentorship_respond(mentorship=pair, by=dave, accept=False)
    with pytest.raises(ApplicationError):  # declined: not again
        services.mentorship_request(mentor=dave_mentor, by=carol)
    pair = services.mentorship_request(mentor=erin_mentor, by=carol)
    pair = services.mentorship_respond(mentorship=pair, by=erin, accept=True)
    assert pair.status == "active"
    assert MenteeApplication.objects.filter(cycle=cycle, person=carol.person).count() == 1


def test_full_mentor_refuses_requests(alice, carol, gina, dave):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    services.mentorship_request(mentor=mentor, by=carol)
    with pytest.raises(ApplicationError):
        services.mentorship_request(mentor=mentor, by=gina)
    assert mentor.mentorships.count() == 1


def test_meeting_writes_an_activity_the_mentee_rates(alice, carol, dave, bob):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    with pytest.raises(ApplicationError):  # not active yet
        services.meeting_log(mentorship=pair, by=dave, topic="work")
    services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    with pytest.raises(ApplicationError):
        services.meeting_log(mentorship=pair, by=bob, topic="work")
    with pytest.raises(ApplicationError):
        services.meeting_log(mentorship=pair, by=dave, topic="nonsense")
    assert not Activity.objects.filter(kind="mentoring.meeting").exists()
    meeting = services.meeting_log(mentorship=pair, by=carol, topic="work", note="CV review")
    activity = Activity.objects.get(kind="mentoring.meeting")
    assert meeting.activity == activity
    assert activity.actor == dave.person and activity.beneficiary == carol.person
    assert activity.aspect == "work" and activity.provider == "alumnus"
    assert activity.engagement_mode == "volunteer" and activity.beneficiary_stage == "in_school"
    with pytest.raises(ApplicationError):
        services.meeting_rate(meeting=meeting, by=dave, rating=5)
    services.meeting_rate(meeting=meeting, by=carol, rating=4)
    assert Activity.objects.get(pk=activity.pk).rating == 4
    services.goal_add(mentorship=pair, by=dave, text="Finish the CV")
    with pytest.raises(ApplicationError):  # not before the cycle is active
        services.survey_submit(mentorship=pair, by=carol, satisfaction=5)
    services.cycle_set_phase(cycle=cycle, by=alice, phase="survey")
    response = services.survey_submit(mentorship=pair, by=carol, satisfaction=5)
    assert response.satisfaction == 5
    with pytest.raises(ApplicationError):
        services.survey_submit(mentorship=pair, by=carol, satisfaction=9)


def test_staff_mentor_meeting_has_no_case_mode(alice, carol, bob):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=bob.person, by=bob, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    services.mentorship_respond(mentorship=pair, by=bob, accept=True)
    meeting = services.meeting_log(mentorship=pair, by=bob, topic="study")
    assert meeting.activity.provider == "teaching" and meeting.activity.engagement_mode == ""


def test_office_edits_a_proposed_pair(alice):
    cycle = make_cycle(alice)
    first = add_mentor(cycle)
    second = add_mentor(cycle, topics="law", industries="Law", expertise="courts")
    add_mentee(cycle)
    services.matching_run(cycle=cycle, by=alice)
    pair = cycle.mentorships.get()
    assert pair.mentor == first
    services.mentorship_set_mentor(mentorship=pair, mentor=second, by=alice)
    pair.refresh_from_db()
    assert pair.mentor == second and pair.source == "office"


def test_consent_governs_record_fields(alice, carol, dave):
    from alma.mentoring.profiles import mentee_profile

    cycle = make_cycle(alice)
    application = services.mentee_apply(cycle=cycle, person=carol.person, by=carol, goals="x")
    assert mentee_profile(application, consented=False).major is None
    assert mentee_profile(application, consented=True).major == "Computer Science"


def test_match_command(alice, capsys):
    cycle = make_cycle(alice)
    add_mentor(cycle, capacity=2)
    for _ in range(3):
        add_mentee(cycle)
    call_command("match", "--cycle", str(cycle.pk), "--solver", "greedy", "--json")
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["matched"] == 2 and out["solver"] == "greedy" and out["objective"] > 0
    assert cycle.mentorships.filter(status="proposed").count() == 2
    with pytest.raises(CommandError, match="No mentoring cycle"):
        call_command("match", "--cycle", "999999")


def test_a_mentor_cannot_drop_below_the_places_taken(alice, carol, dave):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=2)
    services.mentorship_request(mentor=mentor, by=carol)
    with pytest.raises(ApplicationError):
        services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=0)
    mentor.refresh_from_db()
    assert mentor.capacity == 2


def test_quiet_active_pairs_get_a_reminder(alice, carol, dave, django_capture_on_commit_callbacks):
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        pair = services.mentorship_request(mentor=mentor, by=carol)
    assert [m.to for m in mail.outbox] == [[dave.person.email]]  # the mentor hears of it
    services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    mail.outbox.clear()
    assert services.mentorship_reminder_send(mentorship_id=pair.pk) == 2
    services.meeting_log(mentorship=pair, by=dave, topic="life")
    assert services.mentorship_reminder_send(mentorship_id=pair.pk) == 0
    Mentorship.objects.filter(pk=pair.pk).update(status="closed")
    assert services.mentorship_reminder_send(mentorship_id=pair.pk) == 0


def test_an_accepted_pair_gets_a_reminder_queued_for_the_worker(
    alice, carol, dave, settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cycle = make_cycle(alice)
    mentor = services.mentor_sign_up(cycle=cycle, person=dave.person, by=dave, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    reminder = DBTaskResult.objects.get(task_path__endswith="mentorship_remind")
    assert reminder.run_after > timezone.now() + dt.timedelta(days=29)


def test_a_group_meeting_gives_each_mentee_a_meeting_and_an_activity(alice, bob):
    program = services.program_create(by=alice, name="Circles", kind="group", cycle_name="One")
    cycle = program.cycles.get()
    mentor = services.mentor_sign_up(cycle=cycle, person=bob.person, by=bob, capacity=3)
    students = [f.UserFactory(person=f.StudentFactory()) for _ in range(3)]
    for student in students[:2]:
        pair = services.mentorship_request(mentor=mentor, by=student)
        services.mentorship_respond(mentorship=pair, by=bob, accept=True)
    services.mentorship_request(mentor=mentor, by=students[2])  # not yet accepted
    meetings = services.group_meeting_log(cycle=cycle, by=bob, topic="study", note="Circle")
    assert len(meetings) == 2
    beneficiaries = set(
        Activity.objects.filter(kind="mentoring.meeting").values_list("beneficiary", flat=True)
    )
    assert beneficiaries == {s.person_id for s in students[:2]}
    with pytest.raises(ApplicationError):
        services.group_meeting_log(cycle=cycle, by=alice, topic="study")
