"""Reads for careers: who may do what, the live postings and their facets, organisation pages,
applications as each viewer may see them, fair reports. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import nh3
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from alma.accounts.roles import Role, roles_of
from alma.careers.models import (
    AllianceMembership,
    ApplicationStatus,
    Booth,
    CareerProfile,
    EmployerLink,
    EnterpriseVisit,
    JobApplication,
    JobFair,
    Posting,
    split_list,
)
from alma.careers.recommend import PostingFeatures, Ranked, StudentFeatures, rank_postings
from alma.people.models import Education, Employment, Organization, Person, Post, Stage
from alma.people.privacy import field_visible_q, may_see, people_visible_to
from alma.search.selectors import MAX_LIMIT, search_query

SEARCH_KIND = "careers.posting"  # as careers.services indexes postings

# --- Who may do what -----------------------------------------------------------------------


def is_career_staff(user: Any) -> bool:
    """The alumni office and the career office approve postings and alliance requests."""
    held = roles_of(user)
    if Role.ALUMNI_OFFICE in held:
        return True
    if Role.STAFF not in held or user.person_id is None:
        return False
    return user.person.staff_posts.filter(active=True, post=Post.CAREER_OFFICE).exists()


def represented_ids(user: Any) -> set[int]:
    """The organisations the user represents (none for a user without a person)."""
    if not getattr(user, "is_authenticated", False) or user.person_id is None:
        return set()
    cached = getattr(user, "_careers_represented", None)
    if cached is None:
        cached = set(user.person.represented_organizations.values_list("pk", flat=True))
        user._careers_represented = cached
    return cached


def may_manage_organization(user: Any, organization_id: int) -> bool:
    return organization_id in represented_ids(user) or is_career_staff(user)


def is_student(user: Any) -> bool:
    return Role.STUDENT in roles_of(user)


# --- Postings ------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> SafeString:
    """A posting's Markdown as HTML: raw HTML is not rendered, and nh3 strips whatever a
    crafted link or image could still carry (scripts, event handlers, javascript: URLs)."""
    html = nh3.clean(
        _markdown.render(text),
        tags={
            "p",
            "br",
            "strong",
            "em",
            "ul",
            "ol",
            "li",
            "a",
            "h2",
            "h3",
            "h4",
            "code",
            "pre",
            "blockquote",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "hr",
        },
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(html)  # noqa: S308 -- cleaned by nh3 just above


def live_postings(today: dt.date | None = None) -> QuerySet[Posting]:
    day = today or timezone.localdate()
    return Posting.objects.filter(status=Posting.Status.LIVE, deadline__gte=day).select_related(
        "organization"
    )


def postings_search(
    *, text: str = "", kind: str = "", city: str = "", major: str = "", remote: bool = False
) -> QuerySet[Posting]:
    """Live postings matching the words typed (through the general search index: Chinese,
    pinyin and prefixes, every word required; at most its first MAX_LIMIT matches) and the
    facets chosen, best match first (by deadline without words)."""
    qs = live_postings()
    ranked: list[int] = []
    if text.strip():
        ranked = search_query(SEARCH_KIND, text, limit=MAX_LIMIT).ids
        qs = qs.filter(pk__in=ranked)
    if kind:
        qs = qs.filter(kind=kind)
    if city:
        qs = qs.filter(Q(cities__icontains=city) | Q(remote=True))
    if major:
        qs = qs.filter(Q(target_majors__icontains=major) | Q(target_majors=""))
    if remote:
        qs = qs.filter(remote=True)
    if ranked:
        # Best match first, as the index ranks them.
        rank = Case(*[When(pk=pk, then=Value(n)) for n, pk in enumerate(ranked)])
        return qs.order_by(rank, "id")
    return qs.order_by("deadline", "id")


def posting_facets(qs: QuerySet[Posting], *, top: int = 12) -> dict[str, list[tuple[str, int]]]:
    """Counts by kind, city and major over a search's results (one query)."""
    kinds: Counter[str] = Counter()
    cities: Counter[str] = Counter()
    majors: Counter[str] = Counter()
    for kind, city_text, major_text in qs.values_list("kind", "cities", "target_majors"):
        kinds[kind] += 1
        cities.update(split_list(city_text))
        majors.update(split_list(major_text))
    return {
        "kind": kinds.most_common(),
        "city": cities.most_common(top),
        "major": majors.most_common(top),
    }


