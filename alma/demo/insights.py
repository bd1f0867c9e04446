"""Five years of ledger history for the insights: services to students across cohorts, alumni
contact, alumni engagement, so that coverage, CASE trends and the belonging comparison show
real patterns.

Planted: the School of Law's students rarely meet alumni (its blind spot, and the comparison's
contrast); a group of admitted students comes from Yunnan, where no chapter is. Graduates who
had alumni contact as students engage later more often than their peers (an association the
demo builds in, as real data may show it). The history is written through the ledger's one
writer, stating each past row's stage at the time; the current year's rows come from the other
builders. Kinds of the philanthropic and communication modes are used when a module has
registered them (giving, comms). Deterministic for a given seed; then the rollups are built.
"""

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from alma.activity.kinds import all_kinds
from alma.activity.models import Activity, EngagementMode, ProcessStage, Provider
from alma.activity.services import activity_record_bulk
from alma.demo.builders import DemoRun
from alma.insights.periods import current_fiscal_year, fiscal_year_bounds
from alma.insights.services import rollups_refresh
from alma.people.models import Education, Person, StaffPost, Stage

TITLE = "Writing five years of service and engagement history…"
NOTE = "Service log of earlier years"
YEARS = 5
FEW_CONTACTS_SCHOOL = "School of Law"
CONTACT_SHARE = 0.4
FEW_CONTACT_SHARE = 0.03
ENGAGED_LATER = {True: 0.3, False: 0.06}  # had alumni contact as a student, or not
PLANTED_REGION = ("Kunming", "Yunnan", "China")
PLANTED_NAMES = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
PLANTED_GIVEN = ["云", "彤", "昆", "滇", "洱", "苍", "雪", "松", "梅", "兰", "竹", "菊"]
CHUNK = 5000


def _when(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    days = max((end - start).days - 1, 1)
    day = start + dt.timedelta(days=rng.randrange(days))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randrange(9, 18), 0)))


def _stage(day: dt.date, entry_year: int, last_year: int) -> str:
    if day < dt.date(entry_year, 9, 1):
        return ProcessStage.PRE_ENTRY
    if day >= dt.date(last_year - 1, 9, 1):
        return ProcessStage.LEAVING
    return ProcessStage.IN_SCHOOL


def _kind_of_mode(mode: str) -> list[str]:
    return [k.slug for k in all_kinds() if k.alumni_mode == mode]


