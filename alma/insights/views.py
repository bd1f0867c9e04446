"""Insights pages: thin views over `reports` (what a viewer sees) and `selectors` (the numbers).

The alumni office and staff of every post see the insights; only the office sees exact small
numbers, a person's engagement, and service notes. Every person shown goes through privacy.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import role_required
from alma.accounts.roles import Role
from alma.activity.kinds import all_kinds
from alma.activity.models import Aspect, EngagementMode, ProcessStage, Provider
from alma.insights import periods, reports, selectors, services
from alma.insights.exports import csv_bytes, escape_cell, xlsx_bytes
from alma.insights.reports import VIEWERS
from alma.lib.errors import ApplicationError
from alma.people.models import DegreeLevel, Person, Stage
from alma.people.privacy import people_visible_to, person_view_for

PAGE_SIZE = 50


def _keep_fresh() -> None:
    if selectors.rollups_are_stale():
        services.rollups_refresh_request()


def _choices() -> dict[str, Any]:
    found = selectors.cohort_choices()
    this_year = periods.current_fiscal_year()
    return {
        **found,
        "fiscal_years": [(y, periods.label_of(y)) for y in range(this_year, this_year - 6, -1)],
        "degree_levels": list(DegreeLevel.choices),
    }


def _export(columns: list[str], rows: list[list[Any]], name: str, fmt: str) -> HttpResponse:
    safe_rows = [[escape_cell(v) for v in row] for row in rows]
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(columns, safe_rows, title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt != "csv":
        raise ApplicationError(_("Choose CSV or XLSX."), field="format")
    response = HttpResponse(csv_bytes(columns, safe_rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@role_required(*VIEWERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    cohort = reports.cohort_from(request.GET)
    period = reports.period_from(request.GET)
    _keep_fresh()
    view = reports.coverage_for(request.user, cohort, period)
    columns, rows = reports.coverage_table(view)
    return render(
        request,
        "insights/dashboard.html",
        {
            "view": view,
            "cohort": cohort,
            "period": period,
            "choices": _choices(),
            "chart": reports.coverage_chart(view),
            "columns": columns,
            "table_rows": list(zip(view.coverage.cells, rows, strict=True)),
            "spots": view.spot_links(),
            "state": selectors.rollup_state(),
            "is_office": reports.is_office(request.user),
            "stages": [(s, s.label) for s in (Stage.PROSPECTIVE, Stage.STUDENT, Stage.ALUMNUS)],
        },
    )


@role_required(*VIEWERS)
def coverage_export(request: HttpRequest) -> HttpResponse:
    view = reports.coverage_for(
        request.user, reports.cohort_from(request.GET), reports.period_from(request.GET)
    )
    columns, rows = reports.coverage_table(view)
    return _export(columns, rows, "coverage", request.GET.get("format", "csv"))


def _choice(value: str, allowed: list[str], field: str) -> str:
    if value and value not in allowed:
        raise ApplicationError(_("Unknown value."), field=field)
    return value


@role_required(*VIEWERS)
def students(request: HttpRequest) -> HttpResponse:
    """The students behind a cell or a blind spot, as privacy lets this viewer see them."""
    cohort = reports.cohort_from(request.GET)
    period = reports.period_from(request.GET)
    stage = _choice(request.GET.get("stage", ""), list(ProcessStage.values), "stage")
    aspect = _choice(request.GET.get("aspect", ""), list(Aspect.values), "aspect")
    provider = _choice(request.GET.get("provider", ""), list(Provider.values), "provider")
    served = _choice(request.GET.get("served", "1"), ["1", "0", "all"], "served")
    if served == "all":
        people = selectors.cohort_people(cohort).order_by("full_name", "pk")
    else:
        people = selectors.cell_students(
            cohort=cohort,
            period=period,
            stage=stage,
            aspect=aspect,
            provider=provider,
            served=served == "1",
        )
    total = people.count()
    visible = people_visible_to(request.user, people).prefetch_related("educations", "employments")
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    office = reports.is_office(request.user)
    found = list(page.object_list)
    services_by: dict[int, list[Any]] = {}
    if served == "1" and found:
        labels = {k.slug: k.label for k in all_kinds()}
        for activity in (
            selectors.cell_activities(
                cohort=cohort, period=period, stage=stage, aspect=aspect, provider=provider
            )
            .filter(beneficiary_id__in=[p.pk for p in found])
            .order_by("-occurred_at")[:2000]
        ):
            activity.kind_label = labels.get(activity.kind, activity.kind)  # type: ignore[attr-defined]
            services_by.setdefault(activity.beneficiary_id or 0, []).append(activity)
    rows = []
    for person in found:
        shown = person_view_for(request.user, person)
        if shown is not None:
            rows.append({"view": shown, "services": services_by.get(person.pk, [])[:10]})
    return render(
        request,
        "insights/students.html",
        {
            "rows": rows,
            "page": page,
            "total": total,
            "hidden": total - page.paginator.count,
            "served": served,
            "stage": ProcessStage(stage).label if stage else "",
            "aspect": Aspect(aspect).label if aspect else "",
            "provider": Provider(provider).label if provider else "",
            "cohort": cohort,
            "period": period,
            "show_notes": office,
            "querystring": request.GET.urlencode(),
        },
    )


@role_required(*VIEWERS)
def aem(request: HttpRequest) -> HttpResponse:
    year = reports.fiscal_year_from(request.GET)
    _keep_fresh()
    report, shared = reports.aem_for(request.user, year)
    columns, rows = reports.aem_table(report)
    this_year = periods.current_fiscal_year()
    return render(
        request,
        "insights/aem.html",
        {
            "report": report,
            "shared": shared,
            "year_label": periods.label_of(year),
            "years": [(y, periods.label_of(y)) for y in range(this_year, this_year - 10, -1)],
            "modes": [(m, EngagementMode(m).label) for m in selectors.MODES],
            "charts": reports.aem_charts(report),
            "columns": columns,
            "rows": rows,
            "breakdowns": [
                (
                    key,
                    reports.breakdown_label(key),
                    [
                        (
                            c,
                            reports.group_label(key, c.label),
                            reports.engaged_url(year, "", key, c.label),
                        )
                        for c in groups[:30]
                    ],
                )
                for key, groups in report.breakdowns.items()
            ],
            "engaged_url": reports.engaged_url(year),
            "mode_urls": {m: reports.engaged_url(year, m) for m in selectors.MODES},
            "state": selectors.rollup_state(),
        },
    )


@role_required(*VIEWERS)
def aem_export(request: HttpRequest) -> HttpResponse:
    report, _shared = reports.aem_for(request.user, reports.fiscal_year_from(request.GET))
    columns, rows = reports.aem_table(report)
    return _export(columns, rows, "case-aem", request.GET.get("format", "csv"))


@role_required(*VIEWERS)
def engaged(request: HttpRequest) -> HttpResponse:
    """The alumni counted as engaged (by mode, by group), as privacy lets this viewer see them."""
    year = reports.fiscal_year_from(request.GET)
    mode = _choice(request.GET.get("mode", ""), list(EngagementMode.values), "mode")
    breakdown = _choice(
        request.GET.get("breakdown", ""), ["decade", "school", "chapter", "city"], "breakdown"
    )
    value = request.GET.get("value", "")[:200]
    people = selectors.engaged_people(fiscal_year=year, mode=mode, breakdown=breakdown, value=value)
    total = people.count()
    if not reports.is_office(request.user) and 0 < total < selectors.SMALL_CELL:
        # A group this small is hidden in the shared report; its members are too.
        people = people.none()
    visible = people_visible_to(request.user, people).prefetch_related("educations", "employments")
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [v for v in (person_view_for(request.user, p) for p in page.object_list) if v]
    return render(
        request,
        "insights/engaged.html",
        {
            "rows": rows,
            "page": page,
            "total": total,
            "hidden": total - page.paginator.count,
            "year_label": periods.label_of(year),
            "mode": EngagementMode(mode).label if mode else "",
            "group": reports.group_label(breakdown, value) if breakdown else "",
            "querystring": request.GET.urlencode(),
        },
    )


@role_required(*VIEWERS)
def belonging(request: HttpRequest) -> HttpResponse:
    _keep_fresh()
    result = selectors.belonging_result()
    rows = reports.belonging_rows(result, shared=not reports.is_office(request.user))
    columns, table = reports.belonging_table(rows)
    for row in rows:
        row["sentence"] = reports.belonging_sentence(row)
    return render(
        request,
        "insights/belonging.html",
        {
            "result": result,
            "rows": rows,
            "headline": [r for r in rows if r["outcome"] == "any"],
            "chart": reports.belonging_chart(rows) if rows else "",
            "columns": columns,
            "table": table,
            "state": selectors.rollup_state(),
        },
    )


@role_required(*VIEWERS)
def belonging_export(request: HttpRequest) -> HttpResponse:
    rows = reports.belonging_rows(
        selectors.belonging_result(), shared=not reports.is_office(request.user)
    )
    columns, table = reports.belonging_table(rows)
    return _export(columns, table, "belonging", request.GET.get("format", "csv"))


@role_required(*VIEWERS)
def annual_report(request: HttpRequest) -> HttpResponse:
    """The printable annual report (PDF) in English or Chinese; small cells always hidden."""
    from alma.insights.pdf import annual_report_pdf

    language = request.GET.get("language") or translation.get_language() or "en"
    if language not in ("en", "zh-hans"):
        raise ApplicationError(_("Choose English or Chinese."), field="language")
    year = reports.fiscal_year_from(request.GET)
    pdf = annual_report_pdf(fiscal_year=year, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="alma-annual-report-{year}-{language}.pdf"'
    return response


@role_required(Role.ALUMNI_OFFICE)
def person_engagement(request: HttpRequest, pk: int) -> HttpResponse:
    """An alumnus's engagement and its reasons, for the alumni office (on the profile)."""
    person = get_object_or_404(Person, pk=pk)
    view = person_view_for(request.user, person)
    if view is None:
        raise Http404
    summary = selectors.engagement_of(person)
    template = (
        "insights/person_engagement_fragment.html"
        if request.htmx  # type: ignore[attr-defined]
        else "insights/person_engagement.html"
    )
    return render(
        request,
        template,
        {
            "view": view,
            "summary": summary,
            "years": [(periods.label_of(y), modes) for y, modes in summary.years],
            "modes": [(m, EngagementMode(m).label) for m in selectors.MODES],
        },
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def refresh(request: HttpRequest) -> HttpResponse:
    services.rollups_refresh_request(again=True)
    messages.success(request, _("The figures are being brought up to date."))
    return redirect("insights:dashboard")
