"""Careers pages: thin views that parse, authorise, call a service or selector, render."""

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, signed_in_user
from alma.careers import selectors, services
from alma.careers.forms import (
    ApplyForm,
    CareerProfileForm,
    FairForm,
    JoinForm,
    MoveForm,
    OrganizationProfileForm,
    PostingForm,
    ReviewForm,
    VisitForm,
    VisitPhotoForm,
    VisitReportForm,
)
from alma.careers.models import (
    AllianceMembership,
    Booth,
    CareerProfile,
    EnterpriseVisit,
    JobApplication,
    JobFair,
    PostingKind,
    VisitPhoto,
)
from alma.careers.recommend import rank_students
from alma.lib.downloads import private_download
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.people.models import Employment, Organization
from alma.people.privacy import person_shown_by_consent, person_view_for

PAGE_SIZE = 20


def _staff_only(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if not selectors.is_career_staff(user):
        raise PermissionDenied
    return user


# --- Postings ------------------------------------------------------------------------------


@login_required
def posting_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    text = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind not in PostingKind.values:
        kind = ""
    city = request.GET.get("city", "").strip()[:80]
    major = request.GET.get("major", "").strip()[:120]
    remote = request.GET.get("remote") == "1"
    results = selectors.postings_search(text=text, kind=kind, city=city, major=major, remote=remote)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = dict(PostingKind.choices)
    facets = selectors.posting_facets(results)
    facets["kind"] = [(kinds[k], n, k) for k, n in facets["kind"]]  # type: ignore[misc]
    return render(
        request,
        "careers/posting_list.html",
        {
            "page": page,
            "q": text,
            "kind": kind,
            "city": city,
            "major": major,
            "remote": remote,
            "facets": facets,
            "kinds": PostingKind.choices,
            "staff": selectors.is_career_staff(user),
            "represents": bool(selectors.represented_ids(user)),
            "student": selectors.is_student(user),
        },
    )


def _posting_or_404(request: HttpRequest, pk: int) -> Any:
    posting = selectors.posting_for(signed_in_user(request), pk)
    if posting is None:
        raise Http404
    return posting


@login_required
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    posting = _posting_or_404(request, pk)
    mine = None
    if user.person_id:
        mine = JobApplication.objects.filter(posting=posting, student_id=user.person_id).first()
    return render(
        request,
        "careers/posting_detail.html",
        {
            "posting": posting,
            "description": selectors.markdown_html(posting.description),
            "manages": selectors.may_manage_organization(user, posting.organization_id),
            "staff": selectors.is_career_staff(user),
            "may_apply": selectors.is_student(user) and posting.is_open() and mine is None,
            "mine": mine,
            "form": ApplyForm(),
            "review_form": ReviewForm(),
        },
    )


@login_required
def posting_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if selectors.is_career_staff(user):
        organizations = Organization.objects.exclude(kind=Organization.Kind.SCHOOL_UNIT)
    else:
        organizations = Organization.objects.filter(
            pk__in=selectors.represented_ids(user),
            alliance_membership__status=AllianceMembership.Status.APPROVED,
        )
        if not organizations.exists():
            raise PermissionDenied
    form = PostingForm(request.POST or None, organizations=organizations.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posting = services.posting_create(user=user, **data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(
                request, _("Posted. The career office reviews it before it goes live.")
            )
            return redirect("careers:posting", pk=posting.pk)
    return render(request, "careers/posting_form.html", {"form": form})


@login_required
@require_POST
def posting_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_only(request)
    posting = _posting_or_404(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Approve or return the posting."))
    approve = form.cleaned_data["decision"] == "approve"
    services.posting_review(
        posting=posting, user=user, approve=approve, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Posting live.") if approve else _("Posting returned."))
    return redirect("careers:review")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(
        request,
        "careers/review.html",
        {
            "postings": selectors.postings_pending().order_by("created_at", "id")[:100],
            "requests": selectors.alliance_requests().order_by("requested_at", "id")[:100],
            "review_form": ReviewForm(),
        },
    )


@login_required
def posting_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    posting = _posting_or_404(request, pk)
    if not selectors.is_student(user):
        raise PermissionDenied
    form = ApplyForm(request.POST or None, request.FILES or None)
    # Applying on site at a fair's booth (from the booth's sign-in page).
    fair_id = request.GET.get("fair", "")
    fair = JobFair.objects.filter(pk=int(fair_id)).first() if fair_id.isdigit() else None
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                user=user,
                posting=posting,
                note=form.cleaned_data["note"],
                cv=form.cleaned_data["cv"],
                at_fair=fair,
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Applied. You will hear at each step."))
            return redirect("careers:my-applications")
    return render(request, "careers/apply.html", {"posting": posting, "form": form, "fair": fair})


@login_required
def posting_applicants(request: HttpRequest, pk: int) -> HttpResponse:
    """The pipeline of one posting, for its organisation and career staff; moved in bulk."""
    user = signed_in_user(request)
    posting = _posting_or_404(request, pk)
    if not selectors.may_manage_organization(user, posting.organization_id):
        raise Http404
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in request.POST.getlist("application") if v.isdigit()]
        try:
            moved = services.applications_move(
                user=user, posting=posting, application_ids=ids, status=form.cleaned_data["status"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(n)d applications moved.") % {"n": moved})
            return redirect("careers:applicants", pk=posting.pk)
    applications = list(selectors.applicants_of(posting))
    # The student chose to show themselves to this organisation by applying.
    rows = [(a, person_shown_by_consent(user, a.student, consented=True)) for a in applications]
    return render(
        request,
        "careers/applicants.html",
        {"posting": posting, "rows": rows, "form": form},
    )


@login_required
def posting_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Students who opted in and fit the posting, with the engine's reasons."""
    user = signed_in_user(request)
    posting = _posting_or_404(request, pk)
    if not selectors.may_manage_organization(user, posting.organization_id):
        raise Http404
    people = list(selectors.open_students()[:5000])
    [features] = selectors.posting_features([posting])
    ranked = rank_students(features, selectors.student_features(people, viewer=user), limit=20)
    by_id = {p.pk: p for p in people}
    rows = [(person_shown_by_consent(user, by_id[r.id], consented=True), r) for r in ranked]
    return render(request, "careers/candidates.html", {"posting": posting, "rows": rows})


@login_required
def recommended(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not selectors.is_student(user) or user.person is None:
        raise PermissionDenied
    rows = selectors.recommendations_for(user.person, limit=10)
    return render(request, "careers/recommended.html", {"rows": rows})


@login_required
def career_profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not selectors.is_student(user) or user.person_id is None:
        raise PermissionDenied
    profile = CareerProfile.objects.filter(person_id=user.person_id).first()
    initial = {}
    if profile is not None:
        initial = {
            "skills": profile.skills,
            "target_industries": profile.target_industries,
            "preferred_cities": profile.preferred_cities,
            "open_to_employers": profile.open_to_employers,
        }
    form = CareerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.career_profile_save(user=user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("careers:recommended")
    return render(request, "careers/profile.html", {"form": form})


# --- Applications --------------------------------------------------------------------------


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.person is None:
        raise Http404
    applications = selectors.applications_of_student(user.person)
    return render(request, "careers/my_applications.html", {"applications": applications})


@login_required
def application_cv(request: HttpRequest, pk: int) -> HttpResponse:
    """Private: the student, the organisation applied to and career staff; everyone else 404."""
    application = selectors.application_for(signed_in_user(request), pk)
    if application is None or not application.cv:
        raise Http404
    with application.cv.open("rb") as stored:
        content = stored.read()
    return private_download(
        content,
        content_type=application.cv_content_type,
        filename=f"cv-{application.pk}{application.cv_extension}",
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    application = selectors.application_for(user, pk)
    if application is None or application.student_id != user.person_id:
        raise Http404
    services.application_withdraw(user=user, application=application)
    messages.success(request, _("Application withdrawn."))
    return redirect("careers:my-applications")


# --- The alliance --------------------------------------------------------------------------


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    members = selectors.alliance_members()
    page = Paginator(members, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "careers/organization_list.html",
        {"page": page, "staff": selectors.is_career_staff(signed_in_user(request))},
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    organization = get_object_or_404(Organization, pk=pk)
    membership = selectors.membership_of(organization)
    manages = selectors.may_manage_organization(user, organization.pk)
    approved = membership is not None and membership.status == AllianceMembership.Status.APPROVED
    if not approved and not manages:
        raise Http404
    postings = selectors.live_postings().filter(organization=organization).order_by("deadline")
    return render(
        request,
        "careers/organization_detail.html",
        {
            "organization": organization,
            "membership": membership,
            "manages": manages,
            "alumni_count": selectors.alumni_working_at(user, organization),
            "postings": postings[:50],
            "fairs": JobFair.objects.filter(booths__organization=organization).order_by("-date")[
                :20
            ],
            "practice_bases": organization.practice_bases.all(),
        },
    )


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    organization = get_object_or_404(Organization, pk=pk)
    if not selectors.may_manage_organization(user, organization.pk):
        raise Http404
    membership = selectors.membership_of(organization)
    initial = {name: getattr(organization, name) for name in services.ORGANIZATION_FIELDS}
    if membership is not None:
        initial.update({name: getattr(membership, name) for name in services.MEMBERSHIP_FIELDS})
    form = OrganizationProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_profile_update(
                user=user, organization=organization, **form.cleaned_data
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("careers:organization", pk=organization.pk)
    return render(
        request, "careers/organization_edit.html", {"organization": organization, "form": form}
    )


@login_required
def alliance_join(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.person_id is None:
        raise PermissionDenied
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alliance_request(user=user, **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Request sent. The career office will decide."))
            return redirect("careers:organizations")
    return render(request, "careers/join.html", {"form": form})


@login_required
@require_POST
def alliance_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_only(request)
    membership = get_object_or_404(AllianceMembership, organization_id=pk)
    approve = request.POST.get("decision") == "approve"
    services.alliance_decide(membership=membership, user=user, approve=approve)
    messages.success(request, _("Decided."))
    return redirect("careers:review")


# --- Employer links ------------------------------------------------------------------------


@login_required
def employer_links(request: HttpRequest) -> HttpResponse:
    """The office's queue of uncertain employer links: confirm or reject each."""
    user = _staff_only(request)
    if request.method == "POST":
        employment = get_object_or_404(Employment, pk=_int(request.POST.get("employment")))
        organization = get_object_or_404(Organization, pk=_int(request.POST.get("organization")))
        confirm = request.POST.get("decision") == "confirm"
        try:
            services.employer_link_decide(
                user=user, employment=employment, organization=organization, confirm=confirm
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Link confirmed.") if confirm else _("Link rejected."))
        return redirect("careers:employer-links")
    rows = [
        (employment, organization, person_view_for(user, employment.person))
        for employment, organization in selectors.employer_links_uncertain(user)
    ]
    return render(request, "careers/employer_links.html", {"rows": rows})


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


# --- Job fairs -----------------------------------------------------------------------------


@login_required
def fair_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careers/fair_list.html",
        {
            "fairs": selectors.fairs_listed()[:50],
            "staff": selectors.is_career_staff(signed_in_user(request)),
        },
    )


@login_required
def fair_new(request: HttpRequest) -> HttpResponse:
    """The office (alumni or career) holds a fair: its event in the events calendar is made in
    the same step."""
    user = _staff_only(request)
    form = FairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_create(user=user, **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Fair created; it is in the events calendar too."))
            return redirect("careers:fair", pk=fair.pk)
    return render(request, "careers/fair_form.html", {"form": form})


@login_required
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    fair = get_object_or_404(JobFair, pk=pk)
    booths = list(selectors.fair_booths(fair))
    represented = selectors.represented_ids(user)
    return render(
        request,
        "careers/fair_detail.html",
        {
            "fair": fair,
            "booths": booths,
            "staff": selectors.is_career_staff(user),
            "represented": represented,
        },
    )


@login_required
def fair_report(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    fair = get_object_or_404(JobFair, pk=pk)
    report = selectors.fair_report(fair)
    share = report["majors_covered"] / report["majors_total"] if report["majors_total"] else 0
    return render(
        request, "careers/fair_report.html", {"fair": fair, "report": report, "share": share}
    )


@login_required
def booth_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The booth's sign-in QR code, for its organisation and career staff to print."""
    user = signed_in_user(request)
    booth = get_object_or_404(Booth, pk=pk)
    if not selectors.may_manage_organization(user, booth.organization_id):
        raise Http404
    url = request.build_absolute_uri(reverse("careers:booth-sign-in", args=[booth.sign_in_token]))
    svg = segno.make(url, error="m").svg_inline(scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def booth_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    user = signed_in_user(request)
    booth = get_object_or_404(
        Booth.objects.select_related("fair", "organization"), sign_in_token=token
    )
    if request.method == "POST":
        services.booth_sign_in(user=user, token=token)
        messages.success(request, _("Signed in at %(name)s.") % {"name": booth.organization})
        return redirect("careers:fair", pk=booth.fair_id)
    signed_in = (
        user.person_id is not None and booth.sign_ins.filter(student_id=user.person_id).exists()
    )
    return render(
        request,
        "careers/booth_sign_in.html",
        {
            "booth": booth,
            "signed_in": signed_in,
            "postings": [p for p in booth.postings.order_by("title") if p.is_open()],
        },
    )


# --- Enterprise visits ---------------------------------------------------------------------


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    student = selectors.is_student(user)
    members = Organization.objects.filter(
        alliance_membership__status=AllianceMembership.Status.APPROVED
    ).order_by("name")
    form = VisitForm(request.POST or None, organizations=members)
    if request.method == "POST":
        if not student:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.visit_sign_up(user=user, **form.cleaned_data)
            except ApplicationError as error:
                form_error_show(form, error)
            else:
                messages.success(request, _("Signed up for the visit."))
                return redirect("careers:visits")
    visits = list(selectors.visits_of(user).prefetch_related("photos")[:100])
    staff = selectors.is_career_staff(user)
    rows = []
    for visit in visits:
        # The visitor's name: to themselves, the office and the host (they signed up with it);
        # on a published story, only as far as their privacy settings allow.
        host = visit.organization_id in selectors.represented_ids(user)
        shown = person_shown_by_consent(
            user, visit.student, consented=staff or host or visit.student_id == user.person_id
        ) or person_view_for(user, visit.student)
        rows.append((visit, shown))
    return render(
        request,
        "careers/visit_list.html",
        {"rows": rows, "form": form, "student": student, "staff": staff},
    )


@login_required
def visit_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    visit = get_object_or_404(EnterpriseVisit.objects.select_related("organization"), pk=pk)
    if visit.student_id != user.person_id:
        raise Http404
    form = VisitReportForm(request.POST or None, initial={"report": visit.report})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_report(user=user, visit=visit, report=form.cleaned_data["report"])
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Report filed."))
            return redirect("careers:visits")
    return render(
        request,
        "careers/visit_report.html",
        {
            "visit": visit,
            "form": form,
            "photos": list(visit.photos.all()),
            "photo_form": VisitPhotoForm(),
            "photos_max": services.PHOTOS_PER_VISIT,
        },
    )


@login_required
@require_POST
def visit_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    visit = get_object_or_404(EnterpriseVisit, pk=pk)
    if visit.student_id != user.person_id:
        raise Http404
    form = VisitPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to add."))
    else:
        try:
            services.visit_photo_add(user=user, visit=visit, upload=form.cleaned_data["photo"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Photo added."))
    return redirect("careers:visit-report", pk=visit.pk)


def _photo_or_404(request: HttpRequest, pk: int) -> VisitPhoto:
    """A photo, for whoever may see its visit (the visitor, the host, the office; everyone
    signed in once the story is published); 404 for everyone else."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit"), pk=pk)
    if not selectors.visits_of(signed_in_user(request)).filter(pk=photo.visit_id).exists():
        raise Http404
    return photo


@login_required
def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _photo_or_404(request, pk)
    with photo.image.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="visit-photo-{photo.pk}{photo.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def visit_photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    photo = _photo_or_404(request, pk)
    if photo.visit.student_id != user.person_id:
        raise Http404
    services.visit_photo_remove(user=user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("careers:visit-report", pk=photo.visit_id)


@login_required
@require_POST
def visit_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_only(request)
    visit = get_object_or_404(EnterpriseVisit, pk=pk)
    services.visit_publish(user=user, visit=visit)
    messages.success(request, _("Published."))
    return redirect("careers:visits")
