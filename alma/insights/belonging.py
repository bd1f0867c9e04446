"""Does alumni contact as a student go with more engagement later? A matched comparison.

Graduates of past years who, as students (before entry, in school or leaving), were served by
an alumnus — in any ledger kind: a mentor's meeting, an event run by alumni, an answer, an
award an alumnus funded — are compared with graduates who had no alumni contact at all, within
strata of the same graduation year, school, degree level and hometown province (exact
matching on those, weighted to the contacted graduates; where a stratum has nobody to compare
with, the hometown and then the degree level are dropped). The difference in the share engaged
later (any CASE mode, philanthropic, volunteer, in a fiscal year after graduating) comes with a
95% confidence interval. It measures an association, not an effect: students who seek out
alumni may differ in ways the records do not show.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from django.db.models import F, Max
from django.utils import timezone
from scipy.stats import norm

from alma.activity.models import Activity, Provider
from alma.insights import periods
from alma.insights.models import EngagedAlumnus, PersonDimension
from alma.insights.selectors import STUDENT_STAGES
from alma.people.models import Stage

OUTCOMES = ("any", "philanthropic", "volunteer")
ANY_CONTACT = "any"
CONFIDENCE = 0.95


def matched_difference(
    strata: dict[Any, tuple[int, int, int, int]],
) -> dict[str, Any]:
    """Exact-matched difference in proportions, weighted to the treated.

    `strata` maps a stratum to (treated, treated with the outcome, controls, controls with it).
    Strata without both sides are left out (their treated are counted as unmatched). The
    variance adds each stratum's binomial variances, with half a success added to each side
    (so that a stratum where everyone or no one engaged does not claim certainty).
    """
    matched_treated = 0
    unmatched = 0
    weighted_treated = 0.0
    weighted_control = 0.0
    variance = 0.0
    controls = 0
    kept: list[tuple[int, float, float, float]] = []
    for nt, yt, nc, yc in strata.values():
        if nt and nc:
            matched_treated += nt
            controls += nc
            pt_adj = (yt + 0.5) / (nt + 1)
            pc_adj = (yc + 0.5) / (nc + 1)
            kept.append(
                (nt, yt / nt, yc / nc, pt_adj * (1 - pt_adj) / nt + pc_adj * (1 - pc_adj) / nc)
            )
        else:
            unmatched += nt
    if not matched_treated:
        return {
            "treated": 0,
            "controls": 0,
            "unmatched": unmatched,
            "treated_rate": None,
            "control_rate": None,
            "difference": None,
            "low": None,
            "high": None,
        }
    for nt, pt, pc, var in kept:
        weight = nt / matched_treated
        weighted_treated += weight * pt
        weighted_control += weight * pc
        variance += weight * weight * var
    difference = weighted_treated - weighted_control
    z = float(norm.ppf(0.5 + CONFIDENCE / 2))
    half = z * math.sqrt(variance)
    return {
        "treated": matched_treated,
        "controls": controls,
        "unmatched": unmatched,
        "treated_rate": round(weighted_treated, 4),
        "control_rate": round(weighted_control, 4),
        "difference": round(difference, 4),
        "low": round(difference - half, 4),
        "high": round(difference + half, 4),
    }


def belonging_analyse() -> dict[str, Any]:
    """The comparison over the rollups just built (person dimensions, engaged alumni)."""
    last_year = periods.current_fiscal_year() - 1
    graduates = {
        pk: (year, school, degree, province)
        for pk, year, school, degree, province in PersonDimension.objects.filter(
            stage=Stage.ALUMNUS, graduation_year__isnull=False, graduation_year__lte=last_year
        ).values_list("person_id", "graduation_year", "school", "degree_level", "hometown_province")
    }
    contacts: dict[int, set[str]] = defaultdict(set)
    for person_id, kind in (
        Activity.objects.filter(
            provider=Provider.ALUMNUS,
            beneficiary_stage__in=STUDENT_STAGES,
            beneficiary__insights_dimension__stage=Stage.ALUMNUS,
        )
        .order_by()
        .values_list("beneficiary_id", "kind")
        .distinct()
        .iterator(chunk_size=10_000)
    ):
        if person_id in graduates:
            contacts[person_id].add(kind)
    outcomes: dict[int, dict[str, int]] = {}
    for row in (
        EngagedAlumnus.objects.filter(
            person__insights_dimension__graduation_year__isnull=False,
            person__insights_dimension__stage=Stage.ALUMNUS,
        )
        .filter(fiscal_year__gt=F("person__insights_dimension__graduation_year"))
        .order_by()
        .values("person_id")
        .annotate(philanthropic=Max("philanthropic"), volunteer=Max("volunteer"))
        .iterator(chunk_size=10_000)
    ):
        outcomes[row["person_id"]] = {
            "any": 1,
            "philanthropic": row["philanthropic"],
            "volunteer": row["volunteer"],
        }

    kinds = Counter(kind for found in contacts.values() for kind in found)
    # Each contacted graduate is compared within the finest stratum that has graduates without
    # contact: the full one, then without hometown, then without degree level (coarsened exact
    # matching; the level each comparison used is reported).
    levels = [lambda k: k, lambda k: k[:3], lambda k: k[:2]]
    controls_at = [
        Counter(level(graduates[pk]) for pk in graduates if pk not in contacts) for level in levels
    ]
    exposures = [ANY_CONTACT, *sorted(kinds)]
    results = []
    for exposure in exposures:
        by_outcome = {}
        for outcome in OUTCOMES:
            strata: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
            used: set[tuple[int, Any]] = set()
            for pk, stratum in graduates.items():
                found = contacts.get(pk)
                if not found or not (exposure == ANY_CONTACT or exposure in found):
                    continue
                level = next((n for n, key in enumerate(levels) if controls_at[n][key(stratum)]), 0)
                key = (level, levels[level](stratum))
                used.add(key)
                strata[key][0] += 1
                strata[key][1] += outcomes.get(pk, {}).get(outcome, 0)
            for pk, stratum in graduates.items():
                if pk in contacts:
                    continue
                for level, key_of in enumerate(levels):
                    key = (level, key_of(stratum))
                    if key in used:
                        strata[key][2] += 1
                        strata[key][3] += outcomes.get(pk, {}).get(outcome, 0)
            by_outcome[outcome] = matched_difference(
                {k: (v[0], v[1], v[2], v[3]) for k, v in strata.items()}
            )
        results.append({"exposure": exposure, "outcomes": by_outcome})
    return {
        "computed_at": timezone.now().isoformat(),
        "graduates": len(graduates),
        "with_contact": len(contacts),
        "last_graduation_year": last_year,
        "exposures": results,
    }
