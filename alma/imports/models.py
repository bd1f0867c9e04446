"""Imports of people from spreadsheets, saved column mappings, reversible merges, segments and export logs."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """A saved column mapping: header as it appears in the file -> Alma field."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file and what became of it; the file lives under var/, outside media."""

    class Status(models.TextChoices):
        """A batch's jobs (preview, then import) are claimed by moving it from the queued status
        to the running one in one conditional UPDATE: one worker, or one request, runs each."""

        UPLOADED = "uploaded", _("Uploaded")
        PREVIEW_QUEUED = "preview_queued", _("Waiting to be checked")
        PREVIEWING = "previewing", _("Being checked")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        """What a running import is doing, as `people_import` reports its progress."""

        VALIDATE = "validate", _("Checking the rows")
        WRITE = "write", _("Writing the records")
        INDEX = "index", _("Updating the directory")

    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    columns = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    skip_invalid = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class Segment(models.Model):
    """A named, saved directory search.

    Only the search is kept, never a list of people: whoever uses the segment gets the search's
    result at that moment, as their own privacy lets them see it, so it never goes stale.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    # The directory page's parameters (q, facet filters, sort) as `directory.search.clean_query`
    # reads them; cleaned again on every use.
    query = models.JSONField(_("search"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ExportLog(models.Model):
    """Who exported what: the query, the format, the fields and how many people."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the export was of a saved segment; `query` keeps the search even if it is deleted.
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="exports"
    )
    exported_at = models.DateTimeField(default=timezone.now)
    format = models.CharField(max_length=10)
    query = models.JSONField(default=dict)
    fields = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["exported_by", "-exported_at"], name="export_by_idx")]

    def __str__(self) -> str:
        return f"{self.format} {self.row_count} @ {self.exported_at:%Y-%m-%d}"


class DuplicateDismissal(models.Model):
    """Staff said these two records are different people: never propose the pair again."""

    person_low = models.PositiveBigIntegerField()
    person_high = models.PositiveBigIntegerField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="dismissal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_low} != {self.person_high}"


class Merge(models.Model):
    """A merge of one record into another; `snapshot` holds everything needed to undo it."""

    survivor = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="merges_absorbed"
    )
    merged_person_id = models.PositiveBigIntegerField()
    merged_name = models.CharField(max_length=200)
    probability = models.FloatField(null=True, blank=True)
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_name} -> {self.survivor_id}"


# What record linkage compares (linkage.KEYS), as the review page names them.
COMPARISON_LABELS: dict[str, Any] = {
    "family_name": _("Family name"),
    "given_name": _("Given name"),
    "name_cjk": _("Name in Chinese"),
    "date_of_birth": _("Date of birth"),
    "student_number": _("Student number"),
    "email": _("Email"),
    "phone": _("Phone"),
    "graduation_year": _("Graduation year"),
    "major": _("Major"),
    "city": _("City"),
    "province": _("Province"),
}
COMPARISON_STATES: dict[str, Any] = {
    "agree": _("agree"),
    "differ": _("differ"),
    "missing": _("missing"),
}


class DuplicateCandidate(models.Model):
    """A pair of records that record linkage says may be one person, waiting for review."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not the same person")

    person_a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    # field -> "agree" | "differ" | "missing", as linkage compared them
    comparison = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The lowest person id of the pair's group: the pairs linkage found, clustered into
    # connected components, so that one person's records are reviewed and merged together.
    group = models.PositiveBigIntegerField()
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique")
        ]
        indexes = [
            # The review queue: open pairs, most likely first.
            models.Index(fields=["status", "-probability"], name="duplicate_queue_idx"),
            # One group's open pairs (the review page and a group's merge).
            models.Index(fields=["status", "group"], name="duplicate_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.probability:.2f})"
