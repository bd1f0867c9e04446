"""The demo forum: bilingual questions, answered and open, routed invitations, the demo alumnus's
invitation in the inbox; built once and the same for the same seed."""

import pytest

from alma.activity.models import Activity
from alma.comms.models import Notification
from alma.demo import forum, mentoring, people
from alma.demo.builders import DemoRun
from alma.forum.models import Answer, Invitation, Question
from alma.forum.selectors import questions_listed

pytestmark = pytest.mark.django_db


def test_demo_forum_is_living_and_bilingual():
    people.build(DemoRun(scale=0.03))
    mentoring.build(DemoRun())
    forum.build(DemoRun(scale=0.2))
    questions = Question.objects.count()
    assert questions >= 60
    assert Question.objects.filter(answer_count=0).exists()
    assert Question.objects.filter(answer_count__gt=0).exists()
    assert Invitation.objects.count() > questions // 3  # a small demo has few alumni to ask
    titles = list(Question.objects.values_list("title", flat=True))
    assert any(t.isascii() for t in titles) and any(not t.isascii() for t in titles)
    accepted = Question.objects.filter(accepted_answer__isnull=False).count()
    assert Activity.objects.filter(kind="forum.answer").count() == accepted > 0
    assert Answer.objects.filter(recorded_at__isnull=False).count() == accepted
    assert questions_listed(None, q="shixi")[1] > 0  # 实习, by pinyin
    demo_alumnus = Notification.objects.filter(
        kind="forum.invitation", recipient__user__email="alumnus@demo.alma.example"
    )
    assert demo_alumnus.count() == 1
    forum.build(DemoRun(scale=0.2))  # once
    assert Question.objects.count() == questions
