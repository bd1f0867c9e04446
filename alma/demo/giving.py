"""Giving for the demo university: ten funds of every purpose and five years of their life.

`build` runs after the people and events are loaded and uses them: alumni,
families' friends and alumni enterprises give (some in US or Hong Kong dollars, some in kind,
some through pledges, standing monthly gifts, soft credits and an employer's matching), award
rounds each year pick students through a committee's scores, awards are paid from the funds,
students write thanks the office approves, and two ceremonies seat donors beside the students
they helped (last year's, from the events demo, and one next month). Every movement of money
goes through the giving services, so the ledger, receipts and the activity ledger are exactly
what the site itself would have written. The demo alumnus gives to the Li Family Scholarship,
which helped the demo student; the partner's company gives through him. Deterministic for a
given seed and day; once (a second call is a no-op).
"""

import contextlib
import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alma.accounts.models import User
from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN
from alma.events.models import Event, EventKind, Program, Registration
from alma.events.services import event_create
from alma.giving import services
from alma.giving.models import (
    Application,
    AwardRound,
    Donor,
    Fund,
    MatchingOffer,
    Purpose,
    Score,
    ThankYouLetter,
)
from alma.lib.errors import ApplicationError
from alma.people.models import Employment, Organization, Person, Post, Stage

YEARS = 5
FUNDS = [
    # (code, name, purpose, endowment, description)
    ("li-family", "Li Family Scholarship 李氏家族奖学金", Purpose.SCHOLARSHIP, True,
     "Endowed by the Li family for students at the top of their year."),
    ("class-1988", "Class of 1988 Excellence Award 八八级卓越奖", Purpose.SCHOLARSHIP, False,
     "The class of 1988 rewards students who lead in study and service."),
    ("warm-winter", "Warm Winter Hardship Fund 暖冬助学基金", Purpose.HARDSHIP, True,
     "Living costs for students from families in hardship."),
    ("emergency-aid", "Student Emergency Aid 学生应急救助金", Purpose.HARDSHIP, False,
     "Quick help when illness or disaster strikes a student's family."),
    ("global-exchange", "Global Exchange Fund 海外交流基金", Purpose.STUDY_ABROAD, False,
     "A semester abroad or an exchange for students who could not otherwise go."),
    ("lab-renewal", "Teaching Lab Renewal Fund 教学实验室更新基金", Purpose.FACILITIES, False,
     "Instruments and equipment for the teaching laboratories."),
    ("library-books", "Library Books Fund 图书馆图书基金", Purpose.FACILITIES, False,
     "Books and databases for the library."),
    ("silk-road", "Silk Road Partnership Fund 丝路合作基金", Purpose.INTERNATIONAL, False,
     "Joint programs and visiting students with partner universities."),
    ("student-clubs", "Student Clubs and Arts Fund 学生社团与艺术基金", Purpose.STUDENT_ACTIVITIES, False,
     "Clubs, arts festivals and competitions run by students."),
    ("annual-fund", "Alumni Annual Fund 校友年度基金", Purpose.UNRESTRICTED, False,
     "Where the need is greatest, decided each year by the foundation."),
]  # fmt: skip
# Funds that give awards to students: (code, round name, amount, places, criteria)
ROUNDS = [
    ("li-family", "Li Family Scholarship", "8000", 4, "Top 5% of the year in grades and research."),
    ("class-1988", "Class of 1988 Excellence Award", "5000", 3, "Leadership in study and service."),
    ("warm-winter", "Warm Winter Grant", "3000", 6, "Family income below the local threshold."),
    (
        "global-exchange",
        "Global Exchange Grant",
        "12000",
        2,
        "An accepted exchange semester abroad.",
    ),
    ("student-clubs", "Student Clubs Award", "2000", 3, "A club project that serves the campus."),
]
PERSON_AMOUNTS = ["200", "500", "500", "1000", "1000", "2000", "5000", "10000", "50000"]
COMPANY_AMOUNTS = ["20000", "50000", "100000", "200000"]
FOREIGN = [("USD", "7.1", "7.25"), ("HKD", "0.91", "0.93")]
LETTERS = [
    "Thank you for your generosity. This award let me focus on my studies this year.",
    "感谢您的资助！这份奖学金让我更加坚定了读研的决心。",
    "Because of your gift I could join the exchange program. I will pass it on one day.",
    "谢谢您的帮助，让我在困难的时候感受到了温暖。我会努力学习，回报社会。",
]
IN_KIND = [
    ("lab-renewal", "Six oscilloscopes for the electronics teaching lab", "48000"),
    ("library-books", "300 volumes of engineering classics", "15000"),
]


