"""Writes of the mentoring app: programs, sign-ups, matching runs, answers, meetings, surveys."""

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.models import Activity, Aspect
from alma.activity.services import activity_rate, activity_record
from alma.comms.models import Conversation
from alma.comms.services import conversation_open
from alma.lib.errors import ApplicationError
from alma.matching.graph import MatchingInputError
from alma.matching.profiles import Constraints
from alma.matching.reasons import Reason, reason_label
from alma.mentoring.models import (
    OPEN_STATES,
    Cycle,
    Goal,
    MatchRun,
    Meeting,
    MenteeApplication,
    MentoringProgram,
    MentorProfile,
    Mentorship,
    SurveyResponse,
)
from alma.mentoring.profiles import mentee_profile, mentor_profile, mentoring_consent
from alma.people.models import ConsentPurpose, Person, Stage
from alma.people.services import consent_record

SOLVERS = ("optimal", "stable", "greedy")
MAX_CAPACITY = 20
TEXT_MAX = 2000


def _require_office(by: User | None) -> None:
    if by is not None and Role.ALUMNI_OFFICE not in roles_of(by):
        raise ApplicationError(_("Only the alumni office can do this."))


def _check_text(**fields: str) -> None:
    for name, value in fields.items():
        if len(value or "") > TEXT_MAX:
            raise ApplicationError(
                _("%(field)s is too long (at most %(n)d characters).")
                % {"field": name.replace("_", " ").capitalize(), "n": TEXT_MAX},
                field=name,
            )


# --- Programs and cycles --------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    by: User | None,
    name: str,
    kind: str,
    description: str = "",
    cycle_name: str = "",
    applications_close_on: dt.date | None = None,
    active_from: dt.date | None = None,
    active_until: dt.date | None = None,
) -> MentoringProgram:
    """A program and, when `cycle_name` is given, its first cycle open for applications."""
    _require_office(by)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the program a name."), field="name")
    if kind not in MentoringProgram.Kind.values:
        raise ApplicationError(_("Choose a kind of program."), field="kind")
    if MentoringProgram.objects.filter(name=name).exists():
        raise ApplicationError(_("A program with this name already exists."), field="name")
    _check_text(description=description)
    program = MentoringProgram.objects.create(name=name, kind=kind, description=description)
    if cycle_name.strip():
        cycle_create(
            by=by,
            program=program,
            name=cycle_name,
            applications_close_on=applications_close_on,
            active_from=active_from,
            active_until=active_until,
        )
    return program


@transaction.atomic
def cycle_create(
    *,
    by: User | None,
    program: MentoringProgram,
    name: str,
    applications_close_on: dt.date | None = None,
    active_from: dt.date | None = None,
    active_until: dt.date | None = None,
    survey_until: dt.date | None = None,
) -> Cycle:
    _require_office(by)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the cycle a name."), field="name")
    if Cycle.objects.filter(program=program, name=name).exists():
        raise ApplicationError(_("This program already has a cycle of that name."), field="name")
    if active_from and active_until and active_until < active_from:
        raise ApplicationError(_("The active period ends before it starts."), field="active_until")
    return Cycle.objects.create(
        program=program,
        name=name,
        applications_close_on=applications_close_on,
        active_from=active_from,
        active_until=active_until,
        survey_until=survey_until,
    )


PHASE_ORDER = list(Cycle.Phase.values)


