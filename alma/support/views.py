"""Support pages. A case, its files and its requests answer 404 to anyone not entitled to them,
the site's administrators included; every read of a case's protected content is logged."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, signed_in_user
from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.lib.downloads import private_download
from alma.lib.errors import ApplicationError
from alma.lib.forms import form_error_show
from alma.people.models import Person, Stage
from alma.people.privacy import people_visible_to, person_shown_by_consent
from alma.support import crypto, selectors, services
from alma.support.access import (
    cases_open_to,
    is_staff,
    may_open_case,
    person_id_of,
    requests_to,
)
from alma.support.forms import (
    CloseForm,
    ConsentForm,
    FileForm,
    GrantForm,
    IntakeForm,
    NoteForm,
    OfferForm,
    OfferStatusForm,
    StudentConsentForm,
    TaskForm,
    TeamForm,
)
from alma.support.models import (
    Case,
    CaseFile,
    CaseTask,
    Consent,
    HelpRequest,
    Offer,
    SupportPreference,
)


def _case_for(user: User, pk: int) -> Case:
    case = Case.objects.filter(pk=pk).select_related("student").first()
    if case is None or not may_open_case(user, case):
        raise Http404
    return case


def _name(viewer: User, person: Person) -> str:
    view = person_shown_by_consent(viewer, person, consented=True)
    return str(view["full_name"]) if view else ""


def _owners(form: TaskForm, choices: list[tuple[Any, Any]]) -> None:
    """A task's owner is one of the case's team."""
    field = form.fields["owner"]
    assert isinstance(field, forms.TypedChoiceField)
    field.choices = choices


def _back(case: Case) -> HttpResponse:
    return redirect("support:case", case.pk)


def _done(request: HttpRequest, call: Any, success: str) -> Any:
    """Run a service; show its ApplicationError as a message, else the success message."""
    try:
        result = call()
    except ApplicationError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


# --- Everyone's entry page ------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    person_id = person_id_of(user)
    roles = roles_of(user)
    cases = list(
        cases_open_to(user)
        .select_related("student")
        # What a privacy view of each student reads, in two queries for the whole page.
        .prefetch_related("student__educations", "student__employments")
        .order_by("status", "-opened_at")[:200]
    )
    rows = [{"case": case, "name": _name(user, case.student)} for case in cases]
    my_cases = Case.objects.filter(student_id=person_id).order_by("-opened_at") if person_id else []
    incoming = list(
        requests_to(user).filter(status=HelpRequest.Status.OPEN).select_related("chapter")[:100]
    )
    preference = (
        SupportPreference.objects.filter(person_id=person_id).first() if person_id else None
    )
    return render(
        request,
        "support/index.html",
        {
            "staff": is_staff(user),
            "rows": rows,
            "my_cases": my_cases,
            "incoming": incoming,
            "may_volunteer": Role.ALUMNUS in roles,
            "accepts": bool(preference and preference.accepts_help_requests),
        },
    )


@require_POST
@login_required
def preference(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.person is None or Role.ALUMNUS not in roles_of(user):
        raise Http404
    services.preference_set(person=user.person, accepts=request.POST.get("accepts") == "on")
    messages.success(request, _("Your choice is saved."))
    return redirect("support:index")


# --- Intake and the case page ---------------------------------------------------------------


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not is_staff(user):
        raise PermissionDenied
    students = people_visible_to(user).filter(stage__in=[Stage.STUDENT, Stage.PROSPECTIVE])
    query = request.GET.get("q", "").strip()
    found = (
        list(students.filter(full_name__icontains=query).order_by("full_name")[:20])
        if query
        else []
    )
    chosen_id = request.POST.get("student") or request.GET.get("student") or ""
    student = students.filter(pk=int(chosen_id)).first() if chosen_id.isdigit() else None
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and student is not None and form.is_valid():
        try:
            case = services.case_open(by=user, student=student, **form.cleaned_data)
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("Case opened."))
            return _back(case)
    elif request.method == "POST" and student is None:
        form.add_error(None, _("Choose the student first."))
    return render(
        request,
        "support/case_new.html",
        {
            "form": form,
            "query": query,
            "found": found,
            "student": student,
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = selectors.case_page(_case_for(user, pk))
    try:
        narrative = services.case_narrative(case)
        notes = [
            {"note": note, "body": crypto.decrypt(note.body_encrypted)}
            for note in case.notes.select_related("author")
        ]
        files = [
            {"file": stored, "title": crypto.decrypt(stored.title_encrypted)}
            for stored in case.files.all()
        ]
        consents = [
            {"consent": c, "summary": services.consent_summary(c)} for c in case.consents.all()
        ]
    except ApplicationError as error:
        messages.error(request, error.message)
        narrative, notes, files, consents = "", [], [], []
    services.case_read_log(case=case, by=user, what="case page")
    members = list(case.team.all())
    team = [{"member": m, "name": _name(user, m.person)} for m in members]
    requests = [
        {
            "request": r,
            "recipient": r.chapter.name
            if r.chapter
            else _name(user, r.alumnus)
            if r.alumnus
            else "",
            "reasons": selectors.reasons_display(r.reasons),
            "offers": [{"offer": o, "helper": _name(user, o.helper)} for o in r.offers.all()],
        }
        for r in selectors.case_requests(case)
    ]
    task_form = TaskForm()
    _owners(task_form, [(m.person_id, _name(user, m.person)) for m in members])
    office = Role.ALUMNI_OFFICE in roles_of(user)
    return render(
        request,
        "support/case_detail.html",
        {
            "case": case,
            "student_name": _name(user, case.student),
            "narrative": narrative,
            "notes": notes,
            "files": files,
            "consents": consents,
            "active_consent": services.active_consent(case),
            "team": team,
            "requests": requests,
            "events": case.events.select_related("actor"),
            "reads": case.reads.select_related("reader")[:20],
            "note_form": NoteForm(),
            "file_form": FileForm(),
            "task_form": task_form,
            "team_form": TeamForm(),
            "consent_form": ConsentForm(),
            "grant_form": GrantForm() if office else None,
            "close_form": CloseForm(),
            "status_form": OfferStatusForm(),
            "grant_total": services.grant_total(case),
        },
    )


@require_POST
@login_required
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    form = TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a sign-in email."))
        return _back(case)
    member = User.objects.filter(email=form.cleaned_data["email"].lower()).first()
    if member is None or member.person is None:
        messages.error(request, _("No staff member signs in with that email."))
        return _back(case)
    person = member.person
    _done(
        request,
        lambda: services.team_member_add(case=case, person=person, by=user),
        _("Added to the team."),
    )
    return _back(case)


@require_POST
@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    body = request.POST.get("body", "")
    _done(request, lambda: services.note_add(case=case, body=body, by=user), _("Note added."))
    return _back(case)


@require_POST
@login_required
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    upload = request.FILES.get("upload")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return _back(case)
    title = request.POST.get("title", "")
    _done(
        request,
        lambda: services.file_add(case=case, upload=upload, title=title, by=user),
        _("File added."),
    )
    return _back(case)


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    stored = CaseFile.objects.filter(pk=pk).select_related("case").first()
    if stored is None or not may_open_case(user, stored.case):
        raise Http404
    try:
        content, _title = services.file_read(stored=stored, by=user)
    except (ApplicationError, FileNotFoundError):
        raise Http404 from None
    return private_download(
        content,
        content_type=stored.content_type,
        filename=f"case-file-{stored.pk}{stored.extension}",
    )


@require_POST
@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    form = TaskForm(request.POST)
    _owners(form, [(pid, pid) for pid in case.team.values_list("person_id", flat=True)])
    if not form.is_valid():
        messages.error(request, _("Give the task, its owner on the team and a due date."))
        return _back(case)
    owner = Person.objects.get(pk=form.cleaned_data["owner"])
    data = form.cleaned_data
    _done(
        request,
        lambda: services.task_add(
            case=case, title=data["title"], owner=owner, due_on=data["due_on"], by=user
        ),
        _("Task added."),
    )
    return _back(case)


@require_POST
@login_required
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    task = CaseTask.objects.filter(pk=pk).select_related("case").first()
    if task is None or not may_open_case(user, task.case):
        raise Http404
    _done(request, lambda: services.task_done(task=task, by=user), _("Task done."))
    return _back(task.case)


# --- Consent --------------------------------------------------------------------------------


def _consent_from(request: HttpRequest, case: Case, user: User, form: Any) -> bool:
    if not form.is_valid():
        messages.error(request, _("Check the consent form."))
        return False
    data = dict(form.cleaned_data)
    return (
        _done(
            request,
            lambda: services.consent_record(case=case, by=user, **data),
            _("Consent recorded."),
        )
        is not None
    )


@require_POST
@login_required
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    _consent_from(request, case, user, ConsentForm(request.POST))
    return _back(case)


@require_POST
@login_required
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    consent = Consent.objects.filter(pk=pk).select_related("case").first()
    if consent is None:
        raise Http404
    case = consent.case
    is_student = user.person_id is not None and user.person_id == case.student_id
    if not is_student and not may_open_case(user, case):
        raise Http404
    _done(
        request,
        lambda: services.consent_withdraw(consent=consent, by=user),
        _("Consent withdrawn: the requests sent under it are closed."),
    )
    return redirect("support:mine", case.pk) if is_student else _back(case)


@login_required
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The student's own page: the case's status and exactly what is shared, with whom."""
    user = signed_in_user(request)
    case = Case.objects.filter(pk=pk, student_id=person_id_of(user) or -1).first()
    if case is None:
        raise Http404
    form = StudentConsentForm(request.POST or None)
    if request.method == "POST" and _consent_from(request, case, user, form):
        return redirect("support:mine", case.pk)
    consent = services.active_consent(case)
    summary = ""
    if consent is not None:
        try:
            summary = services.consent_summary(consent)
        except ApplicationError as error:
            messages.error(request, error.message)
    requests = HelpRequest.objects.filter(case=case).select_related("chapter")
    return render(
        request,
        "support/my_case.html",
        {
            "case": case,
            "consent": consent,
            "summary": summary,
            "form": form,
            "chapter_requests": [r for r in requests if r.chapter_id],
            "alumni_asked": sum(1 for r in requests if r.alumnus_id),
            "offers": Offer.objects.filter(request__case=case).count(),
        },
    )