def posting_for(user: Any, pk: int) -> Posting | None:
    """A posting the user may open: live ones for everyone signed in, any for its
    organisation's representatives and career staff."""
    posting = Posting.objects.select_related("organization").filter(pk=pk).first()
    if posting is None:
        return None
    if posting.is_open() or may_manage_organization(user, posting.organization_id):
        return posting
    return None


def postings_pending() -> QuerySet[Posting]:
    return Posting.objects.filter(status=Posting.Status.PENDING).select_related("organization")


# --- Organisations -------------------------------------------------------------------------


def organization_names(organization: Organization) -> list[str]:
    return [organization.name, *organization_aliases(organization)]


def organization_aliases(organization: Organization) -> list[str]:
    name = organization.name.strip().casefold()
    aliases = [a.strip() for a in organization.aliases.splitlines() if a.strip()]
    return [a for a in dict.fromkeys(aliases) if a.casefold() != name]


def _names_q(names: list[str]) -> Q:
    found = Q(pk__in=[])
    for name in names:
        found |= Q(organization_name__iexact=name)
    return found


def certain_employment_q(organization: Organization) -> Q:
    """Employment records certainly at the organisation: linked to it, or naming it by its
    name (in any case)."""
    return Q(organization=organization) | _names_q([organization.name])


def uncertain_employment_q(organization: Organization) -> Q:
    """Records naming the organisation only by one of its other names: the office confirms
    or rejects each (an abbreviation may be another company's)."""
    return _names_q(organization_aliases(organization)) & ~certain_employment_q(organization)


def _decided_q(organization: Organization, status: str | None = None) -> Q:
    """Records the office decided for the organisation, while they still give the name they
    gave then (a record whose employer changed is asked about again)."""
    links = EmployerLink.objects.filter(
        organization=organization,
        employment=OuterRef("pk"),
        matched_name=OuterRef("organization_name"),
    )
    if status is not None:
        links = links.filter(status=status)
    return Q(Exists(links))


def alumni_working_at(viewer: Any, organization: Organization) -> int:
    """Alumni whose current employment is at the organisation (linked, named by its name in
    any case, or named by one of its other names and confirmed by the office), counted only
    among people whose employment the viewer may see."""
    confirmed = uncertain_employment_q(organization) & _decided_q(
        organization, EmployerLink.Status.CONFIRMED
    )
    visible = people_visible_to(viewer).filter(field_visible_q(viewer, "employment"))
    return (
        Employment.objects.filter(certain_employment_q(organization) | confirmed, is_current=True)
        .filter(person__in=visible.filter(stage=Stage.ALUMNUS))
        .values("person")
        .distinct()
        .count()
    )


def _uncertain_of(organization: Organization, viewer: Any = None) -> QuerySet[Employment]:
    qs = Employment.objects.filter(
        uncertain_employment_q(organization), is_current=True, person__stage=Stage.ALUMNUS
    ).exclude(_decided_q(organization))
    if viewer is not None:
        qs = qs.filter(
            person__in=people_visible_to(viewer).filter(field_visible_q(viewer, "employment"))
        )
    return qs


def _organizations_with_aliases() -> list[Organization]:
    organizations = Organization.objects.exclude(aliases="").order_by("name", "pk")
    return [o for o in organizations if organization_aliases(o)]


