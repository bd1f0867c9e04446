"""Builds directory entries from people records: what each viewer level may find and count."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from alma.directory.models import DirectoryEntry
from alma.directory.text import document, name_tokens, sort_key
from alma.people.models import Audience, Education, Employment, Person
from alma.people.privacy import audience_of

AUDIENCE_RANK = {
    Audience.SIGNED_IN: 1,
    Audience.MEMBERS: 2,
    Audience.ALUMNI_OFFICE: 3,
    Audience.ONLY_ME: 4,
}
LEVELS = (1, 2, 3)
REBUILD_CHUNK = 5000


def rank(person: Person, key: str) -> int:
    return AUDIENCE_RANK[audience_of(person, key)]


def entry_for(
    person: Person, educations: list[Education], employments: list[Employment]
) -> DirectoryEntry:
    """The entry of one person; `educations`/`employments` are theirs, prefetched by the caller."""
    ranks = {
        key: rank(person, key)
        for key in ("profile", "education", "employment", "current_location", "expertise", "about")
    }
    conferred = [e for e in educations if e.graduation_year]
    latest = max(
        conferred or educations, key=lambda e: (e.graduation_year or 0, e.entry_year), default=None
    )
    current = next((job for job in employments if job.is_current), None)

    names = " ".join(name_tokens(person.full_name, person.name_latin))
    groups = {
        "education": document(*[f"{e.school} {e.major} {e.degree_level}" for e in educations]),
        "employment": document(
            *[f"{j.organization_name} {j.title} {j.industry}" for j in employments]
        ),
        "current_location": document(
            person.current_city, person.current_province, person.current_country
        ),
        "expertise": document(person.expertise, person.interests),
        "about": document(person.headline),
    }
    docs = {
        level: " ".join(
            [names, *(text for key, text in groups.items() if ranks[key] <= level)]
        ).strip()
        for level in LEVELS
    }
    return DirectoryEntry(
        person_id=person.pk,
        profile_rank=ranks["profile"],
        education_rank=ranks["education"],
        employment_rank=ranks["employment"],
        location_rank=ranks["current_location"],
        full_name=person.full_name,
        sort_name=sort_key(person.full_name, person.name_latin)[:200],
        stage=person.stage,
        graduation_year=latest.graduation_year if latest else None,
        degree_level=latest.degree_level if latest else "",
        school=latest.school if latest else "",
        major=latest.major if latest else "",
        industry=current.industry if current else "",
        organization=current.organization_name if current else "",
        title=current.title if current else "",
        city=person.current_city,
        province=person.current_province,
        country=person.current_country,
        doc1=docs[1],
        doc2=docs[2],
        doc3=docs[3],
        indexed_at=timezone.now(),
    )


def _entries(people: list[Person]) -> list[DirectoryEntry]:
    ids = [p.pk for p in people]
    educations: dict[int, list[Education]] = {pk: [] for pk in ids}
    employments: dict[int, list[Employment]] = {pk: [] for pk in ids}
    for education in Education.objects.filter(person_id__in=ids):
        educations[education.person_id].append(education)
    for job in Employment.objects.filter(person_id__in=ids):
        employments[job.person_id].append(job)
    return [entry_for(p, educations[p.pk], employments[p.pk]) for p in people]


@transaction.atomic
def directory_index_people(*, person_ids: Iterable[int]) -> int:
    """Re-index these people (deleted people lose their entry). Returns entries written."""
    ids = sorted(set(person_ids))
    DirectoryEntry.objects.filter(person_id__in=ids).delete()
    entries = _entries(list(Person.objects.filter(pk__in=ids)))
    DirectoryEntry.objects.bulk_create(entries)
    return len(entries)


def directory_rebuild(
    *, chunk: int = REBUILD_CHUNK, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild the whole index in chunks (each chunk its own transaction). Returns entries."""
    total = Person.objects.count()
    done = 0
    last_pk = 0
    while True:
        people = list(Person.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not people:
            break
        with transaction.atomic():
            DirectoryEntry.objects.filter(
                person_id__gt=last_pk, person_id__lte=people[-1].pk
            ).delete()
            DirectoryEntry.objects.bulk_create(_entries(people), batch_size=1000)
        last_pk = people[-1].pk
        done += len(people)
        if progress:
            progress(done, total)
    return done
