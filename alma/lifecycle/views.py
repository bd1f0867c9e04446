"""Lifecycle pages: chapters' new students and alumni with send-off and welcome, admissions,
cohort enrolment and graduation, graduates' destinations, and who falls between stages."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alma.accounts.access import role_required, signed_in_user
from alma.accounts.roles import Role
from alma.events.access import may_manage_chapter
from alma.events.selectors import chapter_upcoming_events
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.lifecycle import selectors, services
from alma.lifecycle.forms import (
    DestinationForm,
    EnrolmentForm,
    GraduationForm,
    SendOffForm,
    WelcomeForm,
)
from alma.people.models import Chapter
from alma.people.privacy import person_views_for

PAGE_SIZE = 20


@role_required(Role.ALUMNI_OFFICE, Role.CHAPTER_OFFICER)
def chapter_list(request: HttpRequest) -> HttpResponse:
    chapters = selectors.chapters_managed_by(request.user)
    page = Paginator(chapters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "lifecycle/chapters.html", {"page": page})


def _chapter_for_manager(request: HttpRequest, pk: int) -> Chapter:
    chapter = get_object_or_404(Chapter, pk=pk)
    if not may_manage_chapter(request.user, chapter):
        raise PermissionDenied
    return chapter


def _year(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 1900 <= int(value) <= 2200 else default


@role_required(Role.ALUMNI_OFFICE, Role.CHAPTER_OFFICER)
def chapter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _chapter_page(request, _chapter_for_manager(request, pk))


def _chapter_page(
    request: HttpRequest,
    chapter: Chapter,
    *,
    send_off_form: SendOffForm | None = None,
    entry_year: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The chapter's page; after a refused send-off, with the form as the officer typed it."""
    this_year = timezone.localdate().year
    if entry_year is None:
        entry_year = _year(request, "entry_year", selectors.intake_year())
    graduation_year = _year(request, "graduation_year", this_year)
    students_page = Paginator(
        selectors.new_students_of(
            chapter=chapter, entry_year=entry_year, viewer=request.user
        ).prefetch_related("educations"),
        PAGE_SIZE,
    ).get_page(request.GET.get("students_page"))
    students = list(students_page.object_list)
    relations, sharing = selectors.parents_of(student_ids=[s.pk for s in students])
    # Each student as this officer may see them: hidden contacts are left out, not blanked.
    student_rows = [
        {
            "person": view,
            "educations": [e for e in view.get("educations", []) if e.entry_year == entry_year],
            "parents": [(r, r.relative_id in sharing) for r in relations.get(view["id"], [])],
        }
        for view in person_views_for(request.user, students)
    ]
    alumni_page = Paginator(
        selectors.new_alumni_of(chapter=chapter, graduation_year=graduation_year), PAGE_SIZE
    ).get_page(request.GET.get("alumni_page"))
    events = chapter_upcoming_events(chapter=chapter, limit=10)
    groups = list(chapter.parents_groups.order_by("-entry_year")[:5])
    return render(
        request,
        "lifecycle/chapter.html",
        {
            "chapter": chapter,
            "entry_year": entry_year,
            "graduation_year": graduation_year,
            "students_page": students_page,
            "student_rows": student_rows,
            "alumni_page": alumni_page,
            "events": events,
            "groups": groups,
            "send_off_form": send_off_form
            or SendOffForm(prefix="sendoff", initial={"entry_year": entry_year}),
            # Said before the officer types a date and venue that would not be used.
            "send_off_event": selectors.chapter_send_off_of(chapter=chapter, entry_year=entry_year),
            "welcome_form": WelcomeForm(
                prefix="welcome", initial={"graduation_year": graduation_year}
            ),
            "feed_url": request.build_absolute_uri(
                reverse("events:feed-chapter", args=[chapter.pk])
            ),
        },
        status=status,
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE, Role.CHAPTER_OFFICER)
def chapter_send_off(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = _chapter_for_manager(request, pk)
    form = SendOffForm(request.POST, prefix="sendoff")
    if not form.is_valid():
        # The page again, with what was typed and each field's own message.
        messages.error(request, _("Give the entry year, a date and time, and the venue."))
        return _chapter_page(request, chapter, send_off_form=form, status=400)
    try:
        result = services.chapter_send_off_create(
            chapter=chapter, by=signed_in_user(request), **form.cleaned_data
        )
    except ApplicationError as error:
        form_error_show(form, error)
        return _chapter_page(
            request,
            chapter,
            send_off_form=form,
            entry_year=form.cleaned_data["entry_year"],
            status=400,
        )
    if result.event_created:
        messages.success(
            request,
            _(
                "Send-off seminar created and %(n)d new students invited. %(p)d parents joined the new parents group."
            )
            % {"n": result.students, "p": result.parents_added},
        )
    else:
        messages.info(
            request,
            _(
                "The send-off seminar existed already. %(p)d more parents joined the new parents group."
            )
            % {"p": result.parents_added},
        )
    return redirect("events:manage", pk=result.event.pk)


@require_POST
@role_required(Role.ALUMNI_OFFICE, Role.CHAPTER_OFFICER)
def chapter_welcome(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = _chapter_for_manager(request, pk)
    form = WelcomeForm(request.POST, prefix="welcome")
    if not form.is_valid():
        messages.error(request, _("Give the graduation year, a date and time, and the venue."))
        return redirect("lifecycle:chapter", pk=chapter.pk)
    try:
        result = services.chapter_welcome_create(
            chapter=chapter, by=signed_in_user(request), **form.cleaned_data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("lifecycle:chapter", pk=chapter.pk)
    if result.event_created:
        messages.success(
            request, _("Welcome event created; %(n)d new alumni invited.") % {"n": result.invited}
        )
    else:
        messages.info(request, _("The welcome event existed already."))
    return redirect("events:manage", pk=result.event.pk)


@role_required(Role.ALUMNI_OFFICE)
def admissions(request: HttpRequest) -> HttpResponse:
    entry_year = _year(request, "entry_year", selectors.intake_year())
    rows = selectors.admissions_by_hometown(entry_year=entry_year, viewer=request.user)
    page = Paginator(rows, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "lifecycle/admissions.html",
        {"entry_year": entry_year, "page": page, "total": sum(r["students"] for r in rows)},
    )


PREVIEW_ROWS = 200


def _cohort_page(
    request: HttpRequest,
    form: GraduationForm | EnrolmentForm,
    *,
    template: str,
    preview: Callable[..., services.CohortPlan],
    apply: Callable[..., services.CohortPlan],
    done_message: str,
) -> HttpResponse:
    """A bulk transition: POST previews who changes; POST with `confirm` applies it."""
    plan = None
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("confirm"):
                plan = apply(by=signed_in_user(request), **form.service_kwargs())
                done = True
                messages.success(request, done_message % {"n": len(plan.changes)})
            else:
                plan = preview(**form.service_kwargs())
        except ApplicationError as error:
            form_error_show(form, error)
            plan = None
    return render(
        request,
        template,
        {"form": form, "plan": plan, "done": done, "preview_rows": PREVIEW_ROWS},
    )


@role_required(Role.ALUMNI_OFFICE)
def graduation(request: HttpRequest) -> HttpResponse:
    """Graduate a cohort (each graduate is asked their destination): preview, then confirm."""
    return _cohort_page(
        request,
        GraduationForm(request.POST or None),
        template="lifecycle/graduation.html",
        preview=services.cohort_graduation_plan,
        apply=services.graduation_run,
        done_message=_("%(n)d students graduated. Each was emailed the destination form."),
    )


@role_required(Role.ALUMNI_OFFICE)
def enrolment(request: HttpRequest) -> HttpResponse:
    """Enrol admitted students in bulk: preview, then confirm."""
    return _cohort_page(
        request,
        EnrolmentForm(request.POST or None),
        template="lifecycle/enrolment.html",
        preview=services.cohort_enrolment_plan,
        apply=services.cohort_enrol,
        done_message=_("%(n)d students enrolled."),
    )


@role_required(Role.ALUMNI_OFFICE)
def destinations(request: HttpRequest) -> HttpResponse:
    """Where this year's graduates went: answers, chapters, and who has not answered yet."""
    year = _year(request, "year", timezone.localdate().year)
    status = request.GET.get("status", "")
    rows = selectors.destinations_of(graduation_year=year, status=status)
    page = Paginator(rows, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.form_link = (  # type: ignore[attr-defined]
            reverse("lifecycle:destination", args=[services.destination_token(row)])
            if row.answered_at is None
            else ""
        )
    counts = selectors.destinations_of(graduation_year=year).aggregate(
        total=Count("id"), answered=Count("answered_at"), placed=Count("chapter")
    )
    return render(
        request,
        "lifecycle/destinations.html",
        {"year": year, "status": status, "page": page, "counts": counts},
    )


GAP_LABELS = {
    "no_stage": gettext_lazy("No lifecycle stage"),
    "admitted_not_enrolled": gettext_lazy("Admitted in an earlier year, never enrolled"),
    "student_without_course": gettext_lazy("Student with no open course of study"),
    "overdue_graduation": gettext_lazy("Student past the expected graduation year"),
    "alumni_without_chapter": gettext_lazy("Alumni in no chapter"),
}


@role_required(Role.ALUMNI_OFFICE)
def gaps(request: HttpRequest) -> HttpResponse:
    """Nobody falls between stages: who lacks a stage or a chapter."""
    sets = selectors.lifecycle_gaps()
    section = request.GET.get("section", "")
    if section not in sets:
        section = "no_stage"
    counts = [(key, str(GAP_LABELS[key]), qs.count()) for key, qs in sets.items()]
    page = Paginator(sets[section], PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "lifecycle/gaps.html",
        {
            "counts": counts,
            "section": section,
            "section_label": GAP_LABELS[section],
            "page": page,
            "people": person_views_for(request.user, page.object_list),
        },
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def gaps_assign(request: HttpRequest) -> HttpResponse:
    added = services.chapters_assign_by_city(by=signed_in_user(request))
    messages.success(request, _("%(n)d alumni joined the chapter of their city.") % {"n": added})
    return redirect(reverse("lifecycle:gaps") + "?section=alumni_without_chapter")


def destination(request: HttpRequest, token: str) -> HttpResponse:
    """The graduate's short form, reached from the email: the signed link is the key."""
    row = services.destination_from_token(token)
    if row is None:
        raise Http404(_("This link is not valid or has expired."))
    initial = {
        "city": row.city,
        "country": row.country,
        "employer": row.employer,
        "title": row.title,
    }
    form = DestinationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.graduate_destination_answer(destination=row, **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            return render(
                request, "lifecycle/destination.html", {"row": row, "form": None, "saved": True}
            )
    return render(request, "lifecycle/destination.html", {"row": row, "form": form, "saved": False})
