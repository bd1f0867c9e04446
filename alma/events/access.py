"""Who may do what with events: the alumni office everything, chapter officers their chapter's
events, staff their unit's events; everyone with a record registers where the audience admits.

Audience rules are written once, as a query (`audience_q`); the single-event check runs the
same query, so a list and a registration can never disagree about who is admitted.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from alma.accounts.roles import Role, roles_of
from alma.events.models import Event, EventRole
from alma.people.models import Chapter, ChapterMembership, Person, Stage


@dataclass(frozen=True)
class PersonFacts:
    """What audience rules look at, read once per request."""

    stage: str
    is_staff_or_partner: bool
    entry_years: frozenset[int]
    graduation_years: frozenset[int]
    cities: frozenset[str]
    chapter_ids: frozenset[int]


def facts_of(person: Person) -> PersonFacts:
    educations = list(person.educations.values_list("entry_year", "graduation_year"))
    return PersonFacts(
        stage=person.stage,
        is_staff_or_partner=person.staff_posts.filter(active=True).exists()
        or person.represented_organizations.exists(),
        entry_years=frozenset(e for e, _g in educations),
        graduation_years=frozenset(g for _e, g in educations if g),
        cities=frozenset(
            c.strip() for c in (person.current_city, person.hometown_city) if c and c.strip()
        ),
        chapter_ids=frozenset(person.chapter_memberships.values_list("chapter_id", flat=True)),
    )


def audience_q(facts: PersonFacts | None) -> Q:
    """Events whose audience admits a person with these facts (None: no person record)."""
    if facts is None:
        return Q(
            open_to_others=True,
            audience_entry_year__isnull=True,
            audience_graduation_year__isnull=True,
            audience_city="",
            audience_chapter__isnull=True,
        )
    stage_flag = {
        Stage.PROSPECTIVE: "open_to_prospective",
        Stage.STUDENT: "open_to_students",
        Stage.ALUMNUS: "open_to_alumni",
    }.get(Stage(facts.stage), "open_to_others")
    by_stage = Q(**{stage_flag: True})
    if facts.is_staff_or_partner:
        by_stage |= Q(open_to_others=True)
    by_city = Q(audience_city="")
    for city in facts.cities:
        by_city |= Q(audience_city__iexact=city)
    return (
        by_stage
        & (Q(audience_entry_year__isnull=True) | Q(audience_entry_year__in=facts.entry_years))
        & (
            Q(audience_graduation_year__isnull=True)
            | Q(audience_graduation_year__in=facts.graduation_years)
        )
        & by_city
        & (Q(audience_chapter__isnull=True) | Q(audience_chapter__in=facts.chapter_ids))
    )


def audience_everyone_q() -> Q:
    """Events whose audience admits everyone: the only ones a public listing may name."""
    return Q(
        open_to_prospective=True,
        open_to_students=True,
        open_to_alumni=True,
        open_to_others=True,
        audience_entry_year__isnull=True,
        audience_graduation_year__isnull=True,
        audience_city="",
        audience_chapter__isnull=True,
    )


def event_admits(event: Event, person: Person) -> bool:
    return Event.objects.filter(pk=event.pk).filter(audience_q(facts_of(person))).exists()


@dataclass(frozen=True)
class ManagedScope:
    """What a user manages: everything (office), or some chapters and units."""

    office: bool
    person_id: int | None
    chapter_ids: frozenset[int]
    unit_ids: frozenset[int]

    @property
    def hosts_anything(self) -> bool:
        return self.office or bool(self.chapter_ids or self.unit_ids)

    def manages(self, event: Event) -> bool:
        return (
            self.office
            or (event.host_chapter_id is not None and event.host_chapter_id in self.chapter_ids)
            or (event.host_unit_id is not None and event.host_unit_id in self.unit_ids)
            or (self.person_id is not None and event.created_by_id == self.person_id)
        )

    def managed_q(self) -> Q:
        if self.office:
            return Q()
        q = Q(host_chapter__in=self.chapter_ids) | Q(host_unit__in=self.unit_ids)
        if self.person_id is not None:
            q |= Q(created_by_id=self.person_id)
        return q


def managed_scope_of(user: Any) -> ManagedScope:
    cached = getattr(user, "_alma_managed_scope", None)
    if cached is not None:
        return cached
    held = roles_of(user)
    person = user.person if getattr(user, "is_authenticated", False) else None
    chapter_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    if person is not None and Role.CHAPTER_OFFICER in held:
        chapter_ids = frozenset(
            person.chapter_memberships.filter(role=ChapterMembership.Role.OFFICER).values_list(
                "chapter_id", flat=True
            )
        )
    if person is not None and Role.STAFF in held:
        unit_ids = frozenset(
            person.staff_posts.filter(active=True, unit__isnull=False).values_list(
                "unit_id", flat=True
            )
        )
    scope = ManagedScope(
        office=Role.ALUMNI_OFFICE in held,
        person_id=person.pk if person is not None else None,
        chapter_ids=chapter_ids,
        unit_ids=unit_ids,
    )
    if getattr(user, "is_authenticated", False):
        user._alma_managed_scope = scope
    return scope


def may_manage(user: Any, event: Event) -> bool:
    return managed_scope_of(user).manages(event)


def may_check_in(user: Any, event: Event) -> bool:
    """Managers, and whoever hosts or volunteers at this event (they stand at the door)."""
    if may_manage(user, event):
        return True
    person_id = getattr(user, "person_id", None)
    return bool(
        person_id
        and EventRole.objects.filter(
            event=event,
            person_id=person_id,
            role__in=[EventRole.Role.HOST, EventRole.Role.VOLUNTEER],
        ).exists()
    )


def may_manage_chapter(user: Any, chapter: Chapter) -> bool:
    scope = managed_scope_of(user)
    return scope.office or chapter.pk in scope.chapter_ids


def may_see_event(user: Any, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if may_manage(user, event):
        return True
    person = user.person
    facts = facts_of(person) if person is not None else None
    return Event.objects.filter(pk=event.pk).filter(audience_q(facts)).exists()
