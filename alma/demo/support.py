"""Student support for the demo university: one open case and three closed ones.

The open case is a medical emergency of a student whose hometown has the demo chapter
officer's chapter: the student agreed to share a summary with the chapter's officers and with
alumni, the chapter's officers offered a place to stay and contacts, alumni doctors who opted in
to help requests were asked (found by the matching engine), and the office paid an emergency
grant from the Student Emergency Aid fund. Of the closed cases, one was closed over a year ago
and is purged, one waits for its follow-up next week, one closed last month. The demo office
account is a named case officer; the demo teacher opened the cases. Everything goes through the
support services; the cases are backdated afterwards. Once (a second call is a no-op).
"""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from alma.accounts.models import User
from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN
from alma.giving.models import Fund, Purpose
from alma.people.models import Chapter, ChapterMembership, Person, Stage
from alma.support import services
from alma.support.models import Case, CaseEvent, Category, HelpKind, Offer, Urgency
from alma.support.selectors import helper_candidates, hometown_chapter

TITLE = "Student support: four cases, a chapter's offers, an emergency grant, a follow-up"
MEDICAL_EXPERTISE = ("Cardiology", "Nursing", "Public health", "Medical imaging")
CLOSED = [
    # (category, urgency, days ago opened, days ago closed, outcome, follow-up in days, narrative)
    (Category.FAMILY, Urgency.HIGH, 420, 400, Case.Outcome.RESOLVED, None,
     "Her father fell ill; she went home for a month. 父亲病重，回家一个月。"),
    (Category.PSYCHOLOGICAL, Urgency.NORMAL, 120, 90, Case.Outcome.REFERRED, 7,
     "Exam stress; referred to the counselling centre. 考试压力，已转介心理中心。"),
    (Category.LEGAL, Urgency.NORMAL, 60, 30, Case.Outcome.RESOLVED, None,
     "A landlord kept the deposit; an alumnus lawyer wrote a letter. 房东扣押金，校友律师出函。"),
]  # fmt: skip


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}@{DEMO_DOMAIN}").select_related("person").first()


def _backdate(case: Case, opened_days: int, closed_days: int | None) -> None:
    now = timezone.now()
    opened = now - dt.timedelta(days=opened_days)
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.OPENED).update(at=opened)
    if closed_days is not None:
        closed = now - dt.timedelta(days=closed_days)
        Case.objects.filter(pk=case.pk).update(closed_at=closed)
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLOSED).update(at=closed)


def build(run: DemoRun) -> None:
    if Case.objects.exists():
        return
    office, teacher, officer = _user("office"), _user("teacher"), _user("officer")
    if office is None or teacher is None or officer is None:
        return
    if office.person is None or teacher.person is None or officer.person is None:
        return
    rng = random.Random(run.seed)
    services.case_officer_name(person=office.person)

    # Alumni doctors (and the demo alumnus) accept requests for help.
    medical = Q()
    for term in MEDICAL_EXPERTISE:
        medical |= Q(expertise__icontains=term)
    doctors = list(
        Person.objects.filter(medical, stage=Stage.ALUMNUS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    willing = sorted(rng.sample(doctors, min(12, len(doctors))))
    alumnus = _user("alumnus")
    if alumnus is not None and alumnus.person_id:
        willing.append(alumnus.person_id)
    for person in Person.objects.filter(pk__in=willing):
        services.preference_set(person=person, accepts=True)

    officer_chapters = set(
        ChapterMembership.objects.filter(
            person=officer.person, role=ChapterMembership.Role.OFFICER
        ).values_list("chapter_id", flat=True)
    )
    cities = list(Chapter.objects.filter(pk__in=officer_chapters).values_list("city", flat=True))
    region = Q()
    for city in filter(None, cities):
        region |= Q(hometown_city__iexact=city)
    students = list(
        Person.objects.filter(stage=Stage.STUDENT).exclude(hometown_city="").order_by("pk")[:400]
    )
    from_officer_region = [
        s
        for s in (
            Person.objects.filter(region, stage=Stage.STUDENT).order_by("pk")[:20] if cities else []
        )
        if (c := hometown_chapter(s)) is not None and c.pk in officer_chapters
    ]
    if not from_officer_region:
        # A small demo may have no student from the officer's city: one comes from there now, so
        # the officer's chapter is the one the case mobilises.
        chapter = Chapter.objects.filter(pk__in=officer_chapters).exclude(city="").first()
        if chapter is None or not students:
            return
        moved = students[0]
        moved.hometown_city = chapter.city
        moved.hometown_province = chapter.province
        moved.hometown_country = chapter.country
        moved.save(update_fields=["hometown_city", "hometown_province", "hometown_country"])
        from_officer_region = [moved]
    student = from_officer_region[0]
    others = [s for s in students if s.pk != student.pk]
    rng.shuffle(others)

    # The closed cases.
    for (category, urgency, opened, closed, outcome, follow_up, narrative), who in zip(
        CLOSED, others, strict=False
    ):
        case = services.case_open(
            student=who,
            category=category,
            urgency=urgency,
            narrative=narrative,
            by=teacher,
        )
        services.note_add(case=case, body="Met the student; agreed next steps.", by=teacher)
        follow_up_on = timezone.localdate() + dt.timedelta(days=follow_up) if follow_up else None
        services.case_close(case=case, outcome=outcome, follow_up_on=follow_up_on, by=teacher)
        _backdate(case, opened, closed)
    services.cases_purge()

    # The open case: a medical emergency, mobilised through the hometown chapter.
    case = services.case_open(
        student=student,
        category=Category.MEDICAL,
        urgency=Urgency.CRITICAL,
        narrative=(
            "Heart surgery after a collapse during sports; family far away and without savings. "
            "运动中晕倒后需做心脏手术；家人远在外地，无积蓄。"
        ),
        needs=[HelpKind.MONEY, HelpKind.PROFESSIONAL, HelpKind.STAY],
        expertise_needed="Cardiology, Nursing",
        by=teacher,
    )
    services.team_member_add(case=case, person=office.person, by=teacher)
    services.task_add(
        case=case,
        title="Visit the hospital with the counsellor",
        owner=teacher.person,
        due_on=timezone.localdate() + dt.timedelta(days=2),
        by=teacher,
    )
    services.consent_record(
        case=case,
        by=teacher,
        summary=(
            "A second-year student from your city needs heart surgery; the family needs a place "
            "to stay near the hospital and advice from a cardiologist. "
            "一名来自您所在城市的大二学生需做心脏手术；家人需在医院附近住宿，并希望得到心内科医生的建议。"
        ),
        to_chapter=True,
        to_alumni=True,
    )
    picks = helper_candidates(case, viewer=teacher, limit=3)
    requests = services.requests_send(case=case, by=teacher, to_chapter=True, alumni=picks)
    chapter_request = next(r for r in requests if r.chapter_id)
    offer = services.offer_make(
        request=chapter_request,
        by=officer,
        kind=HelpKind.STAY,
        details="Our chapter has a flat near the hospital for the family. 分会在医院附近有一套公寓可供家属居住。",
    )
    services.offer_set_status(offer=offer, status=Offer.Status.ACCEPTED, by=teacher)
    services.offer_make(
        request=chapter_request,
        by=officer,
        kind=HelpKind.CONTACTS,
        details="Two alumni cardiologists in the city are ready to advise. 本市两位校友心内科医生愿意提供咨询。",
    )
    fund = Fund.objects.filter(purpose=Purpose.HARDSHIP, code="emergency-aid").first()
    if fund is not None and fund.balance >= 5000:
        services.grant_pay(case=case, fund=fund, amount="5000", by=office)
