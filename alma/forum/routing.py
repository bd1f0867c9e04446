"""Routing a question to the alumni best placed to answer it.

Who may be asked: alumni who take questions (their `AnswerPreference`; without one, alumni who
mentor) and have had fewer invitations in the last seven days than they accept a week. Their
`RoutingProfile` rows (industry, major, city, expertise, the topics and tags they answered, each
with the audience rank of the privacy setting behind it) are the persisted index, kept current
by the worker (`routing_profiles_refresh`); each is also a search document ("forum.expert") whose
facets `r1`..`r3` hold the routing terms a viewer of that rank may see.

Routing a question: its terms find up to CANDIDATES profiles through the search index, using
only the facet of the asker's rank, so a field hidden from the asker neither finds nor scores
anyone. The candidate query itself leaves out whoever may not be asked now (`unavailable_ids`:
at their weekly cap, or a preference that says no, as subqueries), so alumni at their cap never
take the places of eligible ones and `limit` come back whenever that many eligible alumni match.
The matching engine's affinity scores the candidates (major, industry, city, shared expertise
and answered topics, text), and the best `limit` win, ties going to whoever had fewer
invitations this week, then the lower person id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.forum.models import Answer, AnswerPreference, Invitation, RoutingProfile, Topic
from alma.lib.tokens import CJK, tokens
from alma.people.models import Person, Stage
from alma.people.privacy import audience_rank, viewer_rank
from alma.search.selectors import search_query
from alma.search.services import search_index_many, search_remove

EXPERT_KIND = "forum.expert"
DEFAULT_LIMIT = 5
CANDIDATES = 500
WEEK = dt.timedelta(days=7)
MEMBER_RANK = 2  # what a student sees of members (people.privacy: verified members)
# Words too common to say anything about who should answer.
STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "how",
        "what",
        "which",
        "who",
        "when",
        "where",
        "why",
        "are",
        "was",
        "were",
        "can",
        "could",
        "should",
        "would",
        "you",
        "your",
        "our",
        "this",
        "that",
        "from",
        "into",
        "about",
        "have",
        "has",
        "had",
        "any",
        "some",
        "more",
        "most",
        "not",
        "but",
        "its",
    ]
)


TOPIC_TERM = "topic"  # "topiccareer": one word standing for a topic answered or asked about


def topic_term(topic: str) -> str:
    return TOPIC_TERM + topic


def is_topic_term(value: str) -> bool:
    return value.startswith(TOPIC_TERM) and value.removeprefix(TOPIC_TERM) in Topic.values


def routing_terms(text: str) -> list[str]:
    """The words routing compares: Latin words of three letters or more (not stop words) and
    pairs of neighbouring Chinese characters (a single character says too little)."""
    found: list[str] = []
    for token in tokens(text):
        if token.isascii() and len(token) >= 3 and token not in STOP_WORDS:
            found.append(token)
    for run in _cjk_runs(text):
        if len(run) == 1:
            found.append(run)
        found += [run[i : i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(found))


def _cjk_runs(text: str) -> list[str]:
    runs, current = [], ""
    for ch in text:
        if CJK.match(ch):
            current += ch
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _mentions(value: str, question_terms: set[str]) -> bool:
    """The question names this value (every routing term of it appears in the question)."""
    terms = routing_terms(value)
    return bool(terms) and all(t in question_terms for t in terms)


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


# -- who takes questions -------------------------------------------------------------------


def default_accepts(person_ids: Iterable[int]) -> set[int]:
    """Of these people, those who take questions without having said so: alumni who mentor."""
    from alma.mentoring.selectors import alumni_mentor_ids

    ids = list(person_ids)
    return set(alumni_mentor_ids().filter(person_id__in=ids))


def mentor_alumni_ids() -> set[int]:
    """Every alumnus who mentors (takes questions unless they said otherwise)."""
    from alma.mentoring.selectors import alumni_mentor_ids

    return set(alumni_mentor_ids())


def accepting_ids(person_ids: Iterable[int]) -> dict[int, int]:
    """Of these people, the alumni who take routed questions: {person id: invitations a week}."""
    ids = list(person_ids)
    alumni = set(
        Person.objects.filter(pk__in=ids, stage=Stage.ALUMNUS, deceased=False).values_list(
            "pk", flat=True
        )
    )
    prefs = {p.person_id: p for p in AnswerPreference.objects.filter(person_id__in=alumni)}
    mentors = default_accepts(alumni - set(prefs))
    found = {pid: 3 for pid in mentors}
    for pid, pref in prefs.items():
        if pref.accepts_questions and pref.invitations_per_week > 0:
            found[pid] = pref.invitations_per_week
    return found


REFRESH_CHUNK = 500


def routing_profiles_refresh(person_ids: Iterable[int]) -> int:
    """Make the routing profiles (and their search documents) of these people current."""
    ids = list(dict.fromkeys(person_ids))
    return sum(
        _refresh_chunk(ids[start : start + REFRESH_CHUNK])
        for start in range(0, len(ids), REFRESH_CHUNK)
    )


@transaction.atomic
def _refresh_chunk(ids: list[int]) -> int:
    accepting = accepting_ids(ids)
    gone = [pid for pid in ids if pid not in accepting]
    RoutingProfile.objects.filter(person_id__in=gone).delete()
    for pid in gone:
        search_remove(EXPERT_KIND, pid)
    people = Person.objects.filter(pk__in=list(accepting)).prefetch_related(
        "educations", "employments"
    )
    answered: dict[int, list[str]] = {}
    rows = (
        Answer.objects.filter(author_id__in=list(accepting), hidden=False)
        .filter(question__private_to__isnull=True, question__hidden=False)
        .values_list("author_id", "question__topic", "question__tags")
    )
    for author, topic, tags in rows:
        answered.setdefault(author, []).extend([topic_term(topic), *split_list(tags)])
    profiles = [
        _profile_of(person, accepting[person.pk], answered.get(person.pk, [])) for person in people
    ]
    RoutingProfile.objects.bulk_create(
        profiles,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=[f.name for f in RoutingProfile._meta.concrete_fields if not f.primary_key],
    )
    search_index_many(EXPERT_KIND, [_document(profile) for profile in profiles])
    return len(accepting)


def _profile_of(person: Person, per_week: int, answered: list[str]) -> RoutingProfile:
    employment = next(iter(sorted(person.employments.all(), key=_job_order)), None)
    education = next(iter(sorted(person.educations.all(), key=lambda e: -e.entry_year)), None)
    privacy = person.privacy
    return RoutingProfile(
        person=person,
        industry=employment.industry if employment else "",
        employment_rank=audience_rank(privacy, "employment"),
        major=education.major if education else "",
        education_rank=audience_rank(privacy, "education"),
        city=person.current_city,
        location_rank=audience_rank(privacy, "current_location"),
        expertise=person.expertise,
        expertise_rank=audience_rank(privacy, "expertise"),
        answered=", ".join(dict.fromkeys(answered))[:5000],
        invitations_per_week=per_week,
        updated_at=timezone.now(),
    )


def _job_order(job: Any) -> tuple[int, int]:
    return (0 if job.is_current else 1, -(job.start_year or 0))


def _visible_fields(profile: RoutingProfile, rank: int) -> dict[str, str]:
    """The profile's fields a viewer of this rank may see (answers are public in the forum)."""
    shown = {"answered": profile.answered}
    if profile.employment_rank <= rank:
        shown["industry"] = profile.industry
    if profile.education_rank <= rank:
        shown["major"] = profile.major
    if profile.location_rank <= rank:
        shown["city"] = profile.city
    if profile.expertise_rank <= rank:
        shown["expertise"] = profile.expertise
    return shown


