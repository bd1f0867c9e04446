"""Mentoring pages: thin views that parse, authorise, call a service or selector, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role, roles_of
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.mentoring import selectors, services
from alma.mentoring.forms import (
    CycleForm,
    MeetingForm,
    MenteeForm,
    MentorForm,
    ProgramForm,
    SurveyForm,
)
from alma.mentoring.models import (
    Cycle,
    Goal,
    Meeting,
    MentoringProgram,
    MentorProfile,
    Mentorship,
)
from alma.people.privacy import person_view_for, person_views_for

PAGE_SIZE = 25
OFFICE = Role.ALUMNI_OFFICE
MENTORS = (Role.ALUMNUS, Role.STAFF)
STUDENTS = (Role.STUDENT,)


def _is_office(request: HttpRequest) -> bool:
    return OFFICE in roles_of(request.user)


def _cycle(pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("program"), pk=pk)


def _mentorship_for(request: HttpRequest, pk: int) -> Mentorship:
    """A pair its mentor, its mentee or the office may see; anyone else gets 404."""
    pair = get_object_or_404(
        Mentorship.objects.select_related("cycle__program", "mentor__person", "mentee__person"),
        pk=pk,
    )
    person_id = signed_in_user(request).person_id
    is_party = person_id is not None and person_id in (
        pair.mentor.person_id,
        pair.mentee.person_id,
    )
    # Unpublished proposals are the office's draft.
    if not _is_office(request) and (not is_party or pair.status == Mentorship.Status.PROPOSED):
        raise Http404
    return pair


@login_required
def index(request: HttpRequest) -> HttpResponse:
    cycles = Paginator(selectors.cycles_listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = list(selectors.mentorships_of(signed_in_user(request).person_id)[:50])
    return render(
        request,
        "mentoring/index.html",
        {"page": cycles, "mine": mine, "is_office": _is_office(request)},
    )


@role_required(OFFICE)
def program_new(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Program created."))
            cycle = program.cycles.first()
            return redirect("mentoring:cycle", cycle.pk) if cycle else redirect("mentoring:index")
    return render(request, "mentoring/program_form.html", {"form": form})


@role_required(OFFICE)
def cycle_new(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(MentoringProgram, pk=pk)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(
                by=signed_in_user(request), program=program, **form.cleaned_data
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("The new cycle is open for applications."))
            return redirect("mentoring:cycle", cycle.pk)
    return render(request, "mentoring/cycle_form.html", {"form": form, "program": program})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    person_id = signed_in_user(request).person_id
    held = roles_of(request.user)
    context = {
        "cycle": cycle,
        "is_office": OFFICE in held,
        "may_mentor": bool(held & set(MENTORS)),
        "may_apply": Role.STUDENT in held,
        "my_mentor_profile": cycle.mentors.filter(person_id=person_id).first()
        if person_id
        else None,
        "my_application": cycle.mentees.filter(person_id=person_id).first() if person_id else None,
        "phases": Cycle.Phase.choices,
        "meeting_form": MeetingForm(),
    }
    return render(request, "mentoring/cycle.html", context)


@require_POST
@role_required(OFFICE)
def cycle_phase(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    services.cycle_set_phase(
        cycle=cycle, by=signed_in_user(request), phase=request.POST.get("phase", "")
    )
    messages.success(request, _("The cycle's phase is changed."))
    return redirect("mentoring:cycle", cycle.pk)


def _profile_page(
    request: HttpRequest,
    pk: int,
    *,
    side: str,
    form_class: type[MentorForm] | type[MenteeForm],
    save: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """The sign-up page of one side of a cycle: its form, prefilled from the person's profile."""
    cycle = _cycle(pk)
    person = signed_in_user(request).person
    if person is None:
        raise Http404
    existing = (cycle.mentors if side == "mentor" else cycle.mentees).filter(person=person).first()
    initial = {}
    if existing is not None:
        initial = {f: getattr(existing, f) for f in form_class.base_fields if f != "use_record"}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(cycle=cycle, person=person, by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, done)
            return redirect("mentoring:cycle", cycle.pk)
    return render(
        request, "mentoring/profile_form.html", {"form": form, "cycle": cycle, "side": side}
    )


@role_required(*MENTORS)
def mentor_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _profile_page(
        request,
        pk,
        side="mentor",
        form_class=MentorForm,
        save=services.mentor_sign_up,
        done=_("Thank you: you are signed up as a mentor."),
    )