def _day(rng: random.Random, year: int, last: dt.date) -> dt.date:
    """A day of `year` up to 30 November (payments come later) and not after `last`."""
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 11, 30), last)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


TITLE = "Five years of gifts, awards and thanks…"


def build(run: DemoRun) -> None:
    """Funds, gifts, awards, letters and ceremonies; once (a second call is a no-op)."""
    if Fund.objects.filter(code="li-family").exists():
        return
    office = User.objects.filter(email=f"office@{DEMO_DOMAIN}").select_related("person").first()
    if office is None:
        return
    rng = random.Random(run.seed)
    today = timezone.localdate()
    first_year = today.year - YEARS + 1
    with transaction.atomic():
        funds = {
            code: services.fund_create(
                by=office,
                code=code,
                name=name,
                purpose=purpose,
                is_endowment=endowment,
                description=description,
            )  # fmt: skip
            for code, name, purpose, endowment, description in FUNDS
        }
        alumni = list(
            Person.objects.filter(stage=Stage.ALUMNUS, email__endswith=DEMO_DOMAIN).order_by("pk")[
                :400
            ]
        )
        friends = list(
            Person.objects.filter(stage=Stage.NONE)
            .exclude(staff_posts__isnull=False)
            .order_by("pk")[:30]
        )
        enterprises = list(
            Organization.objects.filter(kind=Organization.Kind.ALUMNI_ENTERPRISE).order_by("pk")[:8]
        )
        partners = list(
            Organization.objects.filter(kind=Organization.Kind.PARTNER).order_by("pk")[:2]
        )
        demo_alumnus = Person.objects.get(user__email=f"alumnus@{DEMO_DOMAIN}")
        demo_student = Person.objects.get(user__email=f"student@{DEMO_DOMAIN}")
        demo_partner = Person.objects.get(user__email=f"partner@{DEMO_DOMAIN}")
        person_donors = [
            services.donor_for_person(person=p) for p in rng.sample(alumni, min(80, len(alumni)))
        ]
        person_donors += [services.donor_for_person(person=p) for p in friends[:12]]
        for donor in rng.sample(person_donors, 8):
            Donor.objects.filter(pk=donor.pk).update(anonymous=True)
        company_donors = [
            services.donor_for_organization(organization=o) for o in enterprises + partners
        ]
        alumnus_donor = services.donor_for_person(person=demo_alumnus)
        partner_org = demo_partner.represented_organizations.order_by("pk").first()
        partner_donor = (
            services.donor_for_organization(organization=partner_org) if partner_org else None
        )
        funds["li-family"].founders.add(alumnus_donor)
        funds["class-1988"].founders.add(*person_donors[:5])

        # An alumni enterprise matches its alumni employees' gifts one for one.
        matcher = enterprises[0] if enterprises else None
        offer = (
            MatchingOffer.objects.create(
                donor=services.donor_for_organization(organization=matcher),
                ratio=Decimal("1"),
                cap_per_person_per_year=Decimal("5000"),
            )
            if matcher
            else None
        )
        matched_people = set(
            Employment.objects.filter(organization=matcher, is_current=True).values_list(
                "person_id", flat=True
            )
        )
        for person_id in list(matched_people)[:3]:
            person_donors.append(services.donor_for_person(person=Person.objects.get(pk=person_id)))

        codes = list(funds)
        committee = list(Person.objects.filter(staff_posts__post=Post.TEACHING).order_by("pk")[:3])
        for year in range(first_year, today.year + 1):
            last = today - dt.timedelta(days=1) if year == today.year else dt.date(year, 11, 30)
            # Gifts of the year.
            for _ in range(45):
                donor = rng.choice(person_donors)
                currency, rate = "CNY", None
                if rng.random() < 0.08:
                    currency, low, high = rng.choice(FOREIGN)
                    rate = str(
                        Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100)))
                        / 100
                    )
                gift = services.gift_record(
                    donor=donor, fund=funds[rng.choice(codes)], by=office,
                    amount=rng.choice(PERSON_AMOUNTS), currency=currency, exchange_rate=rate,
                    received_on=_day(rng, year, last), anonymous=donor.anonymous,
                )  # fmt: skip
                if offer and donor.person_id in matched_people and gift.currency == "CNY":
                    # Refused once this year's cap is reached.
                    with contextlib.suppress(ApplicationError):
                        services.matching_gift_record(
                            gift=gift, offer=offer, by=office, received_on=gift.received_on
                        )
            for company in rng.sample(company_donors, 3):
                representative = (
                    company.organization.representatives.order_by("pk").first()
                    if company.organization
                    else None
                )  # type: ignore[union-attr]
                credited = [
                    (e.person, "10000")
                    for e in Employment.objects.filter(
                        organization=company.organization,
                        is_current=True,
                        person__stage=Stage.ALUMNUS,
                    ).select_related("person")[:1]
                ]
                services.gift_record(
                    donor=company, fund=funds[rng.choice(codes)], by=office,
                    amount=rng.choice(COMPANY_AMOUNTS), received_on=_day(rng, year, last),
                    representative=representative, soft_credits=credited,
                )  # fmt: skip
            services.gift_record(
                donor=alumnus_donor, fund=funds["li-family"], by=office, amount="20000",
                received_on=_day(rng, year, last),
            )  # fmt: skip
            if partner_donor is not None:
                services.gift_record(
                    donor=partner_donor, fund=funds["silk-road"], by=office, amount="30000",
                    received_on=_day(rng, year, last), representative=demo_partner,
                )  # fmt: skip
            if year == today.year - 1:
                for code, description, valuation in IN_KIND:
                    services.gift_record(
                        donor=rng.choice(company_donors), fund=funds[code], by=office,
                        amount=valuation, kind="in_kind", description=description,
                        received_on=_day(rng, year, last),
                    )  # fmt: skip
            _award_year(rng, year, today, funds, office, committee, demo_student)

        _pledges_and_standing_gifts(rng, today, funds, person_donors, alumnus_donor, office)
        _ceremonies(today, office)
        # One round open now, for the demo student to apply to.
        services.round_create(
            fund=funds["emergency-aid"], name=f"Student Emergency Aid {today.year}",
            criteria="A sudden hardship: illness, disaster or loss of family income.",
            amount="2000", places=10, opens_on=today - dt.timedelta(days=5),
            closes_on=today + dt.timedelta(days=40), committee=committee, by=office,
        )  # fmt: skip