# --- Mobilisation ---------------------------------------------------------------------------


@login_required
def mobilise(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    chapter = selectors.hometown_chapter(case.student)
    candidates = selectors.helper_candidates(case, viewer=user)
    if request.method == "POST":
        chosen = set(request.POST.getlist("alumni"))
        picks = [c for c in candidates if str(c["person"].pk) in chosen]
        to_chapter = request.POST.get("chapter") == "on"
        sent = _done(
            request,
            lambda: services.requests_send(case=case, by=user, to_chapter=to_chapter, alumni=picks),
            _("Requests for help sent."),
        )
        if sent is not None:
            return _back(case)
    rows = [
        {
            "person_id": c["person"].pk,
            "name": _name(user, c["person"]),
            "score": c["score"],
            "reasons": selectors.reasons_display(c["reasons"]),
        }
        for c in candidates
    ]
    return render(
        request,
        "support/mobilise.html",
        {
            "case": case,
            "chapter": chapter,
            "rows": rows,
            "consent": services.active_consent(case),
        },
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a recipient sees: the consented summary (and the name, if agreed), nothing else."""
    user = signed_in_user(request)
    help_request = (
        HelpRequest.objects.filter(pk=pk)
        .select_related("case__student", "consent", "chapter")
        .first()
    )
    if help_request is None:
        raise Http404
    case = help_request.case
    team = may_open_case(user, case)
    if not team and not services.is_recipient(user, help_request):
        raise Http404
    consent = help_request.consent
    shown = consent.withdrawn_at is None and case.purged_at is None
    summary = ""
    if shown:
        try:
            summary = services.consent_summary(consent)
        except ApplicationError as error:
            messages.error(request, error.message)
        services.case_read_log(case=case, by=user, what=f"request {help_request.pk}")
    name = ""
    if shown and consent.share_name:
        view = person_shown_by_consent(user, case.student, consented=True)
        name = str(view["full_name"]) if view else ""
    mine = Offer.objects.filter(request=help_request, helper_id=person_id_of(user) or -1)
    return render(
        request,
        "support/request_detail.html",
        {
            "help_request": help_request,
            "summary": summary,
            "name": name,
            "open": help_request.status == HelpRequest.Status.OPEN and shown,
            "offers": mine,
            "form": OfferForm(),
            "team": team,
        },
    )


@require_POST
@login_required
def offer_make(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    if not requests_to(user).filter(pk=pk).exists():
        raise Http404
    help_request = HelpRequest.objects.get(pk=pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _done(
            request,
            lambda: services.offer_make(
                request=help_request, by=user, kind=data["kind"], details=data["details"]
            ),
            _("Thank you: the team has your offer."),
        )
    else:
        messages.error(request, _("Say what kind of help you offer, and what."))
    return redirect("support:request", pk)


@require_POST
@login_required
def offer_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    offer = Offer.objects.filter(pk=pk).select_related("request__case", "helper").first()
    if offer is None or not may_open_case(user, offer.request.case):
        raise Http404
    status = request.POST.get("status", "")
    _done(
        request,
        lambda: services.offer_set_status(offer=offer, status=status, by=user),
        _("Offer updated."),
    )
    return _back(offer.request.case)


@require_POST
@login_required
def grant_pay(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a hardship fund and an amount."))
        return _back(case)
    data = form.cleaned_data
    _done(
        request,
        lambda: services.grant_pay(case=case, fund=data["fund"], amount=data["amount"], by=user),
        _("Emergency grant paid from the fund."),
    )
    return _back(case)


@require_POST
@login_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case_for(user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome; a follow-up date is a date."))
        return _back(case)
    data = form.cleaned_data
    _done(
        request,
        lambda: services.case_close(
            case=case, outcome=data["outcome"], follow_up_on=data["follow_up_on"], by=user
        ),
        _("Case closed."),
    )
    return _back(case)