@role_required(*STUDENTS)
def mentee_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _profile_page(
        request,
        pk,
        side="mentee",
        form_class=MenteeForm,
        save=services.mentee_apply,
        done=_("Your application is saved."),
    )


@role_required(Role.STUDENT, OFFICE)
def mentor_list(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    mentors = selectors.mentors_with_free_places(cycle)
    page = Paginator(mentors, PAGE_SIZE).get_page(request.GET.get("page"))
    mentors_shown = list(page.object_list)
    views = person_views_for(request.user, [m.person for m in mentors_shown])
    by_id = {view["id"]: view for view in views}
    for mentor in mentors_shown:
        # The card shows the person as this viewer may see them (a hidden headline stays out).
        mentor.person_view = by_id.get(mentor.person_id, {})  # type: ignore[attr-defined]
    return render(
        request,
        "mentoring/mentors.html",
        {"cycle": cycle, "page": page, "may_request": Role.STUDENT in roles_of(request.user)},
    )


@require_POST
@role_required(*STUDENTS)
def mentor_request(request: HttpRequest, pk: int, mentor_pk: int) -> HttpResponse:
    mentor = get_object_or_404(
        MentorProfile.objects.select_related("cycle"), pk=mentor_pk, cycle_id=pk
    )
    pair = services.mentorship_request(
        mentor=mentor, by=signed_in_user(request), message=request.POST.get("message", "")
    )
    messages.success(request, _("Your request is sent; the mentor will answer."))
    return redirect("mentoring:mentorship", pair.pk)


@role_required(OFFICE)
def matching(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    if request.method == "POST":
        outcome = services.matching_run(
            cycle=cycle, by=signed_in_user(request), solver=request.POST.get("solver", "optimal")
        )
        messages.success(
            request,
            _("%(n)d pairs proposed (total affinity %(total).2f) in %(s).2f s.")
            % {"n": outcome.run.matched, "total": outcome.run.objective, "s": outcome.run.seconds},
        )
        return redirect("mentoring:matching", cycle.pk)
    status = request.GET.get("status", "")
    pairs = selectors.pairs_of_cycle(cycle, status=status)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    for pair in page.object_list:
        pair.reason_labels = services.reasons_display(pair.reasons)  # type: ignore[attr-defined]
    return render(
        request,
        "mentoring/matching.html",
        {
            "cycle": cycle,
            "page": page,
            "solvers": services.SOLVERS,
            "statuses": Mentorship.Status.choices,
            "status": status,
            "last_run": cycle.runs.first(),
        },
    )


@require_POST
@role_required(OFFICE)
def matching_publish(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    n = services.matching_publish(cycle=cycle, by=signed_in_user(request))
    messages.success(request, _("%(n)d proposals sent to mentors and mentees.") % {"n": n})
    return redirect("mentoring:matching", cycle.pk)


@role_required(OFFICE)
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    board = selectors.cycle_dashboard(cycle)
    reasons = [
        (str(services.UNMATCHED_REASONS.get(code, code)), n)
        for code, n in board.unmatched_by_reason
    ]
    unmatched = Paginator(selectors.unmatched_mentees(cycle), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for application in unmatched.object_list:
        application.reason_label = services.UNMATCHED_REASONS.get(  # type: ignore[attr-defined]
            application.unmatched_reason, ""
        )
    return render(
        request,
        "mentoring/dashboard.html",
        {"cycle": cycle, "board": board, "reasons": reasons, "unmatched": unmatched},
    )


@login_required
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    person_id = signed_in_user(request).person_id
    meetings = list(pair.meetings.select_related("activity"))
    return render(
        request,
        "mentoring/mentorship.html",
        {
            "pair": pair,
            "reasons": services.reasons_display(pair.reasons),
            "is_mentor": person_id == pair.mentor.person_id,
            "is_mentee": person_id == pair.mentee.person_id,
            "is_office": _is_office(request),
            # Photos (or initials) of the pair, as each one's photo audience allows the viewer.
            "pair_views": [
                person_view_for(request.user, side.person) or {"full_name": side.person.full_name}
                for side in (pair.mentor, pair.mentee)
            ],
            "meetings": meetings,
            "goals": list(pair.goals.all()),
            "meeting_form": MeetingForm(
                initial={
                    "occurred_at": timezone.localtime().replace(
                        second=0, microsecond=0, tzinfo=None
                    )
                }
            ),
            "survey_form": SurveyForm(),
            "my_survey": pair.survey_responses.filter(person_id=person_id).first()
            if person_id
            else None,
            "mentors": list(
                pair.cycle.mentors.select_related("person").order_by("person__full_name")
            )
            if _is_office(request) and pair.status == Mentorship.Status.PROPOSED
            else [],
        },
    )


@require_POST
@login_required
def mentorship_respond(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    accept = request.POST.get("answer") == "accept"
    pair = services.mentorship_respond(mentorship=pair, by=signed_in_user(request), accept=accept)
    if pair.status == Mentorship.Status.ACTIVE:
        messages.success(request, _("Accepted: you are now a mentoring pair."))
    elif accept:
        messages.success(request, _("Accepted; waiting for the other side."))
    else:
        messages.success(request, _("Declined. The alumni office will look for another match."))
    return redirect("mentoring:mentorship", pair.pk)


@require_POST
@role_required()
def mentorship_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's conversation: the mentor and the mentee only (the office reads the pair's
    page, not their messages)."""
    pair = _mentorship_for(request, pk)
    try:
        conversation = services.mentorship_conversation(mentorship=pair, by=signed_in_user(request))
    except ApplicationError:
        raise Http404 from None
    return redirect("inbox:conversation", conversation.pk)


@require_POST
@role_required(OFFICE)
def mentorship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    if request.POST.get("remove"):
        cycle_pk = pair.cycle_id
        services.mentorship_remove(mentorship=pair, by=signed_in_user(request))
        messages.success(request, _("The proposed pair is removed."))
        return redirect("mentoring:matching", cycle_pk)
    try:
        mentor_pk = int(request.POST.get("mentor", ""))
    except ValueError:
        raise ApplicationError(_("Choose a mentor.")) from None
    mentor = get_object_or_404(MentorProfile, pk=mentor_pk)
    services.mentorship_set_mentor(mentorship=pair, mentor=mentor, by=signed_in_user(request))
    messages.success(request, _("The pair is changed."))
    return redirect("mentoring:matching", pair.cycle_id)


@require_POST
@login_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Give the meeting's date and topic."))
    services.meeting_log(mentorship=pair, by=signed_in_user(request), **form.cleaned_data)
    messages.success(request, _("Meeting logged."))
    return redirect("mentoring:mentorship", pair.pk)


@require_POST
@role_required(*MENTORS)
def group_meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Give the meeting's date and topic."))
    meetings = services.group_meeting_log(
        cycle=cycle, by=signed_in_user(request), **form.cleaned_data
    )
    messages.success(request, _("Group meeting logged for %(n)d mentees.") % {"n": len(meetings)})
    return redirect("mentoring:cycle", cycle.pk)


@require_POST
@login_required
def meeting_rate(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    meeting = get_object_or_404(
        Meeting.objects.select_related("activity"), pk=meeting_pk, mentorship=pair
    )
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        raise ApplicationError(_("A rating is a whole number from 1 to 5.")) from None
    services.meeting_rate(meeting=meeting, by=signed_in_user(request), rating=rating)
    messages.success(request, _("Thank you for rating the meeting."))
    return redirect("mentoring:mentorship", pair.pk)


@require_POST
@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    error = None
    try:
        if request.POST.get("goal"):
            goal_pk = request.POST["goal"]
            if not goal_pk.isdigit():
                raise Http404
            goal = get_object_or_404(Goal, pk=int(goal_pk), mentorship=pair)
            services.goal_toggle(goal=goal, by=signed_in_user(request))
        else:
            services.goal_add(
                mentorship=pair, by=signed_in_user(request), text=request.POST.get("text", "")
            )
    except ApplicationError as problem:
        if not request.htmx:  # type: ignore[attr-defined]
            raise
        error = problem.message
    if request.htmx:  # type: ignore[attr-defined]
        # The goals card alone, swapped in place, with any problem shown in it.
        person_id = signed_in_user(request).person_id
        context = {
            "pair": pair,
            "goals": list(pair.goals.all()),
            "is_mentor": person_id == pair.mentor.person_id,
            "is_mentee": person_id == pair.mentee.person_id,
            "goal_error": error,
        }
        return render(request, "mentoring/mentorship.html#goals", context)
    return redirect("mentoring:mentorship", pair.pk)


@require_POST
@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _mentorship_for(request, pk)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Satisfaction is a number from 1 to 5."))
    services.survey_submit(mentorship=pair, by=signed_in_user(request), **form.cleaned_data)
    messages.success(request, _("Thank you for your answer."))
    return redirect("mentoring:mentorship", pair.pk)