def _award_year(
    rng: random.Random,
    year: int,
    today: dt.date,
    funds: dict[str, Fund],
    office: User,
    committee: list[Person],
    demo_student: Person,
) -> None:
    """Each award fund's round of the year: applications, scores, decisions, payments, letters."""
    pay_day = today if year == today.year else dt.date(year, 12, 1)
    if year == today.year:
        pool = list(Person.objects.filter(stage=Stage.STUDENT).order_by("pk")[:300])
    else:
        pool = list(
            Person.objects.filter(
                educations__graduation_year__gt=year,
                educations__graduation_year__lte=year + 4,
                educations__entry_year__lte=year,
            )
            .distinct()
            .order_by("pk")[:300]
        )
    if not pool:
        return
    for code, name, amount, places, criteria in ROUNDS:
        award_round = services.round_create(
            fund=funds[code], name=f"{name} {year}", criteria=criteria, amount=amount,
            places=places, opens_on=dt.date(year, 3, 1) if year < today.year else today - dt.timedelta(days=60),
            closes_on=dt.date(year, 4, 30) if year < today.year else today - dt.timedelta(days=20),
            committee=committee, by=office,
        )  # fmt: skip
        applicants = rng.sample(pool, min(len(pool), places * 3))
        if code == "li-family" and year == today.year and demo_student not in applicants:
            applicants[0] = demo_student
        applications = Application.objects.bulk_create(
            Application(
                round=award_round,
                student=student,
                statement="I would like to be considered for this award. 希望获得资助。",
                named_to_donors=student == demo_student or rng.random() < 0.7,
            )
            for student in applicants
        )
        Score.objects.bulk_create(
            Score(application=a, reviewer=r, score=rng.randint(4, 10))
            for a in applications
            for r in committee
            if r.pk != a.student_id
        )
        services.round_close(award_round=award_round, by=office)
        ranked = sorted(
            applications,
            key=lambda a: (
                a.student_id != demo_student.pk,
                -sum(s.score for s in a.scores.all()),
                a.pk,
            ),
        )
        for application in ranked[:places]:
            award = services.application_decide(application=application, by=office, award=True)
            assert award is not None
            try:
                services.award_pay(award=award, by=office, paid_on=pay_day)
            except ApplicationError:
                continue  # not enough money in the fund yet: paid when it comes
            student_user = User.objects.filter(person_id=application.student_id).first()
            if rng.random() < 0.6 or application.student_id == demo_student.pk:
                ThankYouLetter.objects.create(
                    award=award,
                    text=rng.choice(LETTERS),
                    status=ThankYouLetter.Status.APPROVED,
                    reviewed_by=office,
                    reviewed_at=timezone.now(),
                )
            elif student_user is None and rng.random() < 0.2:
                ThankYouLetter.objects.create(award=award, text=rng.choice(LETTERS))
        services.round_finish(award_round=award_round, by=office)


