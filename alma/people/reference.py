"""Reference data in the reader's language: a stored value ("School of Law", "Shanghai", or
"法学院" where a university stores Chinese) shown by its name in the active language when one is
recorded (`LocalName`), else as stored.

Records keep one stored value (search, facets and imports work on it); only what is shown
changes. The names of a language are read once into this process and kept for
`CACHE_SECONDS`; a change made in this process (the admin, the demo) clears them at once, other
processes see it within that time.
"""

import time
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save
from django.utils import translation

from alma.people.models import LocalName

CACHE_SECONDS = 300
_names: dict[str, tuple[float, dict[tuple[str, str], str]]] = {}


def _names_of(language: str) -> dict[tuple[str, str], str]:
    cached = _names.get(language)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    names = {
        (kind, value): name
        for kind, value, name in LocalName.objects.filter(language=language).values_list(
            "kind", "value", "name"
        )
    }
    _names[language] = (time.monotonic(), names)
    return names


def names_forget(**_: object) -> None:
    """Forget the names read so far (after a change, and between tests)."""
    _names.clear()


def local_name(kind: str, value: str, language: str | None = None) -> str:
    """`value` as it is called in `language` (default: the active one)."""
    if not value:
        return value
    language = language or translation.get_language() or ""
    return _names_of(language).get((kind, value), value)


def local_place(parts: Iterable[str], language: str | None = None) -> str:
    """A place of several parts (city, province, country) in the reader's language."""
    return ", ".join(local_name(LocalName.Kind.PLACE, part, language) for part in parts if part)


post_save.connect(names_forget, sender=LocalName, dispatch_uid="local_name_saved")
post_delete.connect(names_forget, sender=LocalName, dispatch_uid="local_name_deleted")
