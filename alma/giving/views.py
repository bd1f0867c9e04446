"""Giving pages: thin views that parse, authorise, call a service or selector, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role
from alma.events.models import Event, EventKind
from alma.giving import reports, selectors, services
from alma.giving.forms import (
    ApplicationForm,
    FundForm,
    GiftForm,
    LetterForm,
    PeriodForm,
    PledgeForm,
    RoundForm,
    ScoreForm,
    TransferForm,
    WordingForm,
)
from alma.giving.models import (
    Application,
    ApplicationDocument,
    Award,
    AwardRound,
    Donor,
    Fund,
    Gift,
    LedgerEntry,
    PledgeInstalment,
    Receipt,
    ThankYouLetter,
)
from alma.giving.receipts import annual_summary_pdf, default_wording, receipt_pdf, wording_for
from alma.lib.errors import ApplicationError
from alma.lib.money import format_money
from alma.people.models import Organization
from alma.people.privacy import people_visible_to, person_shown_by_consent

PAGE_SIZE = 25
OFFICE = Role.ALUMNI_OFFICE


def _form_error(form: Any, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _download(
    content: bytes, content_type: str, filename: str, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# --- Funds ----------------------------------------------------------------------------------


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    office = selectors.is_office(user)
    funds = selectors.funds_listed()
    if not office:
        funds = funds.filter(status=Fund.Status.ACTIVE)
    today = timezone.localdate()
    return render(
        request,
        "giving/fund_list.html",
        {
            "funds": funds,
            "office": office,
            "open_rounds": selectors.rounds_open(today=today),
            "gives": selectors.donors_of(user).exists(),
        },
    )


@role_required(OFFICE)
def fund_new(request: HttpRequest) -> HttpResponse:
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Fund created."))
            return redirect("giving:fund", fund.pk)
    return render(request, "giving/form.html", {"form": form, "title": _("New fund")})


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("owner_unit"), pk=pk)
    office = selectors.is_office(request.user)
    if fund.status != Fund.Status.ACTIVE and not office:
        raise Http404
    context: dict[str, Any] = {"fund": fund, "office": office, "rounds": fund.rounds.all()}
    if office:
        entries = (
            LedgerEntry.objects.filter(fund=fund).select_related("gift", "award").order_by("-id")
        )
        context["page"] = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        context["transfer_form"] = TransferForm()
        context["round_form"] = RoundForm()
        context["balance"] = format_money(fund.balance)
    return render(request, "giving/fund_detail.html", context)


@role_required(OFFICE)
def fund_statement(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund, pk=pk)
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
    if not form.is_valid():
        return render(request, "giving/statement.html", {"fund": fund, "form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if end < start:
        form.add_error("end", _("The period ends after it starts."))
        return render(request, "giving/statement.html", {"fund": fund, "form": form}, status=400)
    fmt = request.GET.get("format")
    if fmt:
        content, content_type, filename = reports.export(
            reports.statement_table(fund=fund, start=start, end=end), fmt
        )
        return _download(content, content_type, filename)
    statement = selectors.fund_statement(fund=fund, start=start, end=end)
    return render(request, "giving/statement.html", {"fund": fund, "form": form, "s": statement})


@require_POST
@role_required(OFFICE)
def fund_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund, pk=pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_record(
                from_fund=fund, by=signed_in_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Transfer recorded."))
    else:
        messages.error(request, _("Check the transfer: fund, amount and reason."))
    return redirect("giving:fund", fund.pk)


@require_POST
@role_required(OFFICE)
def round_new(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund, pk=pk)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the round: every field is needed."))
        return redirect("giving:fund", fund.pk)
    try:
        award_round = services.round_create(
            fund=fund, by=signed_in_user(request), **form.cleaned_data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("giving:fund", fund.pk)
    messages.success(request, _("Award round opened."))
    return redirect("giving:round", award_round.pk)


# --- Gifts, receipts, donors ---------------------------------------------------------------


@role_required(OFFICE)
def gift_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(selectors.gifts_listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(g, selectors.donor_name_for(user, g.donor)) for g in page.object_list]
    return render(request, "giving/gift_list.html", {"page": page, "rows": rows})


def _donor_from_request(request: HttpRequest, data: Any) -> tuple[Donor | None, Any]:
    """The donor a gift form is for: ?person=, ?organization= or ?instalment= (a pledge's)."""
    user = signed_in_user(request)
    instalment = None
    if data.get("instalment"):
        instalment = get_object_or_404(
            PledgeInstalment.objects.select_related("pledge__donor", "pledge__fund"),
            pk=_int(data.get("instalment")),
        )
        return instalment.pledge.donor, instalment
    if data.get("person"):
        person = get_object_or_404(people_visible_to(user), pk=_int(data.get("person")))
        return services.donor_for_person(person=person), None
    if data.get("organization"):
        organization = get_object_or_404(Organization, pk=_int(data.get("organization")))
        return services.donor_for_organization(organization=organization), None
    return None, None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@role_required(OFFICE)
def gift_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    source = request.POST if request.method == "POST" else request.GET
    donor, instalment = _donor_from_request(request, source)
    initial: dict[str, Any] = {}
    if instalment is not None:
        initial = {
            "fund": instalment.pledge.fund,
            "amount": instalment.amount - services.instalment_paid(instalment.pk),
        }
    form = GiftForm(request.POST or None, initial=initial)
    if request.method == "POST" and donor is not None and form.is_valid():
        data = form.cleaned_data
        try:
            gift = services.gift_record(
                donor=donor,
                by=user,
                instalment=instalment,
                **data,
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Gift recorded: receipt %(n)s.") % {"n": gift.receipt.label},
            )
            return redirect("giving:donor", donor.pk)
    query = request.GET.get("q", "").strip()
    people = people_visible_to(user).filter(full_name__icontains=query)[:10] if query else []
    return render(
        request,
        "giving/gift_new.html",
        {
            "form": form,
            "donor": donor,
            "donor_name": selectors.donor_name_for(user, donor) if donor else "",
            "instalment": instalment,
            "query": query,
            "people": people,
            "organizations": Organization.objects.exclude(kind=Organization.Kind.SCHOOL_UNIT),
        },
    )


@require_POST
@role_required(OFFICE)
def gift_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    gift = get_object_or_404(Gift, pk=pk)
    try:
        services.gift_reverse(
            gift=gift, reason=request.POST.get("reason", ""), by=signed_in_user(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Gift reversed."))
    return redirect("giving:donor", gift.donor_id)


def _donor_for_viewer(request: HttpRequest, donor: Donor) -> None:
    """The donor themself (or their organisation's representative) and the office; 404 else."""
    if not (selectors.is_office(request.user) or services.donor_is_mine(request.user, donor)):
        raise Http404


@login_required
def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(Receipt.objects.select_related("gift__donor"), pk=pk)
    donor = receipt.gift.donor
    _donor_for_viewer(request, donor)
    user = signed_in_user(request)
    printed = services.receipt_print(receipt=receipt, by=user)
    content = receipt_pdf(
        receipt=receipt,
        donor_name=selectors.donor_name_for(user, donor),
        duplicate=printed.is_duplicate,
    )
    return _download(content, "application/pdf", f"receipt-{receipt.label}.pdf", inline=True)


@login_required
def annual_summary(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    donor = get_object_or_404(Donor.objects.select_related("person", "organization"), pk=pk)
    _donor_for_viewer(request, donor)
    if not 1900 <= year <= timezone.localdate().year:
        raise Http404
    content = annual_summary_pdf(
        donor=donor, donor_name=selectors.donor_name_for(request.user, donor), year=year
    )
    return _download(content, "application/pdf", f"gifts-{year}.pdf", inline=True)


@role_required(OFFICE)
def donor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donor = get_object_or_404(Donor.objects.select_related("person", "organization"), pk=pk)
    user = signed_in_user(request)
    name = selectors.donor_name_for(user, donor)
    fmt = request.GET.get("format")
    if fmt:
        content, content_type, filename = reports.export(
            reports.donor_history_table(donor=donor, donor_name=name), fmt
        )
        return _download(content, content_type, filename)
    return render(
        request,
        "giving/donor_detail.html",
        {
            "donor": donor,
            "name": name,
            "gifts": selectors.donor_gifts(donor=donor),
            "impact": selectors.donor_impact(donor=donor, viewer=user),
        },
    )


@role_required(OFFICE)
def report_totals(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year")
    year_value = _int(year) if year else None
    table = reports.totals_table(year=year_value)
    fmt = request.GET.get("format")
    if fmt:
        content, content_type, filename = reports.export(table, fmt)
        return _download(content, content_type, filename)
    return render(request, "giving/reports.html", {"table": table, "year": year_value})


@role_required(OFFICE)
def receipt_wording(request: HttpRequest) -> HttpResponse:
    from django.utils import translation

    language = translation.get_language() or "en"
    form = WordingForm(request.POST or None, initial=wording_for(language))
    if request.method == "POST" and form.is_valid():
        try:
            services.receipt_wording_save(
                language=language, by=signed_in_user(request), **form.cleaned_data
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Receipt wording saved."))
            return redirect("giving:wording")
    return render(
        request,
        "giving/form.html",
        {"form": form, "title": _("Receipt wording"), "defaults": default_wording()},
    )


# --- Donors' own pages ---------------------------------------------------------------------


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    """My giving: for each donor I give as (myself, organisations I represent)."""
    user = signed_in_user(request)
    donors = list(selectors.donors_of(user).select_related("person", "organization"))
    impacts = [selectors.donor_impact(donor=d, viewer=user) for d in donors]
    years = sorted({g.received_on.year for d in donors for g in d.gifts.all()}, reverse=True)
    return render(request, "giving/impact.html", {"impacts": impacts, "years": years})


@login_required
def give(request: HttpRequest) -> HttpResponse:
    """A signed-in person pledges to a fund; the office records the money when it arrives."""
    user = signed_in_user(request)
    if user.person is None:
        raise Http404
    form = PledgeForm(request.POST or None, initial={"fund": request.GET.get("fund")})
    if request.method == "POST" and form.is_valid():
        donor = services.donor_for_person(person=user.person)
        try:
            services.pledge_create(donor=donor, by=user, **form.cleaned_data)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Thank you! Your pledge is recorded."))
            return redirect("giving:impact")
    return render(request, "giving/form.html", {"form": form, "title": _("Give to a fund")})


@require_POST
@login_required
def donor_anonymity(request: HttpRequest, pk: int) -> HttpResponse:
    donor = get_object_or_404(Donor, pk=pk)
    _donor_for_viewer(request, donor)
    services.donor_set_anonymous(
        donor=donor, anonymous=request.POST.get("anonymous") == "1", by=signed_in_user(request)
    )
    messages.success(request, _("Your choice is saved."))
    return redirect("giving:impact")


# --- Awards ---------------------------------------------------------------------------------


def _round_for(request: HttpRequest, pk: int) -> AwardRound:
    return get_object_or_404(AwardRound.objects.select_related("fund", "ceremony"), pk=pk)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_for(request, pk)
    user = signed_in_user(request)
    reviewer = services.may_review(user, award_round)
    office = selectors.is_office(user)
    mine = (
        Application.objects.filter(round=award_round, student_id=user.person_id).first()
        if user.person_id
        else None
    )
    context: dict[str, Any] = {
        "round": award_round,
        "office": office,
        "reviewer": reviewer,
        "mine": mine,
        "form": ApplicationForm(),
        "score_form": ScoreForm(),
        "today": timezone.localdate(),
    }
    if reviewer:
        applications = selectors.round_applications(award_round=award_round).annotate(
            average=Avg("scores__score"), n_scores=Count("scores")
        )
        rows = []
        for application in applications:
            view = person_shown_by_consent(user, application.student, consented=True)
            my_score = next(
                (s for s in application.scores.all() if s.reviewer_id == user.person_id), None
            )
            award = getattr(application, "award", None)
            rows.append(
                {
                    "application": application,
                    "name": view["full_name"] if view else "",
                    "my_score": my_score,
                    "award": award,
                    "paid": services.award_paid(award) if award else None,
                }
            )
        context["rows"] = rows
        context["ceremonies"] = Event.objects.filter(
            kind=EventKind.CEREMONY, status=Event.Status.PUBLISHED, starts_at__gte=timezone.now()
        )
    return render(request, "giving/round_detail.html", context)


@require_POST
@role_required(Role.STUDENT)
def round_apply(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_for(request, pk)
    form = ApplicationForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write your statement to apply."))
        return redirect("giving:round", pk)
    try:
        services.application_submit(
            award_round=award_round,
            by=signed_in_user(request),
            statement=form.cleaned_data["statement"],
            named_to_donors=form.cleaned_data["named_to_donors"],
            documents=request.FILES.getlist("documents"),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application is submitted."))
    return redirect("giving:round", pk)


def _office_action(request: HttpRequest, success: str, action: Any, **kwargs: Any) -> None:
    try:
        action(by=signed_in_user(request), **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


@require_POST
@role_required(OFFICE)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_for(request, pk)
    _office_action(
        request,
        _("Applications closed; the committee may score."),
        services.round_close,
        award_round=award_round,
    )
    return redirect("giving:round", pk)


@require_POST
@role_required(OFFICE)
def round_finish(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_for(request, pk)
    _office_action(request, _("Round decided."), services.round_finish, award_round=award_round)
    return redirect("giving:round", pk)


@require_POST
@role_required(OFFICE)
def round_ceremony(request: HttpRequest, pk: int) -> HttpResponse:
    award_round = _round_for(request, pk)
    event = get_object_or_404(Event, pk=_int(request.POST.get("event")))
    try:
        counts = services.ceremony_invite(
            award_round=award_round, event=event, by=signed_in_user(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Invited %(d)d donors and %(s)d students; %(n)d not admitted by the event's audience."
            )
            % {"d": counts["donors"], "s": counts["students"], "n": counts["not_admitted"]},
        )
    return redirect("giving:round", pk)


@require_POST
@login_required
def application_score(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("round"), pk=pk)
    if not services.may_review(request.user, application.round):
        raise PermissionDenied
    form = ScoreForm(request.POST)
    if form.is_valid():
        _office_action(
            request,
            _("Score saved."),
            services.application_score,
            application=application,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("A score is a whole number from 1 to 10."))
    return redirect("giving:round", application.round_id)


@require_POST
@role_required(OFFICE)
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    award = request.POST.get("decision") == "award"
    _office_action(
        request,
        _("Awarded.") if award else _("Not awarded."),
        services.application_decide,
        application=application,
        award=award,
        amount=request.POST.get("amount") or None,
    )
    return redirect("giving:round", application.round_id)


@require_POST
@role_required(OFFICE)
def award_pay(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("application"), pk=pk)
    _office_action(
        request,
        _("Payment recorded."),
        services.award_pay,
        award=award,
        amount=request.POST.get("amount") or None,
    )
    return redirect("giving:round", award.application.round_id)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Private: the applicant, the office and the round's committee; everyone else 404."""
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application__round"), pk=pk
    )
    application = document.application
    user = signed_in_user(request)
    if not (
        user.person_id == application.student_id or services.may_review(user, application.round)
    ):
        raise Http404
    with document.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=document.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="document-{document.pk}{document.extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_awards(request: HttpRequest) -> HttpResponse:
    """A student's applications and awards, and the letters they wrote to the donors."""
    user = signed_in_user(request)
    if user.person is None:
        raise Http404
    applications = (
        Application.objects.filter(student=user.person)
        .select_related("round__fund")
        .order_by("-submitted_at")
    )
    awards = []
    for award in selectors.awards_of_student(person=user.person):
        donors = (
            Donor.objects.filter(gifts__fund=award.application.round.fund)
            .select_related("person", "organization")
            .distinct()[:20]
        )
        awards.append(
            {
                "award": award,
                "paid": services.award_paid(award),
                "donors": sorted({selectors.donor_shown_to_student(user, d) for d in donors}),
                "letters": list(award.letters.all()),
            }
        )
    return render(
        request,
        "giving/my_awards.html",
        {"applications": applications, "awards": awards, "letter_form": LetterForm()},
    )


@require_POST
@login_required
def application_named(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk, student_id=request.user.person_id or 0)  # type: ignore[union-attr]
    services.application_set_named(
        application=application, by=signed_in_user(request), named=request.POST.get("named") == "1"
    )
    messages.success(request, _("Your choice is saved."))
    return redirect("giving:my-awards")


@require_POST
@login_required
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("application"), pk=pk,
        application__student_id=request.user.person_id or 0,  # type: ignore[union-attr]
    )  # fmt: skip
    form = LetterForm(request.POST)
    if form.is_valid():
        _office_action(
            request,
            _("Thank you! The alumni office will pass your letter on."),
            services.letter_write,
            award=award,
            text=form.cleaned_data["text"],
        )
    else:
        messages.error(request, _("Write your letter first."))
    return redirect("giving:my-awards")


@role_required(OFFICE)
def letter_list(request: HttpRequest) -> HttpResponse:
    letters = (
        ThankYouLetter.objects.filter(status=ThankYouLetter.Status.SUBMITTED)
        .select_related("award__application__student", "award__application__round__fund")
        .prefetch_related(
            "award__application__student__educations",
            "award__application__student__employments",
        )
    )
    page = Paginator(letters.order_by("written_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for letter in page.object_list:
        view = person_shown_by_consent(
            request.user, letter.award.application.student, consented=True
        )
        rows.append((letter, view["full_name"] if view else ""))
    return render(request, "giving/letter_list.html", {"page": page, "rows": rows})


@require_POST
@role_required(OFFICE)
def letter_review(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(ThankYouLetter, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _office_action(
        request,
        _("Letter approved: the donors can read it.")
        if approve
        else _("Letter returned to the student."),
        services.letter_review,
        letter=letter,
        approve=approve,
        note=request.POST.get("note", ""),
    )
    return redirect("giving:letters")