def _pledges_and_standing_gifts(
    rng: random.Random,
    today: dt.date,
    funds: dict[str, Fund],
    donors: list[Donor],
    alumnus_donor: Donor,
    office: User,
) -> None:
    # The demo alumnus pledged 60,000 to the Li Family Scholarship over three years.
    pledge = services.pledge_create(
        donor=alumnus_donor, fund=funds["li-family"], total="60000", instalments=3,
        first_due_on=today + dt.timedelta(days=5), months_between=12, by=office,
    )  # fmt: skip
    for donor in rng.sample(donors, 4):
        services.pledge_create(
            donor=donor, fund=funds[rng.choice(["class-1988", "warm-winter", "annual-fund"])],
            total=rng.choice(["12000", "24000", "50000"]), instalments=rng.choice([2, 4, 12]),
            first_due_on=today + dt.timedelta(days=rng.randint(3, 60)),
            months_between=rng.choice([1, 3, 12]), by=office,
        )  # fmt: skip
    del pledge
    # Standing monthly gifts, collected for the last half year.
    for donor in rng.sample(donors, 3):
        start = (today.replace(day=1) - dt.timedelta(days=170)).replace(day=15)
        plan = services.recurring_gift_create(
            donor=donor, fund=funds[rng.choice(["warm-winter", "annual-fund"])],
            amount=rng.choice(["100", "200", "300"]), interval="monthly", starts_on=start,
            by=office,
        )  # fmt: skip
        while plan.next_due_on < today:
            services.recurring_gift_collect(plan=plan, by=office, received_on=plan.next_due_on)


def _ceremonies(today: dt.date, office: User) -> None:
    """Last year's ceremony (the events demo's) and next month's, with donors and students."""
    program = Program.objects.filter(name="Scholarship award ceremony").first()
    if program is None:
        return
    past = (
        Event.objects.filter(program=program, kind=EventKind.CEREMONY, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    if past is not None:
        rounds = AwardRound.objects.filter(opens_on__year=today.year - 1)
        rounds.update(ceremony=past)
        for award_round in rounds:
            donors, students = services.ceremony_guests(award_round)
            for person in donors + students:
                Registration.objects.get_or_create(
                    event=past, person=person,
                    defaults={"status": Registration.Status.CONFIRMED, "checked_in_at": past.starts_at},
                )  # fmt: skip
    starts = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=30), dt.time(15, 0)))
    upcoming = event_create(
        by=office, program=program, title=f"Scholarship award ceremony {today.year}",
        kind=EventKind.CEREMONY, starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        venue="Grand Auditorium 大礼堂", capacity=400, description=(
            "Donors meet the students their funds helped. 捐赠人与受助学生见面。"
        ),
    )  # fmt: skip
    for award_round in AwardRound.objects.filter(
        opens_on__year=today.year, status=AwardRound.Status.DECIDED
    ):
        services.ceremony_invite(award_round=award_round, event=upcoming, by=office)
