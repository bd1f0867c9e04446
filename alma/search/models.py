"""The general search index: one row per searchable record of any module (see alma/search/__init__.py)."""

from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    """The searchable words of one record (`kind`, `object_id`), and who may find it.

    `words` and `facets` are space-separated tokens (`alma.lib.tokens`): the record's prose, and
    one token per facet value plus one for the kind. SQLite mirrors both columns into the FTS5
    table `search_fts` (by triggers); PostgreSQL keeps a stored tsvector over them with a GIN
    index (migration 0002).
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    # The lowest viewer level that may find the record (the caller's scale, e.g. 1 signed in,
    # 3 alumni office); `owner_id` (a person or user id, the caller's choice) finds it always.
    level = models.PositiveSmallIntegerField(default=1)
    owner_id = models.BigIntegerField(null=True, blank=True)
    words = models.TextField(blank=True)
    facets = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_key")
        ]
        indexes = [
            # Browsing a kind without words, newest first (search_query with q="").
            models.Index(fields=["kind", "-updated_at"], name="search_kind_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
