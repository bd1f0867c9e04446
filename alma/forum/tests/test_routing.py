"""Routing: who a question goes to, why, and never on fields hidden from the asker."""

import json

import pytest
from django.core.management import call_command

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


def test_the_route_command_prints_json_without_posting(expert, capsys):
    coder = expert(name="Coder", industry="Software", expertise="python")
    call_command("forum", "route", "--text", "python jobs in Software", "--json", "--limit", "3")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["person"] == coder.pk
    assert set(rows[0]) == {"person", "score", "reasons", "industry", "major", "city", "expertise"}
    assert rows[0]["industry"] == "Software"
    assert Question.objects.count() == 0 and Invitation.objects.count() == 0
