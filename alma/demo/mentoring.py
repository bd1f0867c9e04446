"""Mentoring for the demo university: a career-mentoring program with a cycle open for applications.

`build` runs after the people are loaded (alma/demo/people.py) and uses
them: alumni with a current job and a few staff sign up as mentors with topics from their
expertise; students apply with goals and target industries. Most give mentoring consent, so
their education, work and city count in the match. The demo student's sign-in has not applied,
so a visitor can apply or ask a mentor directly; the office can run the matching at once.
Deterministic for a given seed. Rows are written in bulk.
"""

import random

from django.db import transaction
from django.db.models import Prefetch

from alma.demo.builders import DemoRun
from alma.demo.people import DEMO_DOMAIN, INDUSTRIES
from alma.mentoring.models import Cycle, MenteeApplication, MentoringProgram, MentorProfile
from alma.people.models import Consent, ConsentPurpose, Employment, Person, Stage

PROGRAM = "Alumni career mentors"
MENTOR_SHARE = 0.12  # of alumni with a current job
MENTEE_SHARE = 0.4  # of students
CONSENT_SHARE = 0.85
LANGUAGES = ["Chinese", "English"]
GOALS = [
    "Find an internship in {industry} before graduating",
    "Understand what a first job in {industry} is like",
    "Prepare for interviews at {industry} companies",
    "Decide between graduate school and a job in {industry}",
    "Build a portfolio that {industry} employers notice",
]
TOPICS = ["careers", "internships", "graduate school", "interviews", "leadership", "study abroad"]


TITLE = "Opening a mentoring cycle…"


def build(run: DemoRun) -> None:
    """The demo program and its open cycle; once (a second call is a no-op)."""
    if MentoringProgram.objects.filter(name=PROGRAM).exists():
        return
    rng = random.Random(run.seed)
    with transaction.atomic():
        program = MentoringProgram.objects.create(
            name=PROGRAM,
            kind=MentoringProgram.Kind.ONE_TO_ONE,
            description=(
                "One alumnus or member of staff guides one student through a semester: "
                "study choices, internships and the first job."
            ),
        )
        cycle = Cycle.objects.create(program=program, name="Spring")
        alumni = list(
            Person.objects.filter(stage=Stage.ALUMNUS, employments__is_current=True)
            .prefetch_related(
                Prefetch("employments", queryset=Employment.objects.filter(is_current=True))
            )
            .distinct()
            .order_by("id")
        )
        mentors = rng.sample(alumni, max(1, int(len(alumni) * MENTOR_SHARE)))
        demo_mentors = Person.objects.filter(
            user__email__in=[f"alumnus@{DEMO_DOMAIN}", f"teacher@{DEMO_DOMAIN}"]
        )
        mentors += [p for p in demo_mentors if p not in mentors]
        students = list(
            Person.objects.filter(stage=Stage.STUDENT)
            .exclude(user__email=f"student@{DEMO_DOMAIN}")
            .order_by("id")
        )
        mentees = rng.sample(students, int(len(students) * MENTEE_SHARE))
        industries = sorted(INDUSTRIES)

        mentor_rows = []
        for person in mentors:
            jobs = list(person.employments.all()) if person.stage == Stage.ALUMNUS else []
            industry = next((j.industry for j in jobs if j.industry), "")
            expertise = person.expertise_list or list(
                INDUSTRIES[industry].expertise[:3] if industry in INDUSTRIES else []
            )
            mentor_rows.append(
                MentorProfile(
                    cycle=cycle,
                    person=person,
                    capacity=rng.choice([1, 1, 2, 2, 3]),
                    topics=", ".join(rng.sample(TOPICS, 2)),
                    industries=industry,
                    languages=", ".join(LANGUAGES if rng.random() < 0.5 else LANGUAGES[:1]),
                    expertise=", ".join(expertise),
                )
            )
        MentorProfile.objects.bulk_create(mentor_rows, batch_size=500)

        mentee_rows = []
        for person in mentees:
            industry = rng.choice(industries)
            mentee_rows.append(
                MenteeApplication(
                    cycle=cycle,
                    person=person,
                    goals=rng.choice(GOALS).format(industry=industry),
                    topics=", ".join(rng.sample(TOPICS, 2)),
                    target_industries=industry,
                    languages=", ".join(LANGUAGES if rng.random() < 0.3 else LANGUAGES[:1]),
                )
            )
        MenteeApplication.objects.bulk_create(mentee_rows, batch_size=500)

        Consent.objects.bulk_create(
            [
                Consent(
                    person=person,
                    purpose=ConsentPurpose.MENTORING,
                    granted=True,
                    source="mentoring",
                )
                for person in mentors + mentees
                if rng.random() < CONSENT_SHARE
            ],
            batch_size=1000,
        )