def build(run: DemoRun) -> None:
    """The history, once (a second call finds it and does nothing)."""
    if Activity.objects.filter(note=NOTE).exists():
        return
    rng = random.Random(run.seed + 21)
    this_year = current_fiscal_year()
    first_day = fiscal_year_bounds(this_year - YEARS)[0]
    last_day = fiscal_year_bounds(this_year)[0]  # history ends where this year begins
    _plant_region(rng, this_year)

    staff: dict[str, list[int]] = defaultdict(list)
    for person_id, post in StaffPost.objects.filter(active=True).values_list("person_id", "post"):
        staff[post].append(person_id)
    if not staff:
        return
    older_alumni = list(
        Person.objects.filter(stage=Stage.ALUMNUS, educations__graduation_year__lt=this_year - 6)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    mentors = older_alumni[: max(len(older_alumni) // 8, 1)]
    # Students of the window: today's students and those who graduated within it.
    learners = list(
        Education.objects.filter(
            person__stage__in=[Stage.STUDENT, Stage.ALUMNUS],
            entry_year__lte=this_year,
        )
        .exclude(graduation_year__lt=this_year - YEARS - 1)
        .values_list(
            "person_id", "school", "entry_year", "graduation_year", "expected_graduation_year"
        )
        .order_by("person_id", "-entry_year")
    )
    rows: list[dict[str, Any]] = []
    contacted: set[int] = set()
    seen: set[int] = set()
    for person_id, school, entry, graduated, expected in learners:
        if person_id in seen or not (graduated or expected):
            continue
        seen.add(person_id)
        last = graduated or expected or entry + 4
        start = max(first_day, dt.date(entry, 6, 1))
        end = min(last_day, dt.date(last, 7, 1))
        if start >= end:
            continue
        share = FEW_CONTACT_SHARE if school == FEW_CONTACTS_SCHOOL else CONTACT_SHARE
        has_contact = rng.random() < share
        rows += _student_history(rng, person_id, entry, last, start, end, staff)
        if has_contact and mentors:
            contacted.add(person_id)
            rows += _alumni_contact(rng, person_id, entry, last, start, end, mentors)
        if graduated and graduated < this_year:
            rows += _engagement(
                rng,
                person_id,
                max(first_day, dt.date(graduated, 9, 1)),
                last_day,
                ENGAGED_LATER[has_contact],
            )
    for person_id in older_alumni:
        rows += _engagement(rng, person_id, first_day, last_day, 0.25)
    for offset in range(0, len(rows), CHUNK):
        activity_record_bulk(rows=rows[offset : offset + CHUNK])
    run.say(f"  {len(rows):,} activities over {YEARS} years; building the insights rollups…")
    rollups_refresh()


def _student_history(
    rng: random.Random,
    person_id: int,
    entry: int,
    last: int,
    start: dt.date,
    end: dt.date,
    staff: dict[str, list[int]],
) -> list[dict[str, Any]]:
    rows = []
    plan = [
        ("teaching", "study", 3),
        ("administrative", "work", 1),
        ("administrative", "life", 1),
        ("logistics", "life", 1),
        ("alumni_office", "work", 0.4),
    ]
    for post, aspect, mean in plan:
        if not staff.get(post):
            continue
        for _ in range(int(rng.expovariate(1 / mean)) if mean else 0):
            when = _when(rng, start, end)
            stage = _stage(when.date(), entry, last)
            rows.append(
                {
                    "kind": "staff.service",
                    "actor_id": rng.choice(staff[post]),
                    "beneficiary_id": person_id,
                    "aspect": aspect,
                    "note": NOTE,
                    "occurred_at": when,
                    "beneficiary_stage": stage,
                    **({"rating": rng.choice([3, 4, 4, 5, 5])} if rng.random() < 0.5 else {}),
                }
            )
    return rows


def _alumni_contact(
    rng: random.Random,
    person_id: int,
    entry: int,
    last: int,
    start: dt.date,
    end: dt.date,
    mentors: list[int],
) -> list[dict[str, Any]]:
    rows = []
    mentor = rng.choice(mentors)
    for _ in range(rng.randint(1, 4)):
        when = _when(rng, start, end)
        rows.append(
            {
                "kind": "mentoring.meeting",
                "actor_id": mentor,
                "beneficiary_id": person_id,
                "aspect": rng.choice(["work", "study", "life"]),
                "note": NOTE,
                "occurred_at": when,
                "beneficiary_stage": _stage(when.date(), entry, last),
                "rating": rng.choice([4, 5, 5]),
            }
        )
    if rng.random() < 0.6:
        when = _when(rng, start, end)
        rows.append(
            {
                "kind": "events.attended",
                "actor": None,
                "provider": Provider.ALUMNUS,
                "beneficiary_id": person_id,
                "aspect": "work",
                "note": NOTE,
                "occurred_at": when,
                "beneficiary_stage": _stage(when.date(), entry, last),
            }
        )
    return rows


def _engagement(
    rng: random.Random, person_id: int, start: dt.date, end: dt.date, chance: float
) -> list[dict[str, Any]]:
    if start >= end:
        return []
    kinds = {
        EngagementMode.EXPERIENTIAL: ["events.attended"],
        EngagementMode.VOLUNTEER: ["events.speaker", "events.volunteer"],
        EngagementMode.PHILANTHROPIC: _kind_of_mode(EngagementMode.PHILANTHROPIC),
        EngagementMode.COMMUNICATION: _kind_of_mode(EngagementMode.COMMUNICATION),
    }
    rows = []
    years = (end - start).days / 365
    for slugs in kinds.values():
        if not slugs:
            continue
        for _ in range(int(years + 0.999)):
            if rng.random() < chance:
                rows.append(
                    {
                        "kind": rng.choice(slugs),
                        "actor_id": person_id,
                        "beneficiary_id": None,
                        "aspect": "life",
                        "note": NOTE,
                        "occurred_at": _when(rng, start, end),
                    }
                )
    return rows


def _plant_region(rng: random.Random, this_year: int) -> None:
    """Admitted students from a province no chapter covers (the region blind spot)."""
    from alma.lifecycle.selectors import intake_year

    year = intake_year()
    city, province, country = PLANTED_REGION
    for n in range(12):
        family, given = PLANTED_NAMES[n], PLANTED_GIVEN[n] + rng.choice(PLANTED_GIVEN)
        person = Person.objects.create(
            full_name=family + given,
            family_name=family,
            given_name=given,
            stage=Stage.PROSPECTIVE,
            hometown_city=city,
            hometown_province=province,
            hometown_country=country,
            current_city=city,
            current_province=province,
            current_country=country,
        )
        Education.objects.create(
            person=person,
            degree_level="bachelor",
            school=FEW_CONTACTS_SCHOOL,
            major="Law",
            entry_year=year,
            expected_graduation_year=year + 4,
        )