@transaction.atomic
def cycle_set_phase(*, cycle: Cycle, by: User | None, phase: str) -> Cycle:
    """Move a cycle forward (or back one step, to reopen applications or matching)."""
    _require_office(by)
    if phase not in PHASE_ORDER:
        raise ApplicationError(_("Unknown phase."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if PHASE_ORDER.index(phase) < PHASE_ORDER.index(cycle.phase) - 1:
        raise ApplicationError(_("A cycle can only go back one phase."))
    if phase == Cycle.Phase.ACTIVE and cycle.mentorships.filter(status="proposed").exists():
        raise ApplicationError(_("Publish or remove the proposed pairs first."))
    cycle.phase = phase
    cycle.save(update_fields=["phase"])
    if phase in (Cycle.Phase.SURVEY, Cycle.Phase.CLOSED):
        # Pairs still waiting for an answer lapse when the cycle ends.
        cycle.mentorships.filter(status__in=["proposed", "offered", "requested"]).update(
            status=Mentorship.Status.DECLINED
        )
    if phase == Cycle.Phase.SURVEY:
        ids = list(cycle.mentorships.filter(status="active").values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: _enqueue("survey_invite", ids))
    if phase == Cycle.Phase.CLOSED:
        cycle.mentorships.filter(status="active").update(status=Mentorship.Status.CLOSED)
    return cycle


# --- Sign-ups ---------------------------------------------------------------------------------


def _may_mentor(person: Person) -> bool:
    return person.stage == Stage.ALUMNUS or person.staff_posts.filter(active=True).exists()


def _record_consent(person: Person, by: User | None, use_record: bool | None) -> None:
    if use_record is not None:
        consent_record(
            person=person,
            by=by,
            decisions={ConsentPurpose.MENTORING: use_record},
            source="mentoring",
        )


@transaction.atomic
def mentor_sign_up(
    *,
    cycle: Cycle,
    person: Person,
    by: User | None,
    capacity: int,
    topics: str = "",
    industries: str = "",
    languages: str = "",
    expertise: str = "",
    preferences: str = "",
    use_record: bool | None = None,
) -> MentorProfile:
    """Offer to mentor in a cycle, or change the offer, while applications are open."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.profiles_editable:
        raise ApplicationError(_("Sign-ups for this cycle are closed."))
    if not _may_mentor(person):
        raise ApplicationError(_("Mentors are alumni or staff of the university."))
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise ApplicationError(_("Capacity is a whole number."), field="capacity")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ApplicationError(
            _("Take between 1 and %(n)d mentees.") % {"n": MAX_CAPACITY}, field="capacity"
        )
    _check_text(
        topics=topics,
        industries=industries,
        languages=languages,
        expertise=expertise,
        preferences=preferences,
    )
    if cycle.mentees.filter(person=person).exists():
        raise ApplicationError(_("You already applied as a mentee in this cycle."))
    held = Mentorship.objects.filter(
        mentor__cycle=cycle, mentor__person=person, status__in=OPEN_STATES
    ).count()
    if capacity < held:
        raise ApplicationError(
            _("You already have %(n)d mentees or requests; keep at least that many places.")
            % {"n": held},
            field="capacity",
        )
    values = {
        "capacity": capacity,
        "topics": topics[:300],
        "industries": industries[:300],
        "languages": languages[:200],
        "expertise": expertise,
        "preferences": preferences,
    }
    profile, _created = MentorProfile.objects.update_or_create(
        cycle=cycle, person=person, defaults=values
    )
    _record_consent(person, by, use_record)
    return profile


@transaction.atomic
def mentee_apply(
    *,
    cycle: Cycle,
    person: Person,
    by: User | None,
    goals: str,
    topics: str = "",
    target_industries: str = "",
    languages: str = "",
    preferences: str = "",
    use_record: bool | None = None,
) -> MenteeApplication:
    """Apply for a mentor in a cycle, or change the application, while applications are open."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.profiles_editable:
        raise ApplicationError(_("Applications for this cycle are closed."))
    if person.stage not in (Stage.STUDENT, Stage.PROSPECTIVE):
        raise ApplicationError(_("Mentees are students of the university."))
    if not goals.strip():
        raise ApplicationError(_("Say what you hope to get from a mentor."), field="goals")
    _check_text(
        goals=goals,
        topics=topics,
        target_industries=target_industries,
        languages=languages,
        preferences=preferences,
    )
    if cycle.mentors.filter(person=person).exists():
        raise ApplicationError(_("You already signed up as a mentor in this cycle."))
    application, _created = MenteeApplication.objects.update_or_create(
        cycle=cycle,
        person=person,
        defaults={
            "goals": goals,
            "topics": topics[:300],
            "target_industries": target_industries[:300],
            "languages": languages[:200],
            "preferences": preferences,
        },
    )
    _record_consent(person, by, use_record)
    return application


# --- Matching -------------------------------------------------------------------------------


@dataclass
class MatchOutcome:
    run: MatchRun
    unmatched: dict[int, str] = field(default_factory=dict)  # mentee application id -> why


def _free_places(cycle: Cycle) -> dict[int, int]:
    taken = dict(
        Mentorship.objects.filter(cycle=cycle, status__in=OPEN_STATES)
        .values_list("mentor_id")
        .annotate(n=Count("id"))
    )
    return {
        pk: capacity - taken.get(pk, 0)
        for pk, capacity in cycle.mentors.values_list("pk", "capacity")
    }


def _stored_reasons(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    """The engine's reasons as `Mentorship.reasons` stores them; `reasons_display` reads them."""
    return [
        {"code": r.code, "params": dict(r.params), "contribution": r.contribution} for r in reasons
    ]


@transaction.atomic
def matching_run(*, cycle: Cycle, by: User | None, solver: str = "optimal") -> MatchOutcome:
    """Propose pairs for every mentee without one, keeping pairs already offered or accepted.

    Unpublished proposals of an earlier run are replaced; pairs someone declined are never
    proposed again; a mentor's places held by open pairs count against their capacity. The
    cycle moves to the matching phase, which closes sign-ups.
    """
    _require_office(by)
    if solver not in SOLVERS:
        raise ApplicationError(
            _("Unknown solver %(s)s: choose optimal, stable or greedy.") % {"s": solver}
        )
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase not in (Cycle.Phase.APPLICATIONS, Cycle.Phase.MATCHING, Cycle.Phase.ACTIVE):
        raise ApplicationError(_("This cycle is over; it cannot be matched again."))
    started = time.perf_counter()
    cycle.mentorships.filter(status=Mentorship.Status.PROPOSED).delete()
    open_mentees = set(
        cycle.mentorships.filter(status__in=OPEN_STATES).values_list("mentee_id", flat=True)
    )
    declined = list(
        cycle.mentorships.filter(status=Mentorship.Status.DECLINED).values_list(
            "mentee_id", "mentor_id"
        )
    )
    mentees = list(
        cycle.mentees.exclude(pk__in=open_mentees).prefetch_related(
            "person__educations", "person__employments"
        )
    )
    free = _free_places(cycle)
    mentors = list(
        cycle.mentors.filter(pk__in=[pk for pk, n in free.items() if n > 0]).prefetch_related(
            "person__educations", "person__employments"
        )
    )
    consented = mentoring_consent([m.person_id for m in mentees] + [m.person_id for m in mentors])
    run = MatchRun.objects.create(cycle=cycle, solver=solver, run_by=by, mentees=len(mentees))
    unmatched: dict[int, str] = {}
    if mentees and not mentors:
        unmatched = {m.pk: "no_mentor_free" for m in mentees}
    elif mentees:
        from alma.matching.engine import match_profiles

        left = [mentee_profile(m, consented=m.person_id in consented) for m in mentees]
        right = [
            mentor_profile(m, consented=m.person_id in consented, capacity=free[m.pk])
            for m in mentors
        ]
        try:
            result = match_profiles(
                left=left,
                right=right,
                constraints=Constraints(exclusions=frozenset(declined)),
                solver=solver,
                k=min(50, len(right)),
                workers=1,
            )
        except MatchingInputError as error:
            raise ApplicationError(
                _("The matching engine refused the input: %(e)s") % {"e": error.message}
            ) from error
        Mentorship.objects.bulk_create(
            [
                Mentorship(
                    cycle=cycle,
                    mentor_id=pair.right,
                    mentee_id=pair.left,
                    status=Mentorship.Status.PROPOSED,
                    source=Mentorship.Source.MATCHING,
                    run=run,
                    score=round(pair.score, 4),
                    reasons=_stored_reasons(pair.reasons),
                )
                for pair in result.pairs
            ]
        )
        graph = result.graph
        with_candidates = {graph.left_ids[i] for i in set(graph.pair_left.tolist())}
        for pk in result.unmatched_left():
            if pk in with_candidates:
                unmatched[int(pk)] = "places_taken"
            else:
                blocks = Counter(
                    result.model.explain(pk, mentor.id).blocked_by or "no_affinity"
                    for mentor in result.model.right[:200]
                )
                unmatched[int(pk)] = blocks.most_common(1)[0][0] if blocks else "no_affinity"
        run.objective = round(result.total, 6)
        run.matched = result.matched
    run.seconds = round(time.perf_counter() - started, 4)
    run.save(update_fields=["objective", "matched", "seconds"])
    cycle.mentees.exclude(pk__in=unmatched).update(unmatched_reason="")
    for reason in set(unmatched.values()):
        cycle.mentees.filter(pk__in=[pk for pk, why in unmatched.items() if why == reason]).update(
            unmatched_reason=reason
        )
    if cycle.phase == Cycle.Phase.APPLICATIONS:
        cycle.phase = Cycle.Phase.MATCHING
        cycle.save(update_fields=["phase"])
    return MatchOutcome(run=run, unmatched=unmatched)


def _pair_explanation(mentor: MentorProfile, mentee: MenteeApplication) -> tuple[float, list]:
    """Score and reasons of one pair, as a run would give them."""
    from alma.matching.affinity import build_affinity_model

    consented = mentoring_consent([mentor.person_id, mentee.person_id])
    model = build_affinity_model(
        left=[mentee_profile(mentee, consented=mentee.person_id in consented)],
        right=[mentor_profile(mentor, consented=mentor.person_id in consented, capacity=1)],
    )
    explanation = model.explain(mentee.pk, mentor.pk)
    return round(explanation.score, 4), _stored_reasons(explanation.reasons)


def _lock_mentor_with_place(mentor: MentorProfile, *, ignoring: Mentorship | None = None) -> None:
    MentorProfile.objects.select_for_update().filter(pk=mentor.pk).first()
    taken = Mentorship.objects.filter(mentor=mentor, status__in=OPEN_STATES)
    if ignoring is not None:
        taken = taken.exclude(pk=ignoring.pk)
    if taken.count() >= mentor.capacity:
        raise ApplicationError(_("This mentor has no free place."))


@transaction.atomic
def mentorship_set_mentor(
    *, mentorship: Mentorship, mentor: MentorProfile, by: User | None
) -> Mentorship:
    """The office changes the mentor of a proposed pair before publishing."""
    _require_office(by)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise ApplicationError(_("Only proposed pairs can be edited."))
    if mentor.cycle_id != mentorship.cycle_id:
        raise ApplicationError(_("That mentor is not in this cycle."))
    if mentor.person_id == mentorship.mentee.person_id:
        raise ApplicationError(_("Nobody can mentor themself."))
    if Mentorship.objects.filter(
        mentor=mentor, mentee_id=mentorship.mentee_id, status=Mentorship.Status.DECLINED
    ).exists():
        raise ApplicationError(_("This pair was declined before."))
    _lock_mentor_with_place(mentor, ignoring=mentorship)
    mentorship.mentor = mentor
    mentorship.source = Mentorship.Source.OFFICE
    mentorship.score, mentorship.reasons = _pair_explanation(mentor, mentorship.mentee)
    mentorship.save(update_fields=["mentor", "source", "score", "reasons", "updated_at"])
    return mentorship


@transaction.atomic
def mentorship_remove(*, mentorship: Mentorship, by: User | None) -> None:
    _require_office(by)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise ApplicationError(_("Only proposed pairs can be removed."))
    mentorship.delete()


@transaction.atomic
def matching_publish(*, cycle: Cycle, by: User | None) -> int:
    """Send the proposed pairs to mentors and mentees; both must accept."""
    _require_office(by)
    ids = list(cycle.mentorships.filter(status="proposed").values_list("pk", flat=True))
    if not ids:
        raise ApplicationError(_("There are no proposed pairs to publish."))
    Mentorship.objects.filter(pk__in=ids).update(status=Mentorship.Status.OFFERED)
    transaction.on_commit(lambda: _enqueue("proposal", ids))
    return len(ids)


def _enqueue(reason: str, ids: list[int]) -> None:
    from alma.mentoring.tasks import mentorships_notify

    mentorships_notify.enqueue(ids, reason)


# --- Answers and direct requests ------------------------------------------------------------


@transaction.atomic
def mentorship_respond(*, mentorship: Mentorship, by: User, accept: bool) -> Mentorship:
    """The mentor or the mentee accepts or declines; both accept an offer, the mentor a request."""
    mentorship = (
        Mentorship.objects.select_for_update()
        .select_related("mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    person_id = by.person_id
    is_mentor = person_id is not None and person_id == mentorship.mentor.person_id
    is_mentee = person_id is not None and person_id == mentorship.mentee.person_id
    if not (is_mentor or is_mentee):
        raise ApplicationError(_("Only the mentor or the mentee can answer."))
    if mentorship.status == Mentorship.Status.REQUESTED:
        if not is_mentor:
            raise ApplicationError(_("The mentor answers a request."))
    elif mentorship.status != Mentorship.Status.OFFERED:
        raise ApplicationError(_("This pair is not waiting for an answer."))
    if is_mentor:
        mentorship.mentor_accepted = accept
    if is_mentee:
        mentorship.mentee_accepted = accept
    if not accept:
        mentorship.status = Mentorship.Status.DECLINED
    elif mentorship.mentor_accepted and mentorship.mentee_accepted:
        mentorship.status = Mentorship.Status.ACTIVE
    mentorship.save(update_fields=["mentor_accepted", "mentee_accepted", "status", "updated_at"])
    if mentorship.status in (Mentorship.Status.ACTIVE, Mentorship.Status.DECLINED):
        reason = "accepted" if mentorship.status == Mentorship.Status.ACTIVE else "declined"
        pk = mentorship.pk
        transaction.on_commit(lambda: _enqueue(reason, [pk]))
        if reason == "accepted":
            transaction.on_commit(lambda: schedule_reminder(pk))
    return mentorship


@transaction.atomic
def mentorship_request(*, mentor: MentorProfile, by: User, message: str = "") -> Mentorship:
    """A student asks a mentor with a free place directly; the mentor accepts or declines."""
    person = by.person
    if person is None or person.stage not in (Stage.STUDENT, Stage.PROSPECTIVE):
        raise ApplicationError(_("Only students can ask for a mentor."))
    cycle = Cycle.objects.select_for_update().get(pk=mentor.cycle_id)
    if not cycle.requests_open:
        raise ApplicationError(_("This cycle no longer takes requests."))
    if mentor.person_id == person.pk:
        raise ApplicationError(_("Nobody can mentor themself."))
    _check_text(message=message)
    application = MenteeApplication.objects.filter(cycle=cycle, person=person).first()
    if application is None:
        if cycle.mentors.filter(person=person).exists():
            raise ApplicationError(_("You already signed up as a mentor in this cycle."))
        application = MenteeApplication.objects.create(
            cycle=cycle, person=person, goals=message or _("Asked a mentor directly.")
        )
    if Mentorship.objects.filter(mentee=application, status__in=OPEN_STATES).exists():
        raise ApplicationError(_("You already have a mentor, or an open request, in this cycle."))
    if Mentorship.objects.filter(
        mentee=application, mentor=mentor, status=Mentorship.Status.DECLINED
    ).exists():
        raise ApplicationError(_("This mentor has already declined; choose another."))
    _lock_mentor_with_place(mentor)
    score, reasons = _pair_explanation(mentor, application)
    mentorship = Mentorship.objects.create(
        cycle=cycle,
        mentor=mentor,
        mentee=application,
        status=Mentorship.Status.REQUESTED,
        source=Mentorship.Source.REQUEST,
        score=score,
        reasons=reasons,
        message=message,
        mentee_accepted=True,
    )
    pk = mentorship.pk
    transaction.on_commit(lambda: _enqueue("request", [pk]))
    return mentorship


# --- Meetings, goals, survey ----------------------------------------------------------------


def _fresh(mentorship: Mentorship) -> Mentorship:
    """The pair as stored now, locked: its status decides what may happen."""
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("cycle", "mentor__person", "mentee__person")
        .get(pk=mentorship.pk)
    )


def _participant(mentorship: Mentorship, by: User) -> str:
    if by.person_id and by.person_id == mentorship.mentor.person_id:
        return "mentor"
    if by.person_id and by.person_id == mentorship.mentee.person_id:
        return "mentee"
    raise ApplicationError(_("Only the mentor or the mentee can do this."))


@transaction.atomic
def meeting_log(
    *,
    mentorship: Mentorship,
    by: User,
    topic: str,
    occurred_at: dt.datetime | None = None,
    note: str = "",
) -> Meeting:
    """Record a meeting of an active pair, and its `mentoring.meeting` activity in the ledger."""
    mentorship = _fresh(mentorship)
    _participant(mentorship, by)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ApplicationError(_("Meetings are logged for active pairs only."))
    if topic not in Aspect.values:
        raise ApplicationError(_("Choose a topic: life, study or work."), field="topic")
    when = occurred_at or timezone.now()
    if when > timezone.now() + dt.timedelta(days=1):
        raise ApplicationError(_("Log a meeting once it has happened."), field="occurred_at")
    _check_text(note=note)
    meeting = Meeting.objects.create(
        mentorship=mentorship, occurred_at=when, topic=topic, note=note
    )
    meeting.activity = activity_record(
        kind="mentoring.meeting",
        actor=mentorship.mentor.person,
        beneficiary=mentorship.mentee.person,
        aspect=topic,
        note=note,
        occurred_at=when,
        source=meeting,
        recorded_by=by,
    )
    meeting.save(update_fields=["activity"])
    return meeting


@transaction.atomic
def group_meeting_log(
    *,
    cycle: Cycle,
    by: User,
    topic: str,
    occurred_at: dt.datetime | None = None,
    note: str = "",
) -> list[Meeting]:
    """A mentor meets all their active mentees of a cycle at once (group mentoring).

    Each mentee gets a meeting and an activity of their own, so each can rate it.
    """
    pairs = list(
        Mentorship.objects.filter(
            cycle=cycle, mentor__person=by.person, status=Mentorship.Status.ACTIVE
        ).order_by("id")
    )
    if by.person is None or not pairs:
        raise ApplicationError(_("You have no active mentees in this cycle."))
    return [
        meeting_log(mentorship=pair, by=by, topic=topic, occurred_at=occurred_at, note=note)
        for pair in pairs
    ]


@transaction.atomic
def meeting_rate(*, meeting: Meeting, by: User, rating: int) -> Activity:
    """The mentee rates a meeting; the rating lives on the meeting's activity."""
    if meeting.activity is None:
        raise ApplicationError(_("This meeting cannot be rated."))
    return activity_rate(activity=meeting.activity, by=by, rating=rating)


@transaction.atomic
def goal_add(*, mentorship: Mentorship, by: User, text: str) -> Goal:
    mentorship = _fresh(mentorship)
    _participant(mentorship, by)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ApplicationError(_("Goals are set for active pairs only."))
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the goal."), field="text")
    if len(text) > 300:
        raise ApplicationError(_("Keep a goal under 300 characters."), field="text")
    return Goal.objects.create(mentorship=mentorship, text=text)


@transaction.atomic
def goal_toggle(*, goal: Goal, by: User) -> Goal:
    _participant(goal.mentorship, by)
    goal.done = not goal.done
    goal.save(update_fields=["done"])
    return goal


@transaction.atomic
def survey_submit(
    *, mentorship: Mentorship, by: User, satisfaction: int, comment: str = ""
) -> SurveyResponse:
    mentorship = _fresh(mentorship)
    _participant(mentorship, by)
    if mentorship.cycle.phase not in (Cycle.Phase.ACTIVE, Cycle.Phase.SURVEY):
        raise ApplicationError(_("The closing survey is not open."))
    if mentorship.status not in (Mentorship.Status.ACTIVE, Mentorship.Status.CLOSED):
        raise ApplicationError(_("Only pairs that met answer the survey."))
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int):
        raise ApplicationError(_("Satisfaction is a number from 1 to 5."), field="satisfaction")
    if not 1 <= satisfaction <= 5:
        raise ApplicationError(_("Satisfaction is a number from 1 to 5."), field="satisfaction")
    _check_text(comment=comment)
    response, _created = SurveyResponse.objects.update_or_create(
        mentorship=mentorship,
        person=by.person,
        defaults={"satisfaction": satisfaction, "comment": comment},
    )
    return response


# Why a mentee got no proposal, from the engine's candidate graph and block rules.
UNMATCHED_REASONS = {
    "no_mentor_free": gettext_lazy("No mentor had a free place."),
    "places_taken": gettext_lazy("Every suitable mentor's places went to closer matches."),
    "no_affinity": gettext_lazy("No mentor shares anything with this application."),
    "excluded": gettext_lazy("The only possible mentors declined this student before."),
    "same_person": gettext_lazy("The only possible mentor is the student."),
    "required_language": gettext_lazy("No mentor speaks a required language."),
}

REMINDER_AFTER_DAYS = 30


def schedule_reminder(mentorship_id: int) -> None:
    """Queue a reminder a month from now, where the queue can defer jobs (`alma worker`)."""
    from alma.mentoring.tasks import mentorship_remind

    if mentorship_remind.get_backend().supports_defer:
        mentorship_remind.using(
            run_after=timezone.now() + dt.timedelta(days=REMINDER_AFTER_DAYS)
        ).enqueue(mentorship_id)


def mentorship_reminder_send(*, mentorship_id: int) -> int:
    """Mail an active pair that has not logged a meeting for a month; returns mails sent."""
    since = timezone.now() - dt.timedelta(days=REMINDER_AFTER_DAYS)
    quiet = (
        Mentorship.objects.filter(pk=mentorship_id, status=Mentorship.Status.ACTIVE)
        .exclude(meetings__occurred_at__gte=since)
        .exists()
    )
    if not quiet:
        return 0
    from alma.mentoring.notifications import send_mentorship_mails

    return send_mentorship_mails([mentorship_id], "reminder")


def meeting_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind active pairs that have not met for a month; run daily by `alma worker`."""
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    )
    since = now - dt.timedelta(days=REMINDER_AFTER_DAYS)
    quiet = (
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE, updated_at__lt=since)
        .exclude(meetings__occurred_at__gte=since)
        .filter(Q(cycle__phase=Cycle.Phase.ACTIVE))
        .values_list("pk", flat=True)
    )
    from alma.mentoring.notifications import send_mentorship_mails

    return send_mentorship_mails(list(quiet), "reminder")


def reasons_display(reasons: list[dict[str, Any]]) -> list[str]:
    """Stored reasons in the reader's language."""
    return [reason_label(Reason(code=r["code"], params=r.get("params", {}))) for r in reasons or []]


def mentorship_conversation(*, mentorship: Mentorship, by: User) -> Conversation:
    """The pair's private conversation (made on first use), for the mentor and the mentee only:
    neither needs the other's contact details to talk."""
    parties = (mentorship.mentor.person, mentorship.mentee.person)
    if by.person_id not in {p.pk for p in parties}:
        raise ApplicationError(_("Only the mentor and the mentee talk in their conversation."))
    if mentorship.status not in (
        Mentorship.Status.OFFERED,
        Mentorship.Status.REQUESTED,
        Mentorship.Status.ACTIVE,
        Mentorship.Status.CLOSED,
    ):
        raise ApplicationError(_("This pair is not published."))
    return conversation_open(
        topic=f"mentoring.pair:{mentorship.pk}",
        title=_("Mentoring: %(mentor)s and %(mentee)s")
        % {"mentor": parties[0].full_name, "mentee": parties[1].full_name},
        members=parties,
        link=reverse("mentoring:mentorship", args=[mentorship.pk]),
    )
