"""Communications for the demo university: two magazine issues, three past mailings with their
clicks, alumni messages to this year's freshmen and graduates, and inboxes with read and unread
notifications for the demo sign-ins.

`build` runs after the people and events. Clicks go through comms' own click service (so the
first click of each alumnus is in the activity ledger as CASE communication engagement) and the
messages through events' message services (writing one is a volunteer activity). Mail is not
sent: the demo records what was sent. Deterministic for a given seed.
"""

import datetime as dt
import random

from django.utils import timezone

from alma.accounts.models import User
from alma.comms import mailings, tokens
from alma.comms.models import (
    ArticleKind,
    MagazineArticle,
    MagazineIssue,
    Mailing,
    MailingRecipient,
    Notification,
)
from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN
from alma.events import services as event_services
from alma.events.models import EventMessage
from alma.imports.models import Segment
from alma.people.models import Consent, ConsentPurpose, Person, Stage

TITLE = "Writing the magazine, past mailings and alumni messages…"
RECIPIENTS = 400  # per past mailing at full scale
CLICK_SHARE = 0.18

ISSUES = [
    (
        1,
        "Homecoming and the class of 1996",
        "校友返校日与一九九六届",
        [
            (
                ArticleKind.ALUMNI_STORY,
                "From the chemistry lab to a battery start-up",
                "从化学实验室到电池创业",
                True,
            ),
            (
                ArticleKind.CHAPTER_NEWS,
                "Shenzhen chapter welcomes 120 new graduates",
                "深圳校友会迎来120名新毕业生",
                False,
            ),
            (
                ArticleKind.AWARD_CEREMONY,
                "Scholarships awarded at the spring ceremony",
                "春季典礼颁发奖学金",
                False,
            ),
        ],
    ),
    (
        2,
        "Alumni enterprises open their doors",
        "校友企业敞开大门",
        [
            (
                ArticleKind.VISIT_REPORT,
                "Forty students visit an alumni robotics firm",
                "四十名学生走访校友机器人企业",
                True,
            ),
            (
                ArticleKind.ALUMNI_STORY,
                "A teacher's return: alumna leads the rural school program",
                "回到讲台：校友带领乡村支教项目",
                False,
            ),
            (
                ArticleKind.CAMPUS_NEWS,
                "New library wing named after the class of 1988",
                "图书馆新馆以一九八八届命名",
                False,
            ),
        ],
    ),
]
MAILINGS = [
    ("Spring newsletter", "newsletter", "Spring news from campus", "校园春季通讯", 120),
    ("Homecoming invitation", "events", "Come home this October", "十月，欢迎回家", 60),
    ("Scholarship appeal", "fundraising", "Help a student finish their degree", "助学金募捐", 25),
]
MESSAGES = {
    "freshmen": [
        "Welcome! Be curious, take the hard course, and find the friends you will keep for life.",
        "欢迎你们！大胆尝试，珍惜同窗，四年很短，也很长。",
        "Knock on your professors' doors. We did, and it changed everything.",
    ],
    "graduates": [
        "Congratulations. Wherever you go, the alumni chapter there is your first friend.",
        "毕业快乐！愿你们保持初心，常回家看看。",
        "Your first job is not your last: keep learning, and come back to tell the students.",
    ],
}


def build(run: DemoRun) -> None:
    """Once: a second call finds the magazine and does nothing."""
    if MagazineIssue.objects.exists():
        return
    rng = random.Random(run.seed + 24)
    office = User.objects.filter(email=f"office@{DEMO_DOMAIN}").first()
    alumni = list(
        Person.objects.filter(stage=Stage.ALUMNUS).exclude(email="").order_by("pk")[:5000]
    )
    if not alumni:
        return
    _magazine(rng, alumni)
    _mailings(rng, run, office, alumni)
    _messages(rng, office, alumni)
    _inboxes()


def _magazine(rng: random.Random, alumni: list[Person]) -> None:
    now = timezone.now()
    for number, title_en, title_zh, articles in ISSUES:
        issue = MagazineIssue.objects.create(
            number=number,
            title=f"{title_en} · {title_zh}",
            summary="News, stories and visits from the alumni of the university. "
            "校友故事、企业走访与校园新闻。",
            published_at=now - dt.timedelta(days=60 * (len(ISSUES) - number + 1)),
        )
        for position, (kind, article_en, article_zh, names) in enumerate(articles):
            named = rng.choice(alumni)
            article = MagazineArticle.objects.create(
                issue=issue,
                kind=kind,
                title=f"{article_en} · {article_zh}",
                slug=f"article-{number}-{position + 1}",
                summary=article_zh,
                body=(
                    f"**{article_en}.**\n\n"
                    + (f"{named.full_name} tells us how it began. " if names else "")
                    + "Students and alumni met, talked about study and work, and kept in touch.\n\n"
                    + f"{article_zh}。同学们与校友交流学习与工作，并保持联系。"
                ),
                author_name="Alumni office · 校友会",
                position=position,
            )
            if names:
                # Named with their consent, recorded before the issue was published.
                Consent.objects.create(
                    person=named, purpose=ConsentPurpose.PUBLICITY, granted=True, source="demo"
                )
                article.people_named.add(named)


