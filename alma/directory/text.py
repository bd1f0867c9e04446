"""The directory's text normalisation: the one shared by every search index (`alma.lib.tokens`)."""

from alma.lib.tokens import (
    CJK,
    FACET_WORD,
    MAX_QUERY_TOKENS,
    document,
    facet_token,
    fold,
    name_tokens,
    query_tokens,
    sort_key,
    tokens,
    words,
)

__all__ = [
    "CJK",
    "FACET_WORD",
    "MAX_QUERY_TOKENS",
    "document",
    "facet_token",
    "fold",
    "name_tokens",
    "query_tokens",
    "sort_key",
    "tokens",
    "words",
]
