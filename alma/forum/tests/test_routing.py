"""Routing: who a question goes to, why, and never on fields hidden from the asker."""

import json

import pytest
from django.core.management import call_command

from alma.forum import routing
from alma.forum.models import AnswerPreference, Invitation, Question, RoutingProfile
from alma.forum.routing import route_question, routing_profiles_refresh
from alma.mentoring.models import MentorProfile
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


def test_the_best_fitting_alumni_come_first_with_their_reasons(expert):
    banker = expert(
        name="Banker", industry="Finance", city="Beijing", expertise="investment banking"
    )
    coder = expert(
        name="Coder",
        industry="Software",
        major="Computer Science",
        city="Shenzhen",
        expertise="machine learning, python",
    )
    expert(name="Chef", industry="Hospitality", city="Chengdu", expertise="cooking")
    routed = route_question(text="How do I get into machine learning in Software?", topic="career")
    assert [r.person for r in routed][:1] == [coder.pk]
    assert banker.pk not in [r.person for r in routed]
    top = routed[0]
    assert top.industry == "Software"
    assert top.expertise == ["machine learning"]
    assert {r["code"] for r in top.reasons} >= {"target_industry", "shared_topics"}


def test_chinese_questions_route_on_chinese_fields(expert):
    person = expert(name="张伟", industry="金融", city="上海", expertise="投资银行")
    expert(name="李娜", industry="教育", city="成都", expertise="语文教学")
    routed = route_question(text="想在上海做投资银行，需要准备什么？", topic="career")
    assert routed[0].person == person.pk
    assert routed[0].city == "上海"


def test_a_field_hidden_from_the_asker_neither_finds_nor_explains(expert):
    hidden_city = expert(
        name="Private",
        city="Hangzhou",
        expertise="tea",
        privacy={"current_location": "alumni_office"},
    )
    assert route_question(text="Living in Hangzhou as a graduate", rank=2) == []
    office = route_question(text="Living in Hangzhou as a graduate", rank=3)
    assert [r.person for r in office] == [hidden_city.pk] and office[0].city == "Hangzhou"


def test_alumni_who_do_not_take_questions_are_never_routed(expert):
    person = expert(name="Busy", industry="Software", expertise="python")
    AnswerPreference.objects.filter(person=person).update(accepts_questions=False)
    routing_profiles_refresh([person.pk])
    assert not RoutingProfile.objects.filter(pk=person.pk).exists()
    assert route_question(text="python in Software") == []


def test_mentors_take_questions_by_default_others_do_not():
    mentor = f.AlumnusFactory(expertise="python")
    other = f.AlumnusFactory(expertise="python")
    from alma.mentoring.models import Cycle, MentoringProgram

    program = MentoringProgram.objects.create(name="Careers", kind="one_to_one")
    cycle = Cycle.objects.create(program=program, name="Spring")
    MentorProfile.objects.create(cycle=cycle, person=mentor, capacity=1)
    routing_profiles_refresh([mentor.pk, other.pk])
    assert set(RoutingProfile.objects.values_list("pk", flat=True)) == {mentor.pk}


def test_weekly_caps_apply_and_ties_go_to_the_least_invited(expert):
    a = expert(name="A", expertise="python", per_week=1)
    b = expert(name="B", expertise="python")
    c = expert(name="C", expertise="python")
    q = Question.objects.create(asker=f.StudentFactory(), title="x", topic="career")
    Invitation.objects.create(question=q, person=a, score=1)  # a is at the cap
    Invitation.objects.create(question=q, person=b, score=1)
    routed = [r.person for r in route_question(text="python", limit=5)]
    assert routed == [c.pk, b.pk]


def _capped_experts(expert, monkeypatch):
    """Three alumni at their weekly cap who fit the question best (and fill the candidate
    window), and three eligible ones who fit it less well; e0 had one invitation this week."""
    monkeypatch.setattr(routing, "CANDIDATES", 3)
    eligible = [expert(name=f"E{i}", expertise="python") for i in range(3)]
    capped = [
        expert(name=f"C{i}", expertise="python, django, machine learning", per_week=1)
        for i in range(3)
    ]
    q = Question.objects.create(asker=f.StudentFactory(), title="x", topic="career")
    for person in capped:
        Invitation.objects.create(question=q, person=person, score=1)
    Invitation.objects.create(question=q, person=eligible[0], score=1)
    return eligible, capped


def test_alumni_at_their_cap_do_not_crowd_out_eligible_ones(expert, monkeypatch):
    eligible, capped = _capped_experts(expert, monkeypatch)
    text = "python django machine learning"
    # The capped alumni fit best: without their invitations they would be routed first.
    best = routing.rank_profiles(
        list(RoutingProfile.objects.all()),
        text=text,
        topic="",
        tags=(),
        asker=None,
        rank=2,
        limit=3,
        counts={},
    )
    assert {r.person for r in best} == {c.pk for c in capped}
    routed = [r.person for r in route_question(text=text, limit=2)]
    # Ties (the same profile) go to the fewest invitations this week, then the lower id.
    assert routed == [eligible[1].pk, eligible[2].pk]
    routed = [r.person for r in route_question(text=text, limit=3)]
    assert routed == [eligible[1].pk, eligible[2].pk, eligible[0].pk]


def test_the_route_command_returns_the_limit_from_eligible_alumni(expert, monkeypatch, capsys):
    eligible, _capped = _capped_experts(expert, monkeypatch)
    text = "python django machine learning"
    call_command("forum", "route", "--text", text, "--json", "--limit", "3")
    rows = json.loads(capsys.readouterr().out)
    assert [row["person"] for row in rows] == [eligible[1].pk, eligible[2].pk, eligible[0].pk]


def test_an_alumnus_who_stopped_taking_questions_is_not_a_candidate(expert, monkeypatch):
    """Before the worker refreshes the routing index, a withdrawn preference already counts."""
    monkeypatch.setattr(routing, "CANDIDATES", 1)
    keen = expert(name="Keen", expertise="python")
    gone = expert(name="Gone", expertise="python, django")
    AnswerPreference.objects.filter(person=gone).update(accepts_questions=False)
    assert [r.person for r in route_question(text="python django")] == [keen.pk]


def test_the_route_command_prints_json_without_posting(expert, capsys):
    coder = expert(name="Coder", industry="Software", expertise="python")
    call_command("forum", "route", "--text", "python jobs in Software", "--json", "--limit", "3")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["person"] == coder.pk
    assert set(rows[0]) == {"person", "score", "reasons", "industry", "major", "city", "expertise"}
    assert rows[0]["industry"] == "Software"
    assert Question.objects.count() == 0 and Invitation.objects.count() == 0
