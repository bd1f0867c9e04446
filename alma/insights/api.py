"""API: coverage and blind spots, the CASE AEM report, the belonging comparison (from rollups).

The alumni office and staff may read them; for everyone but the office, groups of fewer than 5
people are hidden (null), as on the pages.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from alma.accounts.roles import roles_of
from alma.insights import reports, selectors
from alma.insights.reports import VIEWERS
from alma.lib.openapi import ErrorOut

router = Router(tags=["insights"])


class CellOut(Schema):
    stage: str
    aspect: str
    provider: str
    served: int | None
    cohort: int
    share: float | None
    per_student: float | None
    mean_rating: float | None


class BlindSpotOut(Schema):
    text: str
    kind: str
    stage: str | None
    aspect: str | None
    provider: str | None
    share: float | None
    people: int


class CoverageOut(Schema):
    cells: list[CellOut]
    blind_spots: list[BlindSpotOut]
    cohort_size: int
    suppressed: bool


class AemOut(Schema):
    fiscal_year: int
    alumni_of_record: int
    modes: dict[str, int]
    overall: int
    per_staff_fte: float | None


class BelongingOut(Schema):
    graduates: int
    with_contact: int
    comparisons: list[dict[str, Any]]


def _refused(request: HttpRequest) -> Status[ErrorOut] | None:
    if not roles_of(request.user) & set(VIEWERS):
        return Status(403, ErrorOut(detail=_("The alumni office and staff only.")))
    return None


@router.get(
    "/coverage",
    response={200: CoverageOut, 403: ErrorOut},
    summary="Coverage matrix and blind spots of a cohort (stage x aspect x provider)",
)
def coverage(
    request: HttpRequest,
    entry_year: str = "",
    school: str = "",
    major: str = "",
    degree_level: str = "",
    hometown_province: str = "",
    current_stage: str = "",
    fiscal_year: str = "",
) -> Any:
    refused = _refused(request)
    if refused:
        return refused
    params = {
        "entry_year": entry_year,
        "school": school,
        "major": major,
        "degree_level": degree_level,
        "hometown_province": hometown_province,
        "current_stage": current_stage,
        "fiscal_year": fiscal_year,
    }
    view = reports.coverage_for(
        request.user, reports.cohort_from(params), reports.period_from(params)
    )
    return {
        "cells": [c.as_contract() for c in view.coverage.cells],
        "blind_spots": [s.as_contract() for s in view.spots],
        "cohort_size": view.coverage.cohort_size,
        "suppressed": view.shared,
    }


@router.get(
    "/aem",
    response={200: AemOut, 403: ErrorOut},
    summary="CASE Alumni Engagement Metrics of a year",
)
def aem(request: HttpRequest, fiscal_year: str = "") -> Any:
    refused = _refused(request)
    if refused:
        return refused
    report, _shared = reports.aem_for(
        request.user, reports.fiscal_year_from({"fiscal_year": fiscal_year})
    )
    return report.as_contract()


@router.get(
    "/belonging",
    response={200: BelongingOut, 403: ErrorOut},
    summary="Later engagement of graduates with and without alumni contact as students",
)
def belonging(request: HttpRequest) -> Any:
    refused = _refused(request)
    if refused:
        return refused
    result = selectors.belonging_result()
    rows = reports.belonging_rows(result, shared=not reports.is_office(request.user))
    for row in rows:
        row["sentence"] = reports.belonging_sentence(row)
    return {
        "graduates": result.get("graduates", 0),
        "with_contact": result.get("with_contact", 0),
        "comparisons": rows,
    }