def _document(profile: RoutingProfile) -> tuple[int, str, dict[str, list[str]]]:
    """The profile's search document: for each audience rank, the terms that rank may see."""
    facets = {
        f"r{rank}": routing_terms(" , ".join(_visible_fields(profile, rank).values()))
        for rank in (1, 2, 3)
    }
    return (profile.person_id, "", facets)


# -- routing -------------------------------------------------------------------------------


@dataclass
class Routed:
    person: int
    score: float
    reasons: list[dict[str, Any]]
    industry: str | None = None
    major: str | None = None
    city: str | None = None
    expertise: list[str] = field(default_factory=list)
    invitations_this_week: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "industry": self.industry,
            "major": self.major,
            "city": self.city,
            "expertise": self.expertise,
        }


def asker_rank(asker: Person | None) -> int:
    """The audience rank the asker sees people at (people.privacy.viewer_rank of their login)."""
    if asker is None:
        return MEMBER_RANK
    user = User.objects.filter(person=asker, is_active=True).first()
    if user is not None:
        return max(viewer_rank(user), 1)
    return MEMBER_RANK if asker.stage in (Stage.STUDENT, Stage.PROSPECTIVE, Stage.ALUMNUS) else 1


def invitations_this_week(
    person_ids: Sequence[int], now: dt.datetime | None = None
) -> dict[int, int]:
    since = (now or timezone.now()) - WEEK
    rows = (
        Invitation.objects.filter(person_id__in=list(person_ids), created_at__gte=since)
        .values("person_id")
        .annotate(n=Count("id"))
    )
    return {row["person_id"]: row["n"] for row in rows}