def employer_links_uncertain(
    viewer: Any, *, limit: int = 200
) -> list[tuple[Employment, Organization]]:
    """The office's queue: current alumni employment records that name an organisation only
    by one of its other names, not yet decided, among those whose employment the viewer may
    see; at most `limit`."""
    rows: list[tuple[Employment, Organization]] = []
    for organization in _organizations_with_aliases():
        for employment in (
            _uncertain_of(organization, viewer).select_related("person").order_by("pk")
        ):
            rows.append((employment, organization))
            if len(rows) >= limit:
                return rows
    return rows


def employer_links_uncertain_count() -> int:
    """How many links wait for the office (the office home's queue)."""
    return sum(_uncertain_of(o).count() for o in _organizations_with_aliases())


def employer_link_is_uncertain(employment: Employment, organization: Organization) -> bool:
    return _uncertain_of(organization).filter(pk=employment.pk).exists()


def alliance_members() -> QuerySet[AllianceMembership]:
    return (
        AllianceMembership.objects.filter(status=AllianceMembership.Status.APPROVED)
        .select_related("organization")
        .annotate(
            live=Count(
                "organization__postings",
                filter=Q(
                    organization__postings__status=Posting.Status.LIVE,
                    organization__postings__deadline__gte=timezone.localdate(),
                ),
            )
        )
        .order_by("organization__name")
    )


def alliance_requests() -> QuerySet[AllianceMembership]:
    return AllianceMembership.objects.filter(
        status=AllianceMembership.Status.REQUESTED
    ).select_related("organization", "requested_by")


def membership_of(organization: Organization) -> AllianceMembership | None:
    return AllianceMembership.objects.filter(organization=organization).first()


# --- Applications --------------------------------------------------------------------------


def may_see_application(user: Any, application: JobApplication) -> bool:
    """The student, the posting's organisation's representatives, career staff."""
    if user.person_id is not None and user.person_id == application.student_id:
        return True
    return may_manage_organization(user, application.posting.organization_id)


def application_for(user: Any, pk: int) -> JobApplication | None:
    application = (
        JobApplication.objects.select_related("posting__organization", "student")
        .filter(pk=pk)
        .first()
    )
    if application is None or not may_see_application(user, application):
        return None
    return application


def applications_of_student(person: Person) -> QuerySet[JobApplication]:
    return (
        JobApplication.objects.filter(student=person)
        .select_related("posting__organization")
        .prefetch_related("steps")
        .order_by("-updated_at", "-id")
    )


def applicants_of(posting: Posting) -> QuerySet[JobApplication]:
    return (
        JobApplication.objects.filter(posting=posting)
        .select_related("student")
        .order_by("created_at", "id")
    )


# --- Recommendations' features -------------------------------------------------------------


def student_features(people: list[Person], *, viewer: Any = None) -> list[StudentFeatures]:
    """Features of students from their latest education and career profile (a few queries).

    With a `viewer` (an organisation looking for students), a major or interests the viewer
    may not see are left out, so that no reason shown to them discloses a private field; the
    degree still decides eligibility but is never shown. What the student typed into their
    career profile was given for this and is always used."""
    ids = [p.pk for p in people]
    educations: dict[int, Education] = {}
    for row in Education.objects.filter(person_id__in=ids).order_by("entry_year", "id"):
        educations[row.person_id] = row  # the latest wins
    profiles = {c.person_id: c for c in CareerProfile.objects.filter(person_id__in=ids)}
    features = []
    for person in people:
        education: Education | None = educations.get(person.pk)
        profile = profiles.get(person.pk)
        cities = split_list(profile.preferred_cities) if profile else []
        interests = person.interests_list
        if viewer is not None and not may_see(viewer, person, "expertise"):
            interests = []
        if viewer is not None and not may_see(viewer, person, "education"):
            education = _degree_only(education)
        topics = [*(split_list(profile.skills) if profile else []), *interests]
        features.append(
            StudentFeatures(
                id=person.pk,
                major=(education.major or None) if education else None,
                degree=education.degree_level if education else None,
                city=cities[0] if cities else (person.current_city or None),
                target_industries=tuple(split_list(profile.target_industries) if profile else ()),
                topics=tuple(dict.fromkeys(topics)),
            )
        )
    return features