def _mailings(rng: random.Random, run: DemoRun, office: User | None, alumni: list[Person]) -> None:
    segment = Segment.objects.order_by("pk").first()
    size = max(20, int(RECIPIENTS * min(run.scale, 1.0)))
    for n, (name, purpose, subject_en, subject_zh, days_ago) in enumerate(MAILINGS):
        sent_at = timezone.now() - dt.timedelta(days=days_ago)
        mailing = Mailing.objects.create(
            name=name,
            purpose=purpose,
            subject_en=subject_en,
            subject_zh=subject_zh,
            body_en=f"Dear {{{{ name }}}},\n\n{subject_en}. [Read more](https://alumni.example.edu/news/{n})",
            body_zh=f"{{{{ name }}}}，您好：\n\n{subject_zh}。[阅读全文](https://alumni.example.edu/news/{n})",
            segment=segment if n == 0 else None,
            audience={"stages": ["alumnus"], "engagement": "", "since": ""},
            status=Mailing.Status.SENT,
            created_by=office,
            created_at=sent_at - dt.timedelta(days=1),
            scheduled_at=sent_at,
            queued_at=sent_at,
            finished_at=sent_at + dt.timedelta(minutes=20),
        )
        people = rng.sample(alumni, min(size, len(alumni)))
        MailingRecipient.objects.bulk_create(
            [
                MailingRecipient(
                    mailing=mailing,
                    person=p,
                    email=p.email,
                    language="zh-hans"
                    if any("\u4e00" <= c <= "\u9fff" for c in p.full_name)
                    else "en",
                    state=MailingRecipient.State.SENT,
                    sent_at=sent_at,
                    message_id=f"<demo-{mailing.pk}-{p.pk}@{DEMO_DOMAIN}>",
                )
                for p in people
            ]
        )
        Mailing.objects.filter(pk=mailing.pk).update(recipients_total=len(people))
        recipients = list(MailingRecipient.objects.filter(mailing=mailing).order_by("pk"))
        url = f"https://alumni.example.edu/news/{n}"
        for recipient in recipients:
            if rng.random() < CLICK_SHARE:
                for _click in range(rng.choice([1, 1, 2])):
                    mailings.click_record(
                        token=tokens.make({"r": recipient.pk, "u": url}, tokens.CLICK_SALT)
                    )
        # A few bounced and a few unsubscribed, as real lists have.
        for recipient in recipients[:2]:
            MailingRecipient.objects.filter(pk=recipient.pk).update(
                bounced_at=sent_at, bounce_reason="550 mailbox unknown"
            )
        for recipient in recipients[2:4]:
            mailings.recipient_unsubscribe(recipient_id=recipient.pk)


def _messages(rng: random.Random, office: User | None, alumni: list[Person]) -> None:
    year = timezone.localdate().year
    writers = rng.sample(alumni, min(len(alumni), 8))
    for cohort, texts in MESSAGES.items():
        for text in texts:
            author = writers.pop()
            message = EventMessage.objects.create(
                cohort=cohort,
                cohort_year=year,
                author=author,
                author_name=author.full_name,
                status=EventMessage.Status.INVITED,
                invited_at=timezone.now() - dt.timedelta(days=20),
            )
            message = event_services.event_message_submit(message=message, text=text)
            event_services.event_message_review(message=message, by=office, approve=True)
    # One invitation not yet answered, and one message waiting for review.
    unanswered = writers.pop()
    EventMessage.objects.create(
        cohort="graduates",
        cohort_year=year,
        author=unanswered,
        author_name=unanswered.full_name,
        status=EventMessage.Status.INVITED,
        invited_at=timezone.now() - dt.timedelta(days=3),
    )
    waiting = writers.pop()
    pending = EventMessage.objects.create(
        cohort="freshmen",
        cohort_year=year,
        author=waiting,
        author_name=waiting.full_name,
        status=EventMessage.Status.INVITED,
    )
    event_services.event_message_submit(
        message=pending, text="Join a club in your first week, and keep going to it."
    )


def _inboxes() -> None:
    now = timezone.now()
    notices = {
        "student": [
            (
                "mentoring.proposal",
                "A mentoring match is proposed: Alumni career mentors",
                "/mentoring/",
            ),
            ("events.reminder", "Reminder: Career talk", "/events/mine/"),
            (
                "activity.service_recorded",
                "A service was recorded for you — was it helpful?",
                "/services/received/",
            ),
        ],
        "alumnus": [
            ("events.invitation", "You are invited: Homecoming", "/events/"),
            ("comms.message_invitation", "Would you write a few words to our graduates?", ""),
            ("mentoring.request", "A student asks you to be their mentor", "/mentoring/"),
        ],
        "officer": [
            ("lifecycle.new_alumni", "12 new alumni joined your chapter", "/lifecycle/chapters/"),
            ("events.registration", "You are on the waitlist: Chapter dinner", "/events/"),
        ],
        "office": [("events.registration_code", "You are registered: Homecoming", "/events/mine/")],
    }
    for who, rows in notices.items():
        user = User.objects.filter(email=f"{who}@{DEMO_DOMAIN}").select_related("person").first()
        if user is None or user.person is None:
            continue
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user.person,
                    kind=kind,
                    subject=subject,
                    link=link,
                    email_state=Notification.EmailState.SENT,
                    emailed_at=now - dt.timedelta(days=i),
                    created_at=now - dt.timedelta(days=i, hours=2),
                    read_at=None if i == 0 else now - dt.timedelta(days=i - 1),
                )
                for i, (kind, subject, link) in enumerate(rows)
            ]
        )
