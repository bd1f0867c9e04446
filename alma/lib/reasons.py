"""A reason kept in no language: stored as its message id and values, shown in the reader's.

An import is checked by whoever uploads it (or by the worker) and read later by others; a reason
rendered at check time would stay in the checker's language. `Reason` keeps the English message
id (marked with `gettext_noop`, so `make messages` finds it) and its values, and is translated
each time it is shown: `str(reason)` in the active language.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext


@dataclass(frozen=True, slots=True)
class Reason:
    msgid: str
    # named values for "%(name)s", or the values in order for "%s"
    params: Mapping[str, Any] | tuple[Any, ...] = field(default_factory=dict)

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % (dict(self.params) if isinstance(self.params, Mapping) else self.params)

    def as_dict(self) -> dict[str, Any]:
        params = self.params
        return {
            "msgid": self.msgid,
            "params": dict(params) if isinstance(params, Mapping) else list(params),
        }


def stored_reason_text(problem: Mapping[str, Any]) -> str:
    """The text of a stored problem in the active language: `{"reason": {...}}`, or the
    `{"message": "..."}` that reports stored before reasons were kept in no language."""
    reason = problem.get("reason")
    if isinstance(reason, Mapping) and isinstance(reason.get("msgid"), str):
        params = reason.get("params")
        if isinstance(params, list):
            return str(Reason(reason["msgid"], tuple(params)))
        return str(Reason(reason["msgid"], params if isinstance(params, Mapping) else {}))
    return str(problem.get("message", ""))