def unavailable_ids(now: dt.datetime | None = None) -> list[QuerySet[Any]]:
    """Subqueries of the people routing must not pick now, whatever their fit: those at their
    weekly cap (as many invitations in the last seven days as their profile takes a week) and
    those whose preference says no (before the worker has dropped their routing profile)."""
    since = (now or timezone.now()) - WEEK
    at_cap = (
        Invitation.objects.filter(created_at__gte=since)
        .values("person_id")
        .annotate(
            n=Count("id"), per_week=Min("person__forum_routing_profile__invitations_per_week")
        )
        .filter(n__gte=F("per_week"))
        .values("person_id")
    )
    refused = AnswerPreference.objects.filter(
        Q(accepts_questions=False) | Q(invitations_per_week=0)
    ).values("person_id")
    return [at_cap, refused]


def route_question(
    *,
    text: str,
    topic: str = "",
    tags: Sequence[str] = (),
    asker: Person | None = None,
    limit: int = DEFAULT_LIMIT,
    exclude: Iterable[int] = (),
    rank: int | None = None,
) -> list[Routed]:
    """The alumni this question would be sent to, best first (nothing is written)."""
    rank = asker_rank(asker) if rank is None else rank
    question_terms = routing_terms(" ".join([text, *tags]))
    if topic:
        question_terms.append(topic_term(topic))
    excluded = set(exclude)
    if asker is not None:
        excluded.add(asker.pk)
    found = search_query(
        EXPERT_KIND,
        "",
        facets={f"r{rank}": question_terms},
        exclude=[*unavailable_ids(), sorted(excluded)],
        limit=CANDIDATES,
    ).ids
    profiles = list(RoutingProfile.objects.filter(person_id__in=found))
    counts = invitations_this_week([p.person_id for p in profiles])
    return rank_profiles(
        profiles,
        text=text,
        topic=topic,
        tags=tags,
        asker=asker,
        rank=rank,
        limit=limit,
        counts=counts,
    )


