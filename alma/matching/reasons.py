"""Why a pair scores what it scores: machine-readable reason codes and their English labels.

A reason is a code plus parameters (`("same_major", {"major": "Law"})`) and its share of
the pair's score. Callers store or send the code and parameters and translate at display
time with `reason_label`, so an explanation can be shown in the reader's language later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True, slots=True)
class Reason:
    """One contribution to a pair's score: a code, its parameters and its share of the score."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    contribution: float = 0.0

    def label(self) -> str:
        return reason_label(self)


REASON_LABELS: dict[str, Promise] = {
    "same_major": _("Same major: %(major)s"),
    "target_industry": _("Works in the target industry: %(industry)s"),
    "same_industry": _("Same industry: %(industry)s"),
    "shared_topics": _("Shared interests: %(topics)s"),
    "text_similarity": _("Similar goals and expertise: %(terms)s"),
    "same_school": _("Same school: %(school)s"),
    "same_city": _("Same city: %(city)s"),
    "same_graduation_year": _("Same graduation year: %(year)s"),
    "close_graduation_year": ngettext_lazy(
        "Graduated %(years_apart)d year apart",
        "Graduated %(years_apart)d years apart",
        "years_apart",
    ),
    "shared_language": _("Both speak %(languages)s"),
}
# A text match without distinctive shared words (embeddings, or only rare word overlap).
_TEXT_WITHOUT_TERMS = _("Similar goals and expertise")

# Reasons a pair is not allowed at all.
BLOCK_LABELS: dict[str, Promise] = {
    "excluded": _("Excluded by the program"),
    "same_person": _("Same person on both sides"),
    "required_language": _("A required language is not spoken"),
}


def reason_label(reason: Reason) -> str:
    """The reason in the active language, with list parameters joined by commas."""
    if reason.code == "text_similarity" and not reason.params.get("terms"):
        return str(_TEXT_WITHOUT_TERMS)
    template = REASON_LABELS.get(reason.code)
    if template is None:
        return reason.code
    params = {
        key: ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value
        for key, value in reason.params.items()
    }
    return str(template % params)
