"""Rollups of the activity ledger and the person dimensions, rebuilt by a background job.

Pages read these small tables instead of the ledger, so they stay fast at millions of
activities; `alma.insights.services.rollups_refresh` rebuilds them all in one transaction,
and the tests hold them equal to a direct recount of the ledger.

A distinct count (students served, alumni engaged) can be added across groups only where the
groups do not overlap. Every row here is keyed so that they never do: a person belongs to
exactly one cohort key, and periods are whole fiscal years (or all time, fiscal_year 0).
"""

from django.db import models
from django.utils import timezone

ALL_YEARS = 0  # fiscal_year of the rows that count over all time


class PersonDimension(models.Model):
    """What cohorts and breakdowns group a person by, as of the last refresh.

    The cohort comes from the person's latest course of study here (highest entry year).
    """

    person = models.OneToOneField(
        "people.Person",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="insights_dimension",
    )
    stage = models.CharField(max_length=20)
    entry_year = models.PositiveSmallIntegerField(null=True)
    school = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    degree_level = models.CharField(max_length=20, blank=True)
    hometown_province = models.CharField(max_length=80, blank=True)
    # The latest degree conferred (alumni's graduation decade, CASE alumni of record by year).
    graduation_year = models.PositiveSmallIntegerField(null=True)
    current_city = models.CharField(max_length=80, blank=True)
    deceased = models.BooleanField(default=False)
    reachable = models.BooleanField(default=False)  # an email, a phone or a WeChat ID

    class Meta:
        indexes = [
            # Alumni of record by year: stage, then graduation year.
            models.Index(fields=["stage", "graduation_year"], name="insights_dim_stage_grad_idx"),
        ]

    def __str__(self) -> str:
        return f"dimensions of person {self.person_id}"


class CohortSize(models.Model):
    """How many people share one cohort key (people with a course of study here)."""

    entry_year = models.PositiveSmallIntegerField()
    school = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    degree_level = models.CharField(max_length=20, blank=True)
    hometown_province = models.CharField(max_length=80, blank=True)
    current_stage = models.CharField(max_length=20)
    people = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["entry_year"], name="insights_cohort_entry_idx")]

    def __str__(self) -> str:
        return f"{self.entry_year} {self.school} {self.major}: {self.people}"


class CoverageCell(models.Model):
    """Services received by one cohort key in one cell (stage x aspect x provider) and period.

    provider "" counts the cell's stage and aspect over every provider (a student served by two
    providers is one student served, so it cannot be added up from the provider rows).
    """

    fiscal_year = models.PositiveSmallIntegerField()  # ALL_YEARS for all time
    entry_year = models.PositiveSmallIntegerField()
    school = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    degree_level = models.CharField(max_length=20, blank=True)
    hometown_province = models.CharField(max_length=80, blank=True)
    current_stage = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    aspect = models.CharField(max_length=10)
    provider = models.CharField(max_length=20, blank=True)
    served = models.PositiveIntegerField()  # distinct students
    services = models.PositiveIntegerField()
    rating_sum = models.PositiveIntegerField()
    rating_count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # The dashboard reads one period of one entry year (or of every entry year).
            models.Index(fields=["fiscal_year", "entry_year"], name="insights_cov_year_entry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.stage}/{self.aspect}/{self.provider}: {self.served}"


class EngagedAlumnus(models.Model):
    """One alumnus engaged in one fiscal year, with the CASE modes they engaged in (0 or 1)."""

    fiscal_year = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="insights_engagement"
    )
    philanthropic = models.PositiveSmallIntegerField()
    volunteer = models.PositiveSmallIntegerField()
    experiential = models.PositiveSmallIntegerField()
    communication = models.PositiveSmallIntegerField()
    activities = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "person"], name="insights_engaged_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} engaged in {self.fiscal_year}"


class EngagementSummary(models.Model):
    """The CASE AEM counts of one fiscal year, overall (breakdown "") or for one group."""

    class Breakdown(models.TextChoices):
        OVERALL = "", "overall"
        DECADE = "decade", "graduation decade"
        SCHOOL = "school", "school"
        CHAPTER = "chapter", "chapter"
        CITY = "city", "city"

    fiscal_year = models.PositiveSmallIntegerField()
    breakdown = models.CharField(max_length=10, choices=Breakdown.choices, blank=True)
    value = models.CharField(max_length=200, blank=True)
    alumni_of_record = models.PositiveIntegerField()
    overall = models.PositiveIntegerField()
    philanthropic = models.PositiveIntegerField()
    volunteer = models.PositiveIntegerField()
    experiential = models.PositiveIntegerField()
    communication = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["fiscal_year", "breakdown"], name="insights_aem_year_idx"),
        ]

    def __str__(self) -> str:
        return f"AEM {self.fiscal_year} {self.breakdown} {self.value}: {self.overall}"


class RollupState(models.Model):
    """The one row that says when the rollups were built, and the belonging analysis then."""

    refreshed_at = models.DateTimeField(null=True)
    requested_at = models.DateTimeField(null=True)  # a refresh is queued (not yet run)
    seconds = models.FloatField(default=0)
    activities = models.PositiveBigIntegerField(default=0)
    belonging = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"rollups of {self.refreshed_at}"