def rank_profiles(
    profiles: Sequence[RoutingProfile],
    *,
    text: str,
    topic: str,
    tags: Sequence[str],
    asker: Person | None,
    rank: int,
    limit: int,
    counts: dict[int, int],
) -> list[Routed]:
    """Score these profiles against the question with the matching engine; the best `limit`.

    Only the fields of audience rank <= `rank` are read. (bench/forum.py runs this over every
    profile as the scan baseline of the indexed route.)
    """
    from alma.matching.affinity import build_affinity_model
    from alma.matching.profiles import Constraints, Profile, Weights

    if not profiles or limit <= 0:
        return []
    question_terms = routing_terms(" ".join([text, *tags]))
    terms = set(question_terms)
    right = []
    shown_of: dict[int, dict[str, str]] = {}
    for p in profiles:
        shown = _visible_fields(p, rank)
        shown_of[p.person_id] = shown
        answered = split_list(shown["answered"])
        right.append(
            Profile(
                id=p.person_id,
                person=p.person_id,
                industry=shown.get("industry") or None,
                major=shown.get("major") or None,
                city=shown.get("city") or None,
                topics=tuple(split_list(shown.get("expertise", "")) + answered),
                text=" ".join([shown.get("expertise", ""), shown.get("answered", "")]),
            )
        )
    mentioned = {
        name: [
            v
            for v in dict.fromkeys(s.get(name, "") for s in shown_of.values())
            if v and _mentions(v, terms)
        ]
        for name in ("industry", "major", "city")
    }
    expertise_mentioned = [
        item
        for item in dict.fromkeys(
            i for s in shown_of.values() for i in split_list(s.get("expertise", ""))
        )
        if _mentions(item, terms)
    ]
    asker_major = ""
    if asker is not None and not mentioned["major"]:
        own = asker.educations.order_by("-entry_year").first()
        asker_major = own.major if own else ""
    left = Profile(
        id="question",
        major=(mentioned["major"] or [asker_major])[0] or None,
        target_industries=tuple(mentioned["industry"]),
        city=(mentioned["city"] or [""])[0] or None,
        topics=tuple([topic_term(topic)] if topic else [])
        + tuple(tags)
        + tuple(expertise_mentioned),
        text=" ".join([text, *tags]),
    )
    weights = Weights(
        major=1.0,
        school=0.0,
        target_industry=1.5,
        same_industry=0.0,
        city=0.75,
        graduation_year=0.0,
        language=0.0,
        topics=1.25,
        text=1.0,
    )
    model = build_affinity_model(
        left=[left],
        right=right,
        weights=weights,
        constraints=Constraints(exclude_same_person=False),
    )
    scores = model.score_block(0, 1)[0]
    order = sorted(
        range(len(model.right)),
        key=lambda j: (
            -float(scores[j]),
            counts.get(int(model.right[j].id), 0),
            int(model.right[j].id),
        ),
    )
    routed: list[Routed] = []
    for j in order:
        if len(routed) >= limit or not scores[j] > 0:
            break
        person_id = int(model.right[j].id)
        explanation = model.explain("question", person_id, top=4)
        item = Routed(
            person=person_id,
            score=float(scores[j]),
            reasons=[],
            invitations_this_week=counts.get(person_id, 0),
        )
        for reason in explanation.reasons:
            item.reasons.append({"code": reason.code, "params": _plain(reason.params)})
            if reason.code == "target_industry":
                item.industry = reason.params["industry"]
            elif reason.code == "same_major":
                item.major = reason.params["major"]
            elif reason.code == "same_city":
                item.city = reason.params["city"]
            elif reason.code == "shared_topics":
                item.expertise = [t for t in reason.params["topics"] if not is_topic_term(t)]
        routed.append(item)
    return routed


def _plain(params: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple | list) else v for k, v in dict(params).items()}


def reason_text(reason: dict[str, Any]) -> str:
    """A stored reason in the reader's language (topics by their names)."""
    from alma.matching.reasons import Reason, reason_label

    params = dict(reason.get("params") or {})
    if reason.get("code") == "event_speaker":
        return _("Speaker at “%(event)s”") % {"event": params.get("event", "")}
    if reason.get("code") == "shared_topics":
        params["topics"] = [_topic_name(t) for t in params.get("topics", [])]
    return reason_label(Reason(reason.get("code", ""), params))


def _topic_name(value: str) -> str:
    if is_topic_term(value):
        slug = value.removeprefix(TOPIC_TERM)
        if slug in Topic.values:
            return _("answered questions on %(topic)s") % {"topic": Topic(slug).label}
    return value