def _degree_only(education: Education | None) -> Education | None:
    if education is None:
        return None
    return Education(degree_level=education.degree_level, major="")


def posting_features(postings: list[Posting]) -> list[PostingFeatures]:
    return [
        PostingFeatures(
            id=p.pk,
            majors=tuple(p.major_list),
            degrees=tuple(p.degree_list),
            cities=tuple(p.city_list),
            industry=p.industry or p.organization.industry or None,
            skills=tuple(p.skill_list),
        )
        for p in postings
    ]


def recommendations_for(person: Person, *, limit: int = 10) -> list[tuple[Posting, Ranked]]:
    """(posting, ranked) for the student's best live postings."""
    postings = list(live_postings())
    [student] = student_features([person])
    ranked = rank_postings([student], posting_features(postings), limit=limit)
    by_id = {p.pk: p for p in postings}
    return [(by_id[r.id], r) for r in ranked[person.pk]]


def open_students() -> QuerySet[Person]:
    """Students who let employers find them."""
    return Person.objects.filter(
        stage__in=[Stage.STUDENT, Stage.PROSPECTIVE], career_profile__open_to_employers=True
    )


# --- Fairs ---------------------------------------------------------------------------------


def fairs_listed() -> QuerySet[JobFair]:
    return JobFair.objects.annotate(booth_count=Count("booths")).order_by("-date", "-id")


def fair_booths(fair: JobFair) -> QuerySet[Booth]:
    return (
        Booth.objects.filter(fair=fair)
        .select_related("organization")
        .prefetch_related(Prefetch("postings", queryset=Posting.objects.order_by("title")))
        .annotate(sign_in_count=Count("sign_ins", distinct=True))
        .order_by("location", "id")
    )


def majors_of_this_year(today: dt.date | None = None) -> set[str]:
    """The school's majors with students enrolled or graduating this year (normalised)."""
    year = (today or timezone.localdate()).year
    rows = (
        Education.objects.filter(
            Q(graduation_year__isnull=True, expected_graduation_year__gte=year)
            | Q(graduation_year=year)
        )
        .exclude(major="")
        .values_list("major", flat=True)
        .distinct()
    )
    return {m.strip().casefold() for m in rows if m.strip()}


def fair_report(fair: JobFair, today: dt.date | None = None) -> dict[str, int]:
    """The fair's figures as the contract defines them."""
    postings = Posting.objects.filter(booths__fair=fair).distinct()
    posting_ids = list(postings.values_list("pk", flat=True))
    openings = Posting.objects.filter(pk__in=posting_ids).aggregate(n=Sum("openings"))["n"] or 0
    applications = JobApplication.objects.filter(Q(posting_id__in=posting_ids) | Q(at_fair=fair))
    offered = [ApplicationStatus.OFFER, ApplicationStatus.HIRED]
    majors_total = majors_of_this_year(today)
    targeted: set[str] = set()
    for text in Posting.objects.filter(pk__in=posting_ids).values_list("target_majors", flat=True):
        targeted.update(m.casefold() for m in split_list(text))
    return {
        "organisations": Booth.objects.filter(fair=fair).values("organization").distinct().count(),
        "postings": len(posting_ids),
        "openings": int(openings),
        "applications": applications.distinct().count(),
        # An offer accepted becomes a hire: a hire was an offer too.
        "offers": applications.filter(status__in=offered).distinct().count(),
        "hires": applications.filter(status=ApplicationStatus.HIRED).distinct().count(),
        "majors_covered": len(targeted & majors_total),
        "majors_total": len(majors_total),
    }


def visits_of(user: Any) -> QuerySet[EnterpriseVisit]:
    qs = EnterpriseVisit.objects.select_related("organization", "student")
    if is_career_staff(user):
        return qs
    mine = Q(organization_id__in=represented_ids(user)) | Q(status=EnterpriseVisit.Status.PUBLISHED)
    if user.person_id:
        mine |= Q(student_id=user.person_id)
    return qs.filter(mine)
