"""Import, duplicate-review, segment and export pages: thin views over the imports services."""

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alma.accounts.access import role_required, signed_in_user
from alma.accounts.roles import Role
from alma.directory.search import DirectoryQuery, clean_query
from alma.imports import export as exporting
from alma.imports import merge as merging
from alma.imports import selectors, services
from alma.imports.forms import MappingForm, SegmentForm, UploadForm
from alma.imports.models import (
    COMPARISON_LABELS,
    COMPARISON_STATES,
    DuplicateCandidate,
    ImportBatch,
    Merge,
    Segment,
)
from alma.imports.reading import cell_text
from alma.lib import sheets
from alma.lib.errors import ApplicationError
from alma.lib.reasons import stored_reason_text

OFFICE = Role.ALUMNI_OFFICE
WORKING = (
    ImportBatch.Status.PREVIEW_QUEUED,
    ImportBatch.Status.PREVIEWING,
    ImportBatch.Status.QUEUED,
    ImportBatch.Status.RUNNING,
)
FIRST_VALUES = 3  # rows shown beside each column while it is mapped
PAGE_SIZE = 50
# Groups of possible duplicates per page of the review queue.
GROUPS_PAGE_SIZE = 20
ERRORS_SHOWN = 200
# Each segment on the list is searched for its current size: keep the page short.
SEGMENTS_PAGE_SIZE = 20


def _progress(batch: ImportBatch) -> dict[str, Any]:
    """The job's progress, with the stage in words (the job reports a code)."""
    progress = services.import_batch_progress(batch)
    stage = progress.get("stage") or ""
    if stage in ImportBatch.Stage.values:
        progress["stage_label"] = ImportBatch.Stage(stage).label
    else:
        progress["stage_label"] = _("Importing")
    return progress


@role_required(OFFICE)
def batch_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_upload(
                name=upload.name, data=upload.read(), by=signed_in_user(request)
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            return redirect("imports:detail", pk=batch.pk)
    page = Paginator(ImportBatch.objects.select_related("created_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/list.html", {"form": form, "page": page})


@role_required(OFFICE)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or edit the mapping, optionally save it, and see the preview (checked in the
    request for a small file, by the worker for a large one)."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    table = services.import_batch_table(batch, lazy=True)
    table.read(FIRST_VALUES)  # the header and the first rows only: the file may be large
    form = MappingForm(request.POST or None, headers=table.headers, initial_columns=batch.columns)
    if request.method == "POST" and form.is_valid():
        saved = form.cleaned_data.get("use_saved")
        columns = services.mapping_load(saved, headers=table.headers) if saved else form.columns()
        if form.cleaned_data.get("save_as"):
            services.mapping_save(
                name=form.cleaned_data["save_as"], columns=columns, by=signed_in_user(request)
            )
            messages.success(request, _("Mapping saved."))
        try:
            batch = services.import_batch_request_preview(batch=batch, columns=columns)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if batch.report.get("error"):
                form.add_error(None, _stored_error(batch.report))
            else:
                return redirect("imports:detail", pk=batch.pk)
    report = batch.report if batch.report and "error" not in batch.report else None
    # what stopped the last check (the worker's, or an earlier request's), until the next one
    file_problem = _stored_error(batch.report) if batch.report.get("error") else ""
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "form": form,
            "headers": table.headers,
            "columns": [
                (field, [cell_text(cells[i]) for _line, cells in table.rows if i < len(cells)])
                for i, field in enumerate(form.column_fields())
            ],
            "report": report,
            "errors": [
                {**e, "message": stored_reason_text(e)}
                for e in (report or {}).get("errors", [])[:ERRORS_SHOWN]
            ],
            "progress": _progress(batch),
            "file_problem": file_problem,
        },
    )


def _stored_error(report: dict[str, Any]) -> str:
    """Why the file could not be checked or imported, in the reader's language."""
    error = report["error"]
    return stored_reason_text(error) if isinstance(error, dict) else str(error)


@role_required(OFFICE)
def batch_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("row"), _("column"), _("problem")])
    for error in (batch.report or {}).get("errors", []):
        writer.writerow(
            [
                sheets.escape_cell(error["row"]),
                sheets.escape_cell(error["column"]),
                sheets.escape_cell(stored_reason_text(error)),
            ]
        )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response


