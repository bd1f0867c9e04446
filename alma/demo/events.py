"""A year of programs and events for the demo university, across every stage of the lifecycle.

`build` runs after the people are loaded (alma/demo/people.py) and uses
them: chapters send off their region's new students and welcome new graduates, alumni speak,
judge and volunteer, students register and attend. Six months back and six months ahead of
the day it runs; past events have check-ins, and attendance is in the activity ledger.
Deterministic for a given seed and day. Rows are written in bulk; it takes a few seconds.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from alma.accounts.models import User
from alma.activity.services import activity_record_bulk
from alma.demo.builders import DemoRun
from alma.events.models import (
    Event,
    EventKind,
    EventMessage,
    EventRole,
    Program,
    Registration,
    RegistrationQuestion,
)
from alma.events.services import attendance_activity, host_provider_of, service_activity
from alma.lifecycle.models import GraduateDestination, ParentsGroup
from alma.lifecycle.services import SEND_OFF_PROGRAM, WELCOME_PROGRAM
from alma.people.models import (
    Chapter,
    ChapterMembership,
    Consent,
    ConsentPurpose,
    Education,
    Organization,
    Person,
    PersonRelation,
    Post,
    StaffPost,
    Stage,
)

PROGRAMS = [
    # (name, stage, aspect, cadence, description)
    (SEND_OFF_PROGRAM, "pre_entry", "life", "yearly",
     "Regional chapters meet their new students and parents before entry."),
    ("Admitted students' open day", "pre_entry", "study", "yearly",
     "Admitted students visit the campus; alumni and students show them around."),
    ("Freshman first lesson", "in_school", "study", "yearly",
     "A distinguished alumnus gives the new students their first lesson."),
    ("Alumni forum", "in_school", "study", "monthly",
     "Alumni talk about their field, their path and what they wish they had known."),
    ("Career talks", "in_school", "work", "monthly",
     "Alumni and partners on industries, jobs and internships."),
    ("Innovation competition", "in_school", "work", "yearly",
     "Student teams pitch; alumni entrepreneurs and investors judge."),
    ("Scholarship award ceremony", "in_school", "life", "yearly",
     "Awards to students with the donors present."),
    ("Graduation ceremony", "leaving", "life", "yearly",
     "Degrees conferred, with messages from distinguished alumni."),
    ("Job-search clinics", "leaving", "work", "termly",
     "Alumni review CVs and run mock interviews for final-year students."),
    (WELCOME_PROGRAM, "alumnus", "life", "yearly",
     "Regional chapters welcome the year's new graduates who settle in their city."),
    ("Homecoming", "alumnus", "life", "yearly",
     "Alumni come back to campus: reunions by class, open labs, the autumn gala."),
    ("Back-to-school fellowship", "alumnus", "life", "yearly",
     "Alumni return to their old school to meet today's students over dinner."),
    ("Alumni webinars", "alumnus", "work", "monthly",
     "Online talks for alumni everywhere: careers, leadership, lifelong learning."),
]  # fmt: skip

FORUM_TOPICS = [
    "From campus to a unicorn start-up",
    "What a doctorate abroad is really like",
    "Engineering at scale: ten years in cloud computing",
    "Public service as a career",
    "Finance after the algorithms",
    "Medicine, research and the patient in front of you",
    "Writing for a living",
    "Building hardware in Shenzhen",
    "Data science in healthcare",
]
WEBINAR_TOPICS = [
    "Leading your first team",
    "Switching industries at forty",
    "Negotiating your salary",
    "AI tools for every profession",
    "Investing for the long run",
    "Staying curious: lifelong learning",
    "Working across cultures",
]


@dataclass
class _Pools:
    prospective: list[Person]
    freshers: list[Person]
    students: list[Person]
    final_year: list[Person]
    alumni: list[Person]
    recent_alumni: list[Person]
    staff: list[Person]
    office: Person | None
    last_graduation_year: int
    chapters: list[Chapter]
    members: dict[int, list[Person]]
    units: list[Organization]
    unit_staff: dict[int, Person]


@dataclass
class _Plan:
    events: list[Event] = field(default_factory=list)
    attendees: dict[int, list[tuple[Person, int]]] = field(default_factory=dict)  # (person, guests)
    roles: dict[int, list[tuple[Person, str]]] = field(default_factory=dict)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _pools(academic_year: int) -> _Pools:
    people = Person.objects.prefetch_related("educations")
    prospective = list(people.filter(stage=Stage.PROSPECTIVE).order_by("pk"))
    students = list(people.filter(stage=Stage.STUDENT).order_by("pk"))
    freshers = [
        s for s in students if any(e.entry_year == academic_year for e in s.educations.all())
    ]
    final_year = [
        s
        for s in students
        if any(
            e.graduation_year is None and (e.expected_graduation_year or 9999) <= academic_year + 1
            for e in s.educations.all()
        )
    ]
    alumni = list(people.filter(stage=Stage.ALUMNUS).order_by("pk"))
    last_year = max(
        (e.graduation_year for a in alumni for e in a.educations.all() if e.graduation_year),
        default=academic_year,
    )
    recent = [a for a in alumni if any(e.graduation_year == last_year for e in a.educations.all())]
    posts = list(StaffPost.objects.filter(active=True).select_related("person", "unit"))
    office = next((p.person for p in posts if p.post == Post.ALUMNI_OFFICE), None)
    unit_staff: dict[int, Person] = {}
    for post in posts:
        if post.unit_id and post.post != Post.ALUMNI_OFFICE:
            unit_staff.setdefault(post.unit_id, post.person)
    chapters = list(Chapter.objects.filter(kind=Chapter.Kind.REGIONAL).order_by("pk"))
    members: dict[int, list[Person]] = {c.pk: [] for c in chapters}
    for membership in ChapterMembership.objects.filter(chapter__in=chapters).select_related(
        "person"
    ):
        if membership.person.stage == Stage.ALUMNUS:
            members[membership.chapter_id].append(membership.person)
    return _Pools(
        prospective=prospective,
        freshers=freshers,
        students=students,
        final_year=final_year,
        alumni=alumni,
        recent_alumni=recent,
        staff=[p.person for p in posts],
        office=office,
        last_graduation_year=last_year,
        chapters=chapters,
        members=members,
        units=[
            o
            for o in Organization.objects.filter(kind=Organization.Kind.SCHOOL_UNIT).order_by("pk")
            if o.pk in unit_staff
        ],
        unit_staff=unit_staff,
    )


def _sample(rng: random.Random, pool: list[Person], low: int, high: int) -> list[Person]:
    if not pool:
        return []
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


class _Builder:
    def __init__(self, *, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.academic_year = today.year if today.month >= 9 else today.year - 1
        self.pools = _pools(self.academic_year)
        self.programs = self._programs()
        self.plan = _Plan()

    def _programs(self) -> dict[str, Program]:
        existing = {p.name: p for p in Program.objects.all()}
        for name, stage, aspect, cadence, description in PROGRAMS:
            if name not in existing:
                existing[name] = Program.objects.create(
                    name=name, stage=stage, aspect=aspect, cadence=cadence, description=description
                )
        return existing

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def event(
        self,
        program: str,
        title: str,
        kind: str,
        offset: int,
        *,
        hour: int = 14,
        hours: int = 2,
        attendees: list[Person] | None = None,
        guests: int = 0,
        roles: Sequence[tuple[Person, str]] | None = None,
        organiser: Person | None = None,
        **fields: Any,
    ) -> Event:
        start = _aware(self.day(offset), hour)
        chosen = self.programs[program]
        fields.setdefault("venue", "" if fields.get("is_online") else "Main Auditorium")
        fields.setdefault("city", "" if fields.get("is_online") else "Shanghai")
        event = Event(
            program=chosen,
            title=title,
            kind=kind,
            aspect=chosen.aspect,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            created_by=organiser or self.pools.office,
            **fields,
        )
        event.save()
        self.plan.events.append(event)
        self.plan.attendees[event.pk] = [
            (p, self.rng.randint(0, guests) if guests else 0) for p in (attendees or [])
        ]
        self.plan.roles[event.pk] = list(roles or [])
        return event

    def speakers(self, count: int, pool: list[Person] | None = None) -> list[Person]:
        return _sample(self.rng, pool or self.pools.alumni, count, count)

    def build(self) -> None:
        p, rng, ay = self.pools, self.rng, self.academic_year
        students_open: dict[str, Any] = {"open_to_alumni": False, "open_to_others": False}
        alumni_open: dict[str, Any] = {"open_to_prospective": False, "open_to_students": False}
        # Before entry: each regional chapter sends off its region's new students, last summer
        # (they are freshmen now) and next summer (admitted, not yet here).
        for chapter in p.chapters:
            past = [s for s in p.freshers if s.hometown_city.lower() == chapter.city.lower()]
            officers = p.members.get(chapter.pk, [])[:2]
            organiser = officers[0] if officers else p.office
            self.event(
                SEND_OFF_PROGRAM,
                f"Send-off seminar: {chapter.name} welcomes the class of {ay}",
                EventKind.SEND_OFF,
                -(self.today - dt.date(ay, 8, 10)).days,
                hour=15,
                hours=3,
                venue="Chapter clubhouse",
                city=chapter.city,
                host_chapter=chapter,
                guests_allowed=2,
                audience_entry_year=ay,
                audience_city=chapter.city,
                attendees=past,
                guests=2,
                roles=[(o, EventRole.Role.HOST) for o in officers],
                organiser=organiser,
                **students_open,
            )
            coming = [s for s in p.prospective if s.hometown_city.lower() == chapter.city.lower()]
            self.event(
                SEND_OFF_PROGRAM,
                f"Send-off seminar: {chapter.name} welcomes the class of {ay + 1}",
                EventKind.SEND_OFF,
                (dt.date(ay + 1, 8, 9) - self.today).days,
                hour=15,
                hours=3,
                venue="Chapter clubhouse",
                city=chapter.city,
                host_chapter=chapter,
                guests_allowed=2,
                audience_entry_year=ay + 1,
                audience_city=chapter.city,
                attendees=coming[: len(coming) // 2],
                guests=2,
                roles=[(o, EventRole.Role.HOST) for o in officers],
                organiser=organiser,
                **students_open,
            )
        self.event(
            "Admitted students' open day",
            f"Open day for the class of {ay + 1}",
            EventKind.OTHER,
            150,
            hour=9,
            hours=6,
            capacity=400,
            guests_allowed=2,
            audience_entry_year=ay + 1,
            open_to_students=False,
            open_to_alumni=False,
            open_to_others=False,
            attendees=_sample(rng, p.prospective, 20, 60),
            guests=2,
            roles=[(s, EventRole.Role.VOLUNTEER) for s in _sample(rng, p.students, 6, 6)],
        )
        # In school.
        first = self.speakers(1)
        self.event(
            "Freshman first lesson",
            f"First lesson for the class of {ay}: what I learned after leaving",
            EventKind.TALK,
            -(self.today - dt.date(ay, 9, 12)).days,
            hour=19,
            capacity=600,
            audience_entry_year=ay,
            attendees=_sample(rng, p.freshers, 40, 120),
            roles=[(s, EventRole.Role.SPEAKER) for s in first],
            **students_open,
        )
        for month, topic in enumerate(FORUM_TOPICS):
            offset = -165 + month * 30 + rng.randint(-4, 4)
            self.event(
                "Alumni forum",
                f"Alumni forum: {topic}",
                EventKind.FORUM,
                offset,
                hour=19,
                capacity=rng.choice([80, 120, 200]),
                attendees=_sample(rng, p.students, 15, 70),
                roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(rng.randint(1, 2))]
                + [(s, EventRole.Role.VOLUNTEER) for s in _sample(rng, p.students, 1, 2)],
                **students_open,
            )
        for index, unit in enumerate(p.units[:6]):
            self.event(
                "Career talks",
                f"Careers in practice: alumni of the {unit.name}",
                EventKind.TALK,
                -120 + index * 45,
                hour=18,
                venue=f"{unit.name}, Lecture Room 1",
                host_unit=unit,
                capacity=60,
                attendees=_sample(rng, p.students, 20, 55),
                roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(1)]
                + [(a, EventRole.Role.MENTOR_ON_DUTY) for a in self.speakers(1)],
                organiser=p.unit_staff[unit.pk],
                **students_open,
            )
        # A popular talk that filled up: the waitlist is visible.
        crowd = _sample(rng, p.students, 36, 36)
        self.event(
            "Career talks",
            "Breaking into AI research: a panel of alumni",
            EventKind.FORUM,
            12,
            hour=19,
            capacity=max(3, len(crowd) - 6),
            attendees=crowd,
            roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(3)],
            **students_open,
        )
        contest = self.event(
            "Innovation competition",
            f"Innovation and entrepreneurship competition {ay}",
            EventKind.COMPETITION,
            -40,
            hour=9,
            hours=8,
            capacity=300,
            attendees=_sample(rng, p.students, 40, 90),
            roles=[(a, EventRole.Role.JUDGE) for a in self.speakers(5)]
            + [(s, EventRole.Role.VOLUNTEER) for s in _sample(rng, p.students, 4, 4)]
            + [(a, EventRole.Role.HOST) for a in self.speakers(1)],
        )
        self.event(
            "Innovation competition",
            f"Innovation and entrepreneurship competition {ay + 1}",
            EventKind.COMPETITION,
            140,
            hour=9,
            hours=8,
            capacity=300,
            attendees=_sample(rng, p.students, 10, 25),
            roles=[(a, EventRole.Role.JUDGE) for a in self.speakers(4)],
        )
        self.event(
            "Scholarship award ceremony",
            f"Scholarship award ceremony {ay}",
            EventKind.CEREMONY,
            -60,
            hour=15,
            capacity=250,
            guests_allowed=2,
            attendees=_sample(rng, p.students, 30, 60) + self.speakers(8),
            guests=2,
            roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(2)],
        )
        # Leaving.
        self.event(
            "Job-search clinics",
            "CV clinic and mock interviews with alumni",
            EventKind.SEMINAR,
            25,
            hour=14,
            hours=4,
            capacity=40,
            attendees=_sample(rng, p.final_year, 10, 30),
            roles=[(a, EventRole.Role.MENTOR_ON_DUTY) for a in self.speakers(4)],
            **students_open,
        )
        self.event(
            "Job-search clinics",
            "Spring job fair: alumni enterprises recruit",
            EventKind.JOB_FAIR,
            100,
            hour=9,
            hours=7,
            venue="Sports Centre",
            capacity=800,
            attendees=_sample(rng, p.final_year, 20, 60),
            roles=[(a, EventRole.Role.VOLUNTEER) for a in self.speakers(3)],
            **students_open,
        )
        past_ceremony = self.event(
            "Graduation ceremony",
            f"Graduation ceremony {ay}",
            EventKind.CEREMONY,
            -(self.today - dt.date(ay, 6, 28)).days,
            hour=9,
            hours=4,
            venue="Sports Centre",
            capacity=3000,
            guests_allowed=2,
            attendees=p.recent_alumni[:150],
            guests=2,
            roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(1)],
        )
        next_ceremony = self.event(
            "Graduation ceremony",
            f"Graduation ceremony {ay + 1}",
            EventKind.CEREMONY,
            (dt.date(ay + 1, 6, 27) - self.today).days,
            hour=9,
            hours=4,
            venue="Sports Centre",
            capacity=3000,
            guests_allowed=2,
            attendees=p.final_year[:40],
            guests=2,
            roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(1)],
            **students_open,
        )
        self.messages(past_ceremony, 2)
        self.messages(next_ceremony, 3)
        # Alumni for life.
        for chapter in p.chapters:
            newcomers = [
                a for a in p.recent_alumni if a.current_city.lower() == chapter.city.lower()
            ]
            officers = p.members.get(chapter.pk, [])[:1]
            self.event(
                WELCOME_PROGRAM,
                f"{chapter.name} welcomes the graduates of {p.last_graduation_year}",
                EventKind.WELCOME,
                -(self.today - dt.date(ay, 9, 20)).days,
                hour=18,
                hours=3,
                venue="Alumni house",
                city=chapter.city,
                host_chapter=chapter,
                guests_allowed=1,
                audience_graduation_year=p.last_graduation_year,
                attendees=newcomers,
                roles=[(o, EventRole.Role.HOST) for o in officers],
                organiser=officers[0] if officers else p.office,
                **alumni_open,
            )
            self.event(
                "Back-to-school fellowship",
                f"{chapter.name} spring fellowship",
                EventKind.FELLOWSHIP,
                rng.randint(30, 170),
                hour=18,
                hours=3,
                venue="Alumni house",
                city=chapter.city,
                host_chapter=chapter,
                guests_allowed=1,
                audience_chapter=chapter,
                attendees=_sample(rng, p.members.get(chapter.pk, []), 5, 25),
                guests=1,
                organiser=officers[0] if officers else p.office,
                **alumni_open,
            )
        self.event(
            "Homecoming",
            f"Homecoming {ay}: class reunions and the autumn gala",
            EventKind.HOMECOMING,
            -(self.today - dt.date(ay, 10, 18)).days,
            hour=10,
            hours=10,
            venue="Old Gate and Main Lawn",
            capacity=2000,
            guests_allowed=3,
            attendees=_sample(rng, p.alumni, 150, 300),
            guests=2,
            roles=[(s, EventRole.Role.VOLUNTEER) for s in _sample(rng, p.students, 10, 10)],
            **alumni_open,
        )
        for month, topic in enumerate(WEBINAR_TOPICS):
            event = self.event(
                "Alumni webinars",
                f"Webinar: {topic}",
                EventKind.TALK,
                -150 + month * 45,
                hour=20,
                hours=1,
                is_online=True,
                online_url=f"https://meet.demo.alma.example/webinar-{month + 1}",
                attendees=_sample(rng, p.alumni, 20, 80),
                roles=[(a, EventRole.Role.SPEAKER) for a in self.speakers(1)],
            )
            if month == 5:
                event.status = Event.Status.CANCELLED
                event.save(update_fields=["status"])
        # Today: something to check people in at, with the demo accounts involved.
        started = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        today = Event(
            program=self.programs["Career talks"],
            title="Today: lunch-time career talk with alumni",
            kind=EventKind.TALK,
            aspect="work",
            starts_at=started,
            ends_at=started + dt.timedelta(hours=3),
            venue="Library Forum",
            city="Shanghai",
            capacity=50,
            created_by=p.office,
            open_to_alumni=False,
            open_to_others=False,
        )
        today.save()
        self.plan.events.append(today)
        self.plan.attendees[today.pk] = [(s, 0) for s in _sample(rng, p.students, 20, 30)]
        self.plan.roles[today.pk] = [(a, EventRole.Role.SPEAKER) for a in self.speakers(2)]
        RegistrationQuestion.objects.create(
            event=contest, prompt="Team name", kind=RegistrationQuestion.Kind.TEXT
        )
        self.demo_accounts(today)

    def messages(self, ceremony: Event, count: int) -> None:
        senior = [a for a in self.pools.alumni if a.headline] or self.pools.alumni
        for index, author in enumerate(_sample(self.rng, senior, count, count)):
            EventMessage.objects.create(
                event=ceremony,
                author=author,
                author_name=f"{author.full_name}"
                + (f", {author.headline}" if author.headline else ""),
                text=self.rng.choice(
                    [
                        "Congratulations! Stay curious, stay kind, and come back often: "
                        "your university is yours for life.",
                        "The friends you made here will matter more than any grade. Keep them close.",
                        "Go far, and when you can, reach back and help the students behind you.",
                    ]
                ),
                link=f"https://video.demo.alma.example/graduation-{ceremony.pk}-{index + 1}"
                if index == 0
                else "",
            )

    def demo_accounts(self, today: Event) -> None:
        """The demo sign-ins take part: the student registered, the alumnus speaks."""
        by_email = {
            u.email.split("@")[0]: u.person
            for u in User.objects.filter(email__endswith="@demo.alma.example").select_related(
                "person"
            )
            if u.person
        }
        student, alumnus = by_email.get("student"), by_email.get("alumnus")
        upcoming = [e for e in self.plan.events if e.starts_at > timezone.now()]
        if student is not None:
            self.plan.attendees[today.pk].append((student, 0))
            for event in self.plan.events:
                if (
                    event.kind in (EventKind.FORUM, EventKind.COMPETITION)
                    and event.open_to_students
                ):
                    self.plan.attendees[event.pk].append((student, 0))
        if alumnus is not None:
            forum = next((e for e in upcoming if e.kind == EventKind.FORUM), None)
            if forum is not None:
                self.plan.roles[forum.pk].append((alumnus, EventRole.Role.SPEAKER))

    def write(self) -> None:
        """Registrations (seats first come first served, then the waitlist), roles, check-ins,
        and the ledger, in bulk."""
        now = timezone.now()
        registrations: list[Registration] = []
        roles: list[EventRole] = []
        for event in self.plan.events:
            taken = 0
            seen: set[int] = set()
            past = event.ends_at < now
            for order, (person, guests) in enumerate(self.plan.attendees[event.pk]):
                if person.pk in seen:
                    continue
                seen.add(person.pk)
                guests = min(guests, event.guests_allowed)
                seats = 1 + guests
                fits = event.capacity is None or taken + seats <= event.capacity
                taken += seats if fits else 0
                registered = event.starts_at - dt.timedelta(
                    days=self.rng.randint(2, 30), minutes=order
                )
                registration = Registration(
                    event=event,
                    person=person,
                    status=Registration.Status.CONFIRMED
                    if fits
                    else Registration.Status.WAITLISTED,
                    guests=guests,
                    registered_at=registered,
                    queued_at=registered,
                )
                # Past events were attended by most; today's is left for the demo to check in.
                attended = fits and past and not event.is_cancelled and self.rng.random() < 0.8
                if attended:
                    registration.checked_in_at = event.starts_at + dt.timedelta(
                        minutes=self.rng.randint(-20, 15)
                    )
                registrations.append(registration)
            for person, role_name in self.plan.roles[event.pk]:
                if (person.pk, role_name) in {
                    (r.person_id, r.role) for r in roles if r.event_id == event.pk
                }:
                    continue
                if role_name == EventRole.Role.JUDGE and event.kind != EventKind.COMPETITION:
                    continue
                roles.append(
                    EventRole(
                        event=event,
                        person=person,
                        role=role_name,
                        served_at=event.starts_at if past and not event.is_cancelled else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=500)
        EventRole.objects.bulk_create(roles, batch_size=500)
        rows: list[dict[str, Any]] = []
        providers = {e.pk: host_provider_of(e) for e in self.plan.events}
        for registration in registrations:
            if registration.checked_in_at is not None:
                row = attendance_activity(
                    registration=registration,
                    by=None,
                    at=registration.checked_in_at,
                    host_provider=providers[registration.event_id],
                )
                if row is not None:
                    rows.append(row)
        for role in roles:
            if role.served_at is not None:
                row = service_activity(role=role, by=None, at=role.served_at)
                if row is not None:
                    rows.append(row)
        activity_record_bulk(rows=rows)


def _lifecycle(*, seed: int, today: dt.date) -> None:
    """Parents of admitted students, the new parents groups, and this year's graduates'
    destinations handed to their chapters."""
    rng = random.Random(seed + 1)
    academic_year = today.year if today.month >= 9 else today.year - 1
    admitted = list(Person.objects.filter(stage=Stage.PROSPECTIVE).order_by("pk"))
    parents: list[Person] = []
    links: list[tuple[Person, Person, str]] = []
    for student in admitted:
        for kind in ("parent", "parent") if rng.random() < 0.6 else ("parent",):
            family = student.family_name or student.full_name.split(" ")[-1]
            given = rng.choice(["Wei", "Fang", "Jun", "Min", "Hua", "Li", "Qiang", "Yan"])
            parent = Person(
                full_name=f"{family}{given}" if student.family_name else f"{given} {family}",
                family_name=family,
                stage=Stage.NONE,
                phone=f"+86139{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}",
                email=f"parent.{student.pk}.{len(parents)}@demo-family.example",
                hometown_city=student.hometown_city,
                hometown_province=student.hometown_province,
                hometown_country=student.hometown_country,
                current_city=student.hometown_city,
                current_province=student.hometown_province,
                current_country=student.hometown_country,
            )
            parents.append(parent)
            links.append((student, parent, kind))
    Person.objects.bulk_create(parents, batch_size=500)
    PersonRelation.objects.bulk_create(
        [PersonRelation(person=s, relative=p, kind=k) for s, p, k in links], batch_size=500
    )
    sharing = [p for p in parents if rng.random() < 0.7]
    Consent.objects.bulk_create(
        [
            Consent(
                person=p,
                purpose=ConsentPurpose.CHAPTER_SHARING,
                granted=True,
                source="admission form",
            )
            for p in sharing
        ],
        batch_size=500,
    )
    shared = {p.pk for p in sharing}
    for chapter in Chapter.objects.filter(kind=Chapter.Kind.REGIONAL).exclude(city=""):
        mine = [
            p
            for s, p, _k in links
            if s.hometown_city.lower() == chapter.city.lower() and p.pk in shared
        ]
        if mine:
            group = ParentsGroup.objects.create(
                chapter=chapter,
                entry_year=academic_year + 1,
                name=f"New parents of {academic_year + 1} — {chapter.name}",
            )
            group.members.add(*mine)
    # This year's graduates: most answered where they went; those in a chapter city joined it.
    year = (
        Education.objects.filter(graduation_year__isnull=False)
        .order_by("-graduation_year")
        .values_list("graduation_year", flat=True)
        .first()
    )
    if year is None:
        return
    by_city = {
        c.city.lower(): c
        for c in Chapter.objects.filter(kind=Chapter.Kind.REGIONAL).exclude(city="")
    }
    graduates = list(
        Person.objects.filter(stage=Stage.ALUMNUS, educations__graduation_year=year)
        .distinct()
        .prefetch_related("employments")
    )
    destinations = []
    memberships = []
    asked = _aware(dt.date(year, 7, 1), 10)
    # At least one graduate answered from a chapter's city, however small the demo: officers'
    # new-alumni pages and the welcome have someone to show.
    settled = next((p.pk for p in graduates if p.current_city.lower() in by_city), None)
    if settled is None and graduates and by_city:
        chapter = next(iter(by_city.values()))
        mover = graduates[0]
        mover.current_city, mover.current_province = chapter.city, chapter.province
        mover.current_country = chapter.country
        mover.save(update_fields=["current_city", "current_province", "current_country"])
        settled = mover.pk
    for person in graduates:
        answered = rng.random() < 0.75 or person.pk == settled
        home_chapter = by_city.get(person.current_city.lower()) if answered else None
        job = next((j for j in person.employments.all() if j.is_current), None)
        destinations.append(
            GraduateDestination(
                person=person,
                graduation_year=year,
                asked_at=asked,
                answered_at=asked + dt.timedelta(days=rng.randint(1, 40)) if answered else None,
                city=person.current_city if answered else "",
                country=person.current_country if answered else "",
                employer=job.organization_name if answered and job else "",
                title=job.title if answered and job else "",
                chapter=home_chapter,
                officers_notified_at=asked + dt.timedelta(days=45) if home_chapter else None,
            )
        )
        if home_chapter is not None:
            memberships.append(ChapterMembership(chapter=home_chapter, person=person))
    GraduateDestination.objects.bulk_create(destinations, batch_size=500, ignore_conflicts=True)
    ChapterMembership.objects.bulk_create(memberships, batch_size=500, ignore_conflicts=True)


TITLE = "Loading a year of programs and events…"


def build(run: DemoRun) -> None:
    """A year of programs and events for the people already loaded; once (a second call is a no-op)."""
    if Event.objects.exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        _lifecycle(seed=run.seed, today=today)
        builder = _Builder(seed=run.seed, today=today)
        builder.build()
        builder.write()
