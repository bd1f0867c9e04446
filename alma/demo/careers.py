"""Careers for the demo university: the alumni-enterprise alliance, three job fairs, postings,
applications at every step of the pipeline, and enterprise visits with reports.

About 40 alliance members (the people demo's enterprises and partners, plus new alumni
enterprises), two past fairs and one upcoming: last spring's fair brought about 100 units and
over 800 positions covering more than two thirds of the school's majors. Postings at past
fairs are closed, the upcoming fair's and the year-round ones are live and searchable. The demo
student has applications at several steps and a career profile; the demo partner represents an
alliance member with a live internship. Hires, booth meetings and visits are in the activity
ledger through its service. Deterministic for a given seed and day; once (a second call is a
no-op).
"""

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from alma.activity.services import activity_record_bulk
from alma.careers import services
from alma.careers.models import (
    AllianceMembership,
    ApplicationStatus,
    ApplicationStep,
    Booth,
    BoothSignIn,
    CareerProfile,
    EnterpriseVisit,
    JobApplication,
    JobFair,
    OrganizationSize,
    Posting,
    PracticeBase,
)
from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN
from alma.people.models import Education, Organization, Person, Stage

TITLE = "Careers: the alumni-enterprise alliance, job fairs, postings, applications, visits"

ALLIANCE_SIZE = 40
BIG_FAIR_UNITS = 100
# Position families of the fairs: (English, Chinese, kind of work the majors lean to).
FAMILIES = [
    ("Investment Analyst", "投资分析师", "Finance"),
    ("Financial Accountant", "财务会计", "Finance"),
    ("Operations Specialist", "运营专员", "Operations"),
    ("Product Manager", "产品经理", "Product"),
    ("Marketing Specialist", "市场营销专员", "Marketing"),
    ("Risk Control Analyst", "风控分析师", "Finance"),
    ("Legal Counsel", "法务专员", "Legal"),
    ("HR Specialist", "人力资源专员", "HR"),
    ("Software Engineer", "软件工程师", "IT"),
    ("Data Analyst", "数据分析师", "IT"),
    ("Research Assistant", "研究助理", "Research"),
    ("Process Engineer", "工艺工程师", "Engineering"),
]
SKILLS = {
    "Finance": ["Excel", "Financial modelling", "CFA", "Accounting"],
    "Operations": ["Project management", "Excel", "Communication"],
    "Product": ["User research", "Axure", "SQL", "Communication"],
    "Marketing": ["Copywriting", "Social media", "Market research"],
    "Legal": ["Contract law", "Legal research", "English"],
    "HR": ["Recruiting", "Communication", "Labour law"],
    "IT": ["Python", "SQL", "Java", "Machine learning", "Linux"],
    "Research": ["Statistics", "Python", "Academic writing"],
    "Engineering": ["CAD", "MATLAB", "Quality control"],
}
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Guangzhou", "Wuhan", "Nanjing"]
NEW_ENTERPRISES = [
    ("Qiming", "启明"), ("Huaxin", "华信"), ("Tianyu", "天宇"), ("Boyuan", "博远"),
    ("Jinghong", "景鸿"), ("Ruifeng", "瑞丰"), ("Xinghe", "星河"), ("Zhiyuan", "致远"),
    ("Hengtai", "恒泰"), ("Yunfan", "云帆"), ("Dingsheng", "鼎盛"), ("Haoran", "浩然"),
]  # fmt: skip
NEW_TRADES = [
    ("Capital", "资本", "Finance"), ("Technology", "科技", "Internet and software"),
    ("Consulting", "咨询", "Consulting"), ("Securities", "证券", "Finance"),
    ("Intelligent Manufacturing", "智能制造", "Manufacturing"), ("Media", "传媒", "Media"),
    ("Law Firm", "律师事务所", "Legal services"), ("Biotech", "生物科技", "Healthcare"),
]  # fmt: skip
VISIT_REPORTS = [
    "We toured the trading floor and an alumna walked us through a day of an analyst. "
    "我们参观了交易大厅，一位学姐介绍了分析师的一天。",
    "The founders, both alumni, told us how they started in a dorm room. "
    "两位创始人都是校友，讲述了他们在宿舍创业的经历。",
    "We saw the production line and asked about internships next summer. "
    "我们参观了生产线，并询问了明年暑期的实习机会。",
]