@require_POST
@role_required(OFFICE)
def batch_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch = services.import_batch_request_commit(
            batch=batch, skip_invalid=request.POST.get("skip_invalid") == "on"
        )
    except ApplicationError as error:
        messages.info(request, error.message)
        return redirect("imports:detail", pk=batch.pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.success(
            request, _("Imported: %(created)d created, %(updated)d updated.") % batch.report
        )
    elif batch.status == ImportBatch.Status.FAILED:
        messages.error(
            request,
            _("Nothing was imported: fix the errors or choose to skip the invalid rows."),
        )
    else:
        messages.info(
            request, _("The import runs in the background; this page shows its progress.")
        )
    return redirect("imports:detail", pk=batch.pk)


@role_required(OFFICE)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the job runs."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    progress = _progress(batch)
    percent = int(100 * progress["done"] / progress["total"]) if progress.get("total") else 0
    response = render(
        request, "imports/progress.html", {"batch": batch, "progress": progress, "percent": percent}
    )
    if request.headers.get("HX-Request") and batch.status not in WORKING:
        response["HX-Refresh"] = "true"  # the job is over: show its report on the whole page
    return response


def _download(result: exporting.Export, *, fmt: str, name: str, title: str = "") -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        body = sheets.xlsx_bytes(result.columns, result.rows, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = sheets.csv_bytes(result.columns, result.rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def _format(request: HttpRequest) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


@role_required(OFFICE, Role.STAFF)
def export(request: HttpRequest) -> HttpResponse:
    """The directory search in the query string, as CSV or XLSX, as the exporting user sees it."""
    query = clean_query(request.GET)
    fmt = _format(request)
    result = exporting.directory_export(viewer=request.user, query=query, format=fmt)
    return _download(result, fmt=fmt, name="alma-directory")


@role_required(OFFICE)
def segment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Segment.objects.select_related("created_by"), SEGMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (
            segment,
            exporting.search_summary(viewer=request.user, query=exporting.segment_query(segment)),
        )
        for segment in page.object_list
    ]
    return render(request, "imports/segments.html", {"page": page, "rows": rows})


@role_required(OFFICE)
def segment_new(request: HttpRequest) -> HttpResponse:
    """Save the directory search in the query string (the page's own parameters) as a segment."""
    query = clean_query(request.GET)
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment = exporting.segment_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                query=query,
                by=signed_in_user(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
            return redirect("imports:segments")
    return _segment_page(request, form, None, query)


def _segment_page(
    request: HttpRequest, form: SegmentForm, segment: Segment | None, query: DirectoryQuery
) -> HttpResponse:
    """The segment form with what its search finds now."""
    return render(
        request,
        "imports/segment_form.html",
        {
            "form": form,
            "segment": segment,
            "summary": exporting.search_summary(viewer=request.user, query=query),
            "directory_url": _directory_url(query),
        },
    )


def _directory_url(query: DirectoryQuery) -> str:
    querystring = exporting.directory_querystring(query)
    return reverse("directory:index") + (f"?{querystring}" if querystring else "")


@role_required(OFFICE)
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a segment or change its description; its search stays as it was saved."""
    segment = get_object_or_404(Segment.objects.select_related("created_by"), pk=pk)
    form = SegmentForm(
        request.POST or None, initial={"name": segment.name, "description": segment.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            exporting.segment_update(
                segment=segment,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
            return redirect("imports:segments")
    return _segment_page(request, form, segment, exporting.segment_query(segment))


@role_required(OFFICE)
def segment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes on POST: only the saved search goes, no person is touched."""
    segment = get_object_or_404(Segment, pk=pk)
    if request.method != "POST":
        return render(request, "imports/segment_delete.html", {"segment": segment})
    name = segment.name
    exporting.segment_delete(segment=segment)
    messages.success(request, _("Segment “%(name)s” deleted.") % {"name": name})
    return redirect("imports:segments")


@role_required(OFFICE)
def segment_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The directory page with the segment's search: its people as of now."""
    segment = get_object_or_404(Segment, pk=pk)
    return redirect(_directory_url(exporting.segment_query(segment)))


@role_required(OFFICE)
def segment_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The segment's people now, as CSV or XLSX, through the directory export (privacy, log)."""
    segment = get_object_or_404(Segment, pk=pk)
    fmt = _format(request)
    result = exporting.segment_export(viewer=request.user, segment=segment, format=fmt)
    return _download(result, fmt=fmt, name=f"alma-segment-{segment.pk}", title=segment.name)


@role_required(OFFICE)
def duplicates(request: HttpRequest) -> HttpResponse:
    """The review queue: groups of records that may be one person, most likely first."""
    from alma.imports.linkage import DEFAULT_THRESHOLD, available

    if request.method == "POST":
        from alma.imports.tasks import duplicates_find_task

        threshold = _threshold(request.POST.get("threshold"), DEFAULT_THRESHOLD)
        transaction.on_commit(lambda: duplicates_find_task.enqueue(threshold))
        messages.info(request, _("Looking for duplicates in the background; reload in a while."))
        return redirect("imports:duplicates")
    page = Paginator(selectors.duplicate_groups(), GROUPS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups = selectors.duplicate_group_details(
        keys=[row["group"] for row in page.object_list], viewer=request.user
    )
    for group in groups:
        group["pairs"] = [(pair, _comparison(pair)) for pair in group["pairs"]]
    merges = Merge.objects.filter(undone_at__isnull=True).select_related("merged_by")[:20]
    return render(
        request,
        "imports/duplicates.html",
        {
            "page": page,
            "groups": groups,
            "merges": merges,
            "available": available(),
            "default_threshold": DEFAULT_THRESHOLD,
        },
    )


def _comparison(pair: DuplicateCandidate) -> list[tuple[Any, str, Any]]:
    """(field label, state, state label) for each field linkage compared, in its order."""
    from alma.imports.linkage import KEYS

    result = []
    for key in KEYS:
        if key not in pair.comparison:
            continue
        state = pair.comparison[key]
        if state not in COMPARISON_STATES:
            state = "missing"
        label = COMPARISON_LABELS.get(key) or key.replace("_", " ").capitalize()
        result.append((label, state, COMPARISON_STATES[state]))
    return result


def _threshold(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(1.0, max(0.0, number))


@require_POST
@role_required(OFFICE)
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        DuplicateCandidate.objects.select_related("person_a", "person_b"), pk=pk
    )
    merge = merging.duplicate_merge(candidate=candidate, by=request.user)
    messages.success(
        request,
        _("Merged %(name)s into record %(id)d.")
        % {"name": merge.merged_name, "id": merge.survivor_id},
    )
    return redirect("imports:duplicates")


@require_POST
@role_required(OFFICE)
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    merging.duplicate_dismiss(candidate=candidate, by=request.user)
    messages.success(request, _("Marked as different people."))
    return redirect("imports:duplicates")


@require_POST
@role_required(OFFICE)
def duplicate_group_merge(request: HttpRequest, group: int) -> HttpResponse:
    """Merge the records ticked in one group into the oldest of them."""
    person_ids = []
    for value in request.POST.getlist("person"):
        try:
            person_ids.append(int(value))
        except ValueError:
            raise ApplicationError(_("Choose records of this group.")) from None
    merges = merging.duplicate_group_merge(group=group, person_ids=person_ids, by=request.user)
    messages.success(
        request,
        ngettext(
            "Merged %(n)d record into record %(id)d.",
            "Merged %(n)d records into record %(id)d.",
            len(merges),
        )
        % {"n": len(merges), "id": merges[0].survivor_id},
    )
    return redirect("imports:duplicates")


@require_POST
@role_required(OFFICE)
def duplicate_group_dismiss(request: HttpRequest, group: int) -> HttpResponse:
    merging.duplicate_group_dismiss(group=group, by=request.user)
    messages.success(request, _("Marked the group's records as different people."))
    return redirect("imports:duplicates")


@require_POST
@role_required(OFFICE)
def duplicates_merge_above(request: HttpRequest) -> HttpResponse:
    threshold = _threshold(request.POST.get("threshold"), 1.1)
    if threshold < 0.5:
        raise ApplicationError(_("Bulk merges need a probability of at least 0.5."))
    count = merging.duplicates_merge_above(threshold=threshold, by=request.user)
    messages.success(request, _("Merged %(n)d pairs.") % {"n": count})
    return redirect("imports:duplicates")


@require_POST
@role_required(OFFICE)
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(Merge, pk=pk)
    person = merging.merge_undo(merge=merge, by=request.user)
    messages.success(
        request, _("Undone: %(name)s is a separate record again.") % {"name": person.full_name}
    )
    return redirect("imports:duplicates")
