"""A small mentoring world for tests: a program, a cycle, mentors and mentee applications."""

from typing import Any

from alma.accounts.models import User
from alma.mentoring import services
from alma.mentoring.models import (
    Cycle,
    MatchRun,
    Meeting,
    MenteeApplication,
    MentoringProgram,
    MentorProfile,
    Mentorship,
    SurveyResponse,
)
from alma.testing import factories as f


def make_cycle(office: User, name: str = "Career mentors") -> Cycle:
    program = services.program_create(by=office, name=name, kind="one_to_one", cycle_name="Spring")
    return program.cycles.get()


def add_mentor(cycle: Cycle, *, capacity: int = 1, **fields: Any) -> MentorProfile:
    person = f.AlumnusFactory()
    return services.mentor_sign_up(
        cycle=cycle,
        person=person,
        by=None,
        capacity=capacity,
        topics=fields.get("topics", "careers"),
        industries=fields.get("industries", "Software"),
        expertise=fields.get("expertise", "software engineering careers"),
    )


def add_mentee(cycle: Cycle, **fields: Any):  # type: ignore[no-untyped-def]
    person = fields.pop("person", None) or f.StudentFactory()
    return services.mentee_apply(
        cycle=cycle,
        person=person,
        by=None,
        goals=fields.get("goals", "a career in software engineering"),
        topics=fields.get("topics", "careers"),
        target_industries=fields.get("target_industries", "Software"),
    )


def mentoring_world(users: dict[str, User]) -> dict[str, Any]:
    """For tests/test_url_roles.py.

    `m_cycle` takes applications: dave and erin mentor there, carol and gina applied. In
    `m_active_cycle` dave mentors carol (one meeting), and a student asked bob to mentor her.
    `m_other_cycle` has a proposed pair for the office to edit, and a second mentor.
    """
    alice, bob, carol, dave, erin = (users[k] for k in ("alice", "bob", "carol", "dave", "erin"))
    cycle = make_cycle(alice, "World mentors")
    dave_mentor = services.mentor_sign_up(
        cycle=cycle, person=dave.person, by=dave, capacity=2, topics="careers"
    )
    erin_mentor = services.mentor_sign_up(
        cycle=cycle, person=erin.person, by=erin, capacity=3, topics="careers"
    )
    services.mentee_apply(cycle=cycle, person=carol.person, by=carol, goals="careers")
    services.mentee_apply(cycle=cycle, person=users["gina"].person, by=None, goals="study")

    active = make_cycle(alice, "World pairs")
    mentor = services.mentor_sign_up(cycle=active, person=dave.person, by=dave, capacity=1)
    pair = services.mentorship_request(mentor=mentor, by=carol)
    services.mentorship_respond(mentorship=pair, by=dave, accept=True)
    meeting = services.meeting_log(mentorship=pair, by=dave, topic="work")
    conversation = services.mentorship_conversation(mentorship=pair, by=dave)
    bob_mentor = services.mentor_sign_up(cycle=active, person=bob.person, by=bob, capacity=1)
    student = f.UserFactory(person=f.StudentFactory())
    request = services.mentorship_request(mentor=bob_mentor, by=student)
    services.cycle_set_phase(cycle=active, by=alice, phase="active")

    other = make_cycle(alice, "World proposals")
    first, second = add_mentor(other), add_mentor(other)
    add_mentee(other)
    services.matching_run(cycle=other, by=alice)
    proposal = Mentorship.objects.get(cycle=other)
    phase_cycle = make_cycle(alice, "World phases")
    return {
        "m_program": cycle.program_id,
        "m_cycle": cycle.pk,
        "m_active_cycle": active.pk,
        "m_other_cycle": other.pk,
        "m_phase_cycle": phase_cycle.pk,
        "m_dave_mentor": dave_mentor.pk,
        "m_erin_mentor": erin_mentor.pk,
        "m_pair": pair.pk,
        "m_request": request.pk,
        "m_meeting": meeting.pk,
        "m_conversation": conversation.pk,
        "m_proposal": proposal.pk,
        "m_other_mentor": (second if proposal.mentor_id == first.pk else first).pk,
    }


def mentor_state(world: dict[str, Any]) -> list[tuple[int, int]]:
    return sorted(
        MentorProfile.objects.filter(cycle_id=world["m_cycle"]).values_list("person_id", "capacity")
    )


def mentee_state(world: dict[str, Any]) -> list[tuple[int, str]]:
    return sorted(
        MenteeApplication.objects.filter(cycle_id=world["m_cycle"]).values_list(
            "person_id", "goals"
        )
    )


def pair_state(world: dict[str, Any]) -> list[tuple[int, str, int, str]]:
    return sorted(Mentorship.objects.values_list("pk", "status", "mentor_id", "source"))


def pair_activity(world: dict[str, Any]) -> tuple[int, int, int | None]:
    pair = Mentorship.objects.get(pk=world["m_pair"])
    meeting = Meeting.objects.select_related("activity").get(pk=world["m_meeting"])
    return pair.meetings.count(), pair.goals.count(), meeting.activity.rating  # type: ignore[union-attr]


def run_count(world: dict[str, Any]) -> int:
    return MatchRun.objects.count()


def program_count(world: dict[str, Any]) -> int:
    return MentoringProgram.objects.count()


def phase_of(world: dict[str, Any]) -> str:
    return Cycle.objects.get(pk=world["m_phase_cycle"]).phase


def survey_count(world: dict[str, Any]) -> int:
    return SurveyResponse.objects.count()


def cycle_count(world: dict[str, Any]) -> int:
    return Cycle.objects.count()


def conversation_messages(world: dict[str, Any]) -> int:
    from alma.comms.models import ConversationMessage

    return ConversationMessage.objects.filter(conversation_id=world["m_conversation"]).count()
