"""The alumni forum for the demo university: a few hundred questions in English and Chinese,
answered and open, with the invitations routing sent.

Alumni who mentor take questions (the default) and a share of other alumni opt in; their
routing profiles are built, then each question (spread over the last 120 days, asked by
students) is routed as it would be when posted: the invited alumni answer most of the older
questions, and the askers accept or upvote many answers (each once in the ledger, as
`forum.answer`). The demo alumnus takes questions and has an open invitation in the inbox;
the demo student has asked questions of their own. Deterministic for a given seed.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from alma.activity.services import activity_record
from alma.comms.services import notification_send
from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN, INDUSTRIES
from alma.forum import routing, services
from alma.forum.models import TOPIC_ASPECT, Answer, AnswerPreference, Invitation, Question, Topic
from alma.forum.notifications import question_link
from alma.people.models import Person, Stage

TITLE = "Opening the alumni forum…"
QUESTIONS = 300
OPT_IN_SHARE = 0.05  # of alumni who do not mentor
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Singapore", "London"]

# (topic, English title, Chinese title, tags); {industry}, {expertise} and {city} are filled in.
TEMPLATES = [
    (
        "career",
        "How do I get a first job in {industry}?",
        "怎样在{industry_zh}行业找到第一份工作？",
        "{industry}",
    ),
    (
        "career",
        "Is {expertise} a good direction for a new graduate?",
        "应届生做{expertise}方向怎么样？",
        "{expertise}",
    ),
    (
        "industry",
        "What is a normal week like in {industry}?",
        "{industry_zh}行业的日常工作是什么样的？",
        "{industry}",
    ),
    (
        "industry",
        "Which skills matter most for {expertise}?",
        "做{expertise}最需要哪些能力？",
        "{expertise}",
    ),
    (
        "postgraduate",
        "Should I do a master's before working in {industry}?",
        "想进{industry_zh}行业，要先读研吗？",
        "{industry}, 考研",
    ),
    (
        "postgraduate",
        "考研还是保研：怎么选择导师和方向？",
        "考研还是保研：怎么选择导师和方向？",
        "考研",
    ),
    (
        "abroad",
        "Studying abroad for {expertise}: which countries are strong?",
        "出国留学学{expertise}，哪些国家比较强？",
        "{expertise}, 留学",
    ),
    (
        "abroad",
        "How did you prepare your applications for a master's abroad?",
        "申请国外硕士的材料是怎么准备的？",
        "留学",
    ),
    (
        "city",
        "What is it like to live and work in {city}?",
        "在{city}工作和生活是什么体验？",
        "{city}",
    ),
    (
        "city",
        "Renting in {city} on a first salary: any advice?",
        "刚工作在{city}租房有什么建议？",
        "{city}",
    ),
    (
        "course",
        "Which electives helped you most in {industry}?",
        "哪些选修课对你在{industry_zh}行业最有帮助？",
        "{industry}",
    ),
    ("life", "How did you balance study, clubs and rest?", "怎么平衡学习、社团和休息？", ""),
    ("life", "How did you find your first internship?", "第一份实习是怎么找到的？", "实习"),
]
INDUSTRY_ZH = {
    "Internet": "互联网", "Software": "软件", "Semiconductors": "半导体", "Finance": "金融",
    "Manufacturing": "制造", "Automotive": "汽车", "Biotech and pharma": "生物医药",
    "Healthcare": "医疗", "Education": "教育", "Energy": "能源",
    "Construction and real estate": "建筑地产", "Consulting": "咨询", "Law": "法律",
    "Media": "传媒", "Chemicals and materials": "化工材料", "Environment": "环保",
    "Public sector": "公共部门",
}  # fmt: skip
ANSWERS = [
    "Start with the basics: talk to two or three people who do the job, then look for an "
    "internship. **Write down** what you learn each week.",
    "From my own experience in {industry}: the first year is about learning fast. Pick a team "
    "with a good mentor over a bigger salary.",
    "我的经验是先把基础打牢，再多参加实习。**不要怕问问题**，同事一般都很愿意帮忙。",
    "建议先在学校多找老师和学长学姐聊聊，了解{industry_zh}行业真实的情况，再做决定。",
    "Three things helped me:\n\n1. A small project you can show\n2. Practising interviews\n3. "
    "Keeping in touch with alumni",
]


def build(run: DemoRun) -> None:
    """Once: a second call finds questions and does nothing."""
    if Question.objects.exists():
        return
    rng = random.Random(run.seed + 20)
    students = list(
        Person.objects.filter(stage=Stage.STUDENT).order_by("pk").values_list("pk", flat=True)[:800]
    )
    alumni = list(
        Person.objects.filter(stage=Stage.ALUMNUS).order_by("pk").values_list("pk", flat=True)
    )
    if not students or not alumni:
        return
    demo_alumnus = Person.objects.filter(user__email=f"alumnus@{DEMO_DOMAIN}").first()
    demo_student = Person.objects.filter(user__email=f"student@{DEMO_DOMAIN}").first()
    mentors = routing.mentor_alumni_ids()
    others = [pk for pk in alumni if pk not in mentors]
    opted = set(rng.sample(others, min(len(others), int(len(others) * OPT_IN_SHARE))))
    if demo_alumnus is not None:
        opted.add(demo_alumnus.pk)
    with transaction.atomic():
        AnswerPreference.objects.bulk_create(
            [
                AnswerPreference(
                    person_id=pk, accepts_questions=True, invitations_per_week=rng.choice([2, 3, 5])
                )
                for pk in sorted(opted)
            ]
        )
        routing.routing_profiles_refresh(sorted(mentors | opted))
    now = timezone.now()
    count = max(20, int(QUESTIONS * run.scale))
    asked: list[tuple[Question, list[int]]] = []
    industries = list(INDUSTRIES.values())
    for n in range(count):
        industry = rng.choice(industries)
        topic, title_en, title_zh, tags = rng.choice(TEMPLATES)
        chinese = rng.random() < 0.5
        fill = {
            "industry": industry.name,
            "industry_zh": INDUSTRY_ZH.get(industry.name, industry.name),
            "expertise": rng.choice(industry.expertise),
            "city": rng.choice(CITIES),
        }
        title = (title_zh if chinese else title_en).format(**fill)
        asker = (
            demo_student.pk if demo_student is not None and n % 60 == 0 else rng.choice(students)
        )
        created = now - dt.timedelta(days=120 * (count - n) / count, minutes=rng.randrange(600))
        with transaction.atomic():
            question = Question.objects.create(
                asker_id=asker,
                title=title,
                body=(
                    "请各位校友给些建议，谢谢！"
                    if chinese
                    else "Any advice from alumni would help. Thank you!"
                ),
                topic=topic,
                tags=tags.format(**fill),
                anonymous=rng.random() < 0.15,
                created_at=created,
                updated_at=created,
                escalated_at=created + services.ESCALATE_AFTER if n < count - 10 else None,
            )
            routed = routing.route_question(
                text=f"{title}\n{question.body}",
                topic=topic,
                tags=question.tag_list(),
                rank=routing.MEMBER_RANK,
                limit=3,
            )
            Invitation.objects.bulk_create(
                [
                    Invitation(
                        question=question,
                        person_id=r.person,
                        score=r.score,
                        reasons=r.reasons,
                        created_at=created,
                    )
                    for r in routed
                ]
            )
        asked.append((question, [r.person for r in routed]))
    _answer(rng, asked, now)
    if demo_alumnus is not None:
        _invite_demo_alumnus(demo_alumnus, demo_student, now)
    with transaction.atomic():
        for question in Question.objects.all():
            services.question_index(question)


def _answer(rng: random.Random, asked: list[tuple[Question, list[int]]], now: dt.datetime) -> None:
    """Most questions older than a week are answered by someone invited; many accepted."""
    for question, invited in asked:
        if not invited or question.created_at > now - dt.timedelta(days=7) or rng.random() < 0.2:
            continue
        with transaction.atomic():
            answers = []
            for person_id in invited[: rng.randint(1, len(invited))]:
                when = question.created_at + dt.timedelta(hours=rng.randint(2, 60))
                industry = rng.choice(list(INDUSTRY_ZH))
                body = rng.choice(ANSWERS).format(
                    industry=industry, industry_zh=INDUSTRY_ZH[industry]
                )
                answers.append(
                    Answer.objects.create(
                        question=question,
                        author_id=person_id,
                        body=body,
                        created_at=when,
                        updated_at=when,
                    )
                )
            Question.objects.filter(pk=question.pk).update(answer_count=len(answers))
            if rng.random() < 0.6:
                best = answers[0]
                Question.objects.filter(pk=question.pk).update(accepted_answer=best)
                activity_record(
                    kind="forum.answer",
                    actor=best.author,
                    beneficiary=question.asker,
                    aspect=TOPIC_ASPECT[Topic(question.topic)],
                    note=question.title[:200],
                    occurred_at=best.created_at + dt.timedelta(hours=5),
                    source=best,
                )
                Answer.objects.filter(pk=best.pk).update(
                    recorded_at=best.created_at + dt.timedelta(hours=5), score=1
                )


def _invite_demo_alumnus(alumnus: Person, student: Person | None, now: dt.datetime) -> None:
    """An open question routed to the demo alumnus, in their inbox, so a visitor can answer it."""
    asker = student or Person.objects.filter(stage=Stage.STUDENT).order_by("pk").first()
    if asker is None:
        return
    with transaction.atomic():
        question = Question.objects.create(
            asker=asker,
            title="How did you choose your first employer? / 你是怎么选择第一份工作的？",
            body="I have two offers and cannot decide. 我手上有两个录用通知，不知道怎么选。",
            topic=Topic.CAREER,
            tags="offers, 求职",
            created_at=now - dt.timedelta(hours=3),
            updated_at=now - dt.timedelta(hours=3),
        )
        Invitation.objects.create(
            question=question,
            person=alumnus,
            score=0.5,
            reasons=[
                {"code": "shared_topics", "params": {"topics": [routing.topic_term("career")]}}
            ],
        )
        notification_send(
            recipient=alumnus,
            kind="forum.invitation",
            subject=f"A student asks: {question.title}",
            link=question_link(question),
        )