def _organizations(rng: random.Random, needed: int) -> list[Organization]:
    """The demo's enterprises and partners, then new alumni enterprises up to `needed`."""
    found = list(
        Organization.objects.exclude(kind=Organization.Kind.SCHOOL_UNIT).order_by("kind", "name")
    )
    names = {o.name for o in found}
    n = 0
    while len(found) < needed:
        en, zh = NEW_ENTERPRISES[n % len(NEW_ENTERPRISES)]
        trade_en, trade_zh, industry = NEW_TRADES[(n // len(NEW_ENTERPRISES)) % len(NEW_TRADES)]
        city = CITIES[n % len(CITIES)]
        name = f"{zh}{trade_zh} {en} {trade_en}"
        n += 1
        if name in names:
            continue
        names.add(name)
        found.append(
            Organization.objects.create(
                name=name,
                kind=Organization.Kind.ALUMNI_ENTERPRISE,
                industry=industry,
                city=city,
                description="An alumni enterprise of the demo university. 校友企业。",
            )
        )
    return found


def _posting(
    rng: random.Random,
    organization: Organization,
    majors: list[str],
    *,
    status: str,
    deadline: dt.date,
    created: dt.datetime,
    office: Person | None,
) -> Posting:
    en, zh, area = rng.choice(FAMILIES)
    kind = rng.choice(["internship", "internship", "graduate_job", "graduate_job", "part_time"])
    if kind == "internship":
        en, zh = f"{en} Intern", f"{zh}实习生"
    skills = rng.sample(SKILLS[area], k=min(2, len(SKILLS[area])))
    low = rng.choice([4000, 6000, 8000, 10000, 12000])
    return Posting(
        organization=organization,
        kind=kind,
        title=f"{en} {zh}",
        description=(
            f"## {en}\n\nJoin **{organization.name}** as a {en.lower()}.\n\n"
            f"- {skills[0]}\n- {skills[-1]}\n\n{zh}：欢迎校友学弟学妹加入。"
        ),
        industry=organization.industry,
        target_majors=", ".join(rng.sample(majors, k=min(len(majors), rng.randint(1, 3)))),
        degree_levels=rng.choice(["", "", "bachelor, master", "master"]),
        skills=", ".join(skills),
        cities=", ".join(rng.sample(CITIES, k=rng.randint(1, 2))),
        remote=rng.random() < 0.1,
        openings=rng.randint(1, 4),
        salary_min=low,
        salary_max=low + rng.choice([2000, 4000, 6000]),
        deadline=deadline,
        status=status,
        created_at=created,
        reviewed_by=office,
        reviewed_at=created,
    )


def build(run: DemoRun) -> None:
    if AllianceMembership.objects.exists():
        return
    rng = random.Random(run.seed + 25)
    today = timezone.localdate()
    now = timezone.now()
    office = Person.objects.filter(email=f"office@{DEMO_DOMAIN}").first()
    demo_student = Person.objects.filter(email=f"student@{DEMO_DOMAIN}").first()
    demo_partner = Person.objects.filter(email=f"partner@{DEMO_DOMAIN}").first()
    year = today.year
    majors = sorted(
        set(
            Education.objects.filter(person__stage=Stage.STUDENT)
            .exclude(major="")
            .values_list("major", flat=True)
        )
    )
    # The fairs' positions cover about four fifths of the majors (the seed's "two thirds").
    covered = sorted(rng.sample(majors, k=max(1, round(len(majors) * 0.8)))) if majors else ["-"]

    organizations = _organizations(rng, BIG_FAIR_UNITS)
    partner_org = demo_partner.represented_organizations.first() if demo_partner else None
    alliance = organizations[:ALLIANCE_SIZE]
    if partner_org is not None and partner_org not in alliance:
        alliance[-1] = partner_org
    AllianceMembership.objects.bulk_create(
        [
            AllianceMembership(
                organization=o,
                status=AllianceMembership.Status.APPROVED,
                size=rng.choice(OrganizationSize.values),
                cities=", ".join(dict.fromkeys([o.city or "Shanghai", rng.choice(CITIES)])),
                sponsorships=rng.choice(
                    ["", "", "Sponsors the Class of 1988 Excellence Award. 赞助八八级卓越奖。"]
                ),
                requested_at=now - dt.timedelta(days=rng.randint(200, 1500)),
                decided_by=office,
                decided_at=now - dt.timedelta(days=rng.randint(100, 199)),
            )
            for o in alliance
        ]
    )
    # Two requests wait for the office.
    waiting = organizations[ALLIANCE_SIZE : ALLIANCE_SIZE + 2]
    AllianceMembership.objects.bulk_create(
        [AllianceMembership(organization=o, requested_at=now) for o in waiting]
    )
    PracticeBase.objects.bulk_create(
        [
            PracticeBase(
                organization=o,
                title=f"Practice base for {o.industry or 'students'} 实践基地",
                starts_on=dt.date(year - 2, 9, 1),
                ends_on=dt.date(year + 1, 8, 31),
            )
            for o in alliance[:12]
        ]
    )

    # The fairs: last spring's big one, the autumn one a year and a half ago, one to come.
    fairs = [
        (
            "Spring Alumni-Enterprise Job Fair 春季校友企业双选会",
            today - dt.timedelta(days=200),
            organizations[:BIG_FAIR_UNITS],
            (8, 9),
        ),
        (
            "Autumn Alumni-Enterprise Job Fair 秋季校友企业双选会",
            today - dt.timedelta(days=420),
            organizations[:45],
            (4, 6),
        ),
        (
            "Winter Alumni-Enterprise Job Fair 冬季校友企业双选会",
            today + dt.timedelta(days=30),
            alliance[:30],
            (2, 4),
        ),
    ]
    fair_postings: list[list[Posting]] = []
    for name, date, units, (low, high) in fairs:
        past = date < today
        # Each fair is an event of kind job fair in the events calendar (careers' service).
        fair = services.fair_create(
            name=name,
            date=date,
            venue="Sports Centre 体育馆",
            status=JobFair.Status.FINISHED if past else JobFair.Status.PLANNED,
        )
        postings: list[Posting] = []
        booths: list[tuple[Booth, list[Posting]]] = []
        for n, organization in enumerate(units):
            brought = [
                _posting(
                    rng,
                    organization,
                    covered,
                    status=Posting.Status.CLOSED if past else Posting.Status.LIVE,
                    deadline=date + dt.timedelta(days=30),
                    created=timezone.make_aware(
                        dt.datetime.combine(date - dt.timedelta(days=20), dt.time(10))
                    ),
                    office=office,
                )
                for _ in range(rng.randint(low, high))
            ]
            postings.extend(brought)
            booths.append(
                (
                    Booth(
                        fair=fair,
                        organization=organization,
                        location=f"{chr(65 + n // 20)}{n % 20 + 1}",
                    ),
                    brought,
                )
            )
        Posting.objects.bulk_create(postings)
        Booth.objects.bulk_create([b for b, _ in booths])
        through = Booth.postings.through
        through.objects.bulk_create(
            [through(booth_id=b.pk, posting_id=p.pk) for b, brought in booths for p in brought]
        )
        fair_postings.append(postings)

    # Year-round postings, live now.
    live = [
        _posting(
            rng,
            o,
            covered,
            status=Posting.Status.LIVE,
            deadline=today + dt.timedelta(days=rng.randint(10, 90)),
            created=now - dt.timedelta(days=rng.randint(1, 20)),
            office=office,
        )
        for o in alliance
        for _ in range(3)
    ]
    pending = [
        _posting(
            rng,
            o,
            covered,
            status=Posting.Status.PENDING,
            deadline=today + dt.timedelta(days=40),
            created=now,
            office=None,
        )
        for o in alliance[:4]
    ]
    if partner_org is not None:
        live.append(
            Posting(
                organization=partner_org,
                kind="internship",
                title="Summer Data Intern 暑期数据实习生",
                description="Analyse real data with our alumni team. 与校友团队一起分析真实数据。",
                industry=partner_org.industry,
                target_majors=", ".join(covered[:3]),
                skills="Python, SQL",
                cities="Shanghai",
                openings=3,
                deadline=today + dt.timedelta(days=45),
                status=Posting.Status.LIVE,
                created_by=demo_partner,
                reviewed_by=office,
                reviewed_at=now,
            )
        )
    Posting.objects.bulk_create(live + pending)
    for posting in [*fair_postings[2], *live]:
        services.posting_index(posting)

    # Applications at every step of the pipeline, booth sign-ins, visits.
    students = list(
        Person.objects.filter(stage=Stage.STUDENT).order_by("pk").values_list("pk", flat=True)
    )
    if not students:
        return
    weights = [
        ("applied", 30), ("screening", 15), ("interview", 15), ("offer", 8),
        ("hired", 12), ("declined", 15), ("withdrawn", 5),
    ]  # fmt: skip
    path = ["applied", "screening", "interview", "offer", "hired"]
    applications: list[JobApplication] = []
    seen: set[tuple[int, int]] = set()
    for postings, (_name, date, _units, _range) in zip(fair_postings[:2], fairs[:2], strict=True):
        fair_dt = timezone.make_aware(dt.datetime.combine(date, dt.time(11)))
        for posting in rng.sample(postings, k=min(len(postings), 400)):
            student = rng.choice(students)
            if (posting.pk, student) in seen:
                continue
            seen.add((posting.pk, student))
            status = rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]
            applications.append(
                JobApplication(
                    posting=posting,
                    student_id=student,
                    status=status,
                    note="Met you at the booth. 在展位上交流过。",
                    created_at=fair_dt,
                    updated_at=fair_dt + dt.timedelta(days=21),
                )
            )
    if demo_student is not None:
        for posting, status in zip(
            live[:4], ["applied", "interview", "offer", "declined"], strict=False
        ):
            applications.append(
                JobApplication(
                    posting=posting,
                    student=demo_student,
                    status=status,
                    note="I would love to join. 非常希望加入。",
                    created_at=now - dt.timedelta(days=10),
                    updated_at=now - dt.timedelta(days=2),
                )
            )
        CareerProfile.objects.create(
            person=demo_student,
            skills="Python, SQL, Machine learning",
            target_industries="Internet and software, Finance",
            preferred_cities="Shanghai, Hangzhou",
            open_to_employers=True,
        )
    JobApplication.objects.bulk_create(applications)
    steps: list[ApplicationStep] = []
    for a in applications:
        reached = path[: path.index(a.status) + 1] if a.status in path else ["applied", a.status]
        steps.extend(
            ApplicationStep(application=a, status=s, at=a.created_at + dt.timedelta(days=5 * i))
            for i, s in enumerate(reached)
        )
    ApplicationStep.objects.bulk_create(steps)
    for student in rng.sample(students, k=min(len(students), 150)):
        CareerProfile.objects.get_or_create(
            person_id=student,
            defaults={
                "skills": ", ".join(rng.sample(SKILLS[rng.choice(list(SKILLS))], k=2)),
                "preferred_cities": rng.choice(CITIES),
                "open_to_employers": rng.random() < 0.6,
            },
        )

    ledger: list[dict[str, Any]] = []
    representatives = dict(
        Organization.representatives.through.objects.values_list("organization_id", "person_id")
    )
    internship_kinds = {"internship", "practice_base"}
    for a in applications:
        if a.status == ApplicationStatus.HIRED:
            ledger.append(
                {
                    "kind": "careers.internship_hosted"
                    if a.posting.kind in internship_kinds
                    else "careers.hired",
                    "actor_id": representatives.get(a.posting.organization_id),
                    "beneficiary_id": a.student_id,
                    "provider": "enterprise",
                    "occurred_at": a.updated_at,
                    "note": a.posting.organization.name,
                }
            )
    past_booths = list(
        Booth.objects.filter(fair__status=JobFair.Status.FINISHED).select_related("fair")
    )
    sign_ins: list[BoothSignIn] = []
    for booth in rng.sample(past_booths, k=min(len(past_booths), 120)):
        at = timezone.make_aware(dt.datetime.combine(booth.fair.date, dt.time(10)))
        for student in rng.sample(students, k=min(len(students), 3)):
            sign_ins.append(BoothSignIn(booth=booth, student_id=student, at=at))
            ledger.append(
                {
                    "kind": "careers.fair_booth",
                    "actor_id": representatives.get(booth.organization_id),
                    "beneficiary_id": student,
                    "provider": "enterprise",
                    "occurred_at": at,
                    "note": booth.fair.name,
                }
            )
    BoothSignIn.objects.bulk_create(sign_ins)
    visits: list[EnterpriseVisit] = []
    for n, student in enumerate(rng.sample(students, k=min(len(students), 8))):
        organization = alliance[n * 3 % len(alliance)]
        reported = n < 6
        visits.append(
            EnterpriseVisit(
                organization=organization,
                student_id=student,
                visit_on=today - dt.timedelta(days=30 + 7 * n)
                if reported
                else today + dt.timedelta(days=20),
                city=organization.city,
                status=("published" if n < 3 else "reported") if reported else "signed_up",
                report=VISIT_REPORTS[n % len(VISIT_REPORTS)] if reported else "",
                reported_at=now - dt.timedelta(days=20) if reported else None,
            )
        )
    EnterpriseVisit.objects.bulk_create(visits)
    for visit in visits:
        if visit.reported_at is not None:
            ledger.append(
                {
                    "kind": "careers.visit_hosted",
                    "actor_id": representatives.get(visit.organization_id),
                    "beneficiary_id": visit.student_id,
                    "provider": "enterprise",
                    "occurred_at": visit.reported_at,
                    "note": visit.organization.name,
                }
            )
    activity_record_bulk(rows=ledger)
