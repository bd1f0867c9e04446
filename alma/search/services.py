"""Writes to the general search index: add or replace a record's words, remove a record."""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from alma.lib.tokens import facet_token, prose_tokens
from alma.search.models import SearchDocument

MAX_WORDS = 5_000  # tokens kept per record: a very long text is found by its first pages


def kind_token(kind: str) -> str:
    """The facet token every document of a kind carries, so the text index narrows by kind."""
    return facet_token("kind", kind)


def facet_tokens(kind: str, facets: Mapping[str, str | Iterable[str]] | None) -> str:
    found = [kind_token(kind)]
    for name, values in (facets or {}).items():
        for value in [values] if isinstance(values, str) else values:
            if value != "":
                found.append(facet_token(name, str(value)))
    return " ".join(dict.fromkeys(found))


def search_index(
    kind: str,
    object_id: int,
    text: str,
    *,
    facets: Mapping[str, str | Iterable[str]] | None = None,
    level: int = 1,
    owner_id: int | None = None,
) -> SearchDocument:
    """Make (or replace) the searchable words of one record; call it in the record's transaction."""
    document, _created = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "words": " ".join(prose_tokens(text)[:MAX_WORDS]),
            "facets": facet_tokens(kind, facets),
            "level": level,
            "owner_id": owner_id,
            "updated_at": timezone.now(),
        },
    )
    return document


def search_remove(kind: str, object_id: int) -> None:
    """Forget one record (nothing happens if it was never indexed)."""
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
