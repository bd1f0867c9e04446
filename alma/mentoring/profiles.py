"""Engine profiles built from people records, within what each person consented to.

The rule: what a person typed into their mentor sign-up or mentee application (topics,
industries, languages, goals, expertise, preferences) was given for matching and is always
used. What comes from their person record (major, school, graduation year, current industry,
current city, expertise and interests) is used only while their latest `mentoring` consent
is granted; without it those features are simply missing and contribute nothing.
"""

from collections.abc import Iterable

from alma.matching.profiles import Profile
from alma.mentoring.models import MenteeApplication, MentorProfile, split_list
from alma.people.models import Consent, ConsentPurpose, Person


def mentoring_consent(person_ids: Iterable[int]) -> set[int]:
    """The people among `person_ids` whose latest mentoring consent is granted (one query)."""
    latest: dict[int, bool] = {}
    rows = (
        Consent.objects.filter(person_id__in=list(person_ids), purpose=ConsentPurpose.MENTORING)
        .order_by("recorded_at", "id")
        .values_list("person_id", "granted")
    )
    for person_id, granted in rows:
        latest[person_id] = granted
    return {pk for pk, granted in latest.items() if granted}


def _record_features(person: Person) -> dict[str, object]:
    """Features from the person record; educations and employments must be prefetched."""
    educations = sorted(person.educations.all(), key=lambda e: e.entry_year, reverse=True)
    employments = [e for e in person.employments.all() if e.is_current]
    education = educations[0] if educations else None
    year = None
    if education is not None:
        year = education.graduation_year or education.expected_graduation_year
    return {
        "major": (education.major or None) if education else None,
        "school": (education.school or None) if education else None,
        "graduation_year": year,
        "industry": (employments[0].industry or None) if employments else None,
        "city": person.current_city or None,
        "record_text": " ".join([person.expertise, person.interests]),
    }


def mentee_profile(application: MenteeApplication, *, consented: bool) -> Profile:
    record = _record_features(application.person) if consented else {}
    text = " ".join(
        [application.goals, application.preferences, str(record.get("record_text", ""))]
    )
    return Profile(
        id=application.pk,
        capacity=1,
        person=application.person_id,
        major=record.get("major"),  # type: ignore[arg-type]
        school=record.get("school"),  # type: ignore[arg-type]
        graduation_year=record.get("graduation_year"),  # type: ignore[arg-type]
        city=record.get("city"),  # type: ignore[arg-type]
        target_industries=tuple(split_list(application.target_industries)),
        languages=tuple(split_list(application.languages)),
        topics=tuple(split_list(application.topics)),
        text=text.strip(),
    )


def mentor_profile(mentor: MentorProfile, *, consented: bool, capacity: int) -> Profile:
    record = _record_features(mentor.person) if consented else {}
    industries = split_list(mentor.industries)
    industry = industries[0] if industries else record.get("industry")
    text = " ".join([mentor.expertise, mentor.preferences, str(record.get("record_text", ""))])
    return Profile(
        id=mentor.pk,
        capacity=capacity,
        person=mentor.person_id,
        major=record.get("major"),  # type: ignore[arg-type]
        school=record.get("school"),  # type: ignore[arg-type]
        graduation_year=record.get("graduation_year"),  # type: ignore[arg-type]
        city=record.get("city"),  # type: ignore[arg-type]
        industry=industry,  # type: ignore[arg-type]
        languages=tuple(split_list(mentor.languages)),
        topics=tuple(split_list(mentor.topics)),
        text=text.strip(),
    )
