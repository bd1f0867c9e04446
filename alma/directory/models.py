"""The directory's search index: one row per person, with privacy baked in per viewer level.

Viewer levels: 1 = signed in, 2 = verified member, 3 = alumni office. A field whose audience
rank is above the viewer's level is neither shown, nor searchable, nor counted in a facet.
`doc1..doc3` hold the searchable text for each level; PostgreSQL adds stored tsvector columns
with GIN indexes and SQLite an FTS5 table over them (see the migrations).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DirectoryEntry(models.Model):
    person = models.OneToOneField(
        "people.Person", primary_key=True, on_delete=models.CASCADE, related_name="directory_entry"
    )
    # Audience ranks: 1 signed in, 2 members, 3 alumni office, 4 only me (never listed to others).
    profile_rank = models.PositiveSmallIntegerField()
    education_rank = models.PositiveSmallIntegerField()
    employment_rank = models.PositiveSmallIntegerField()
    location_rank = models.PositiveSmallIntegerField()

    full_name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200)
    stage = models.CharField(max_length=20)

    graduation_year = models.PositiveSmallIntegerField(null=True)
    degree_level = models.CharField(max_length=20, blank=True)
    school = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    province = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=80, blank=True)

    doc1 = models.TextField(blank=True)
    doc2 = models.TextField(blank=True)
    doc3 = models.TextField(blank=True)

    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Browsing by name (sort=name) within what a level may see.
            models.Index(fields=["profile_rank", "sort_name"], name="dir_rank_name_idx"),
            # Facet filters; each is combined with its field's rank in the WHERE clause.
            models.Index(fields=["graduation_year", "education_rank"], name="dir_year_idx"),
            models.Index(fields=["degree_level", "education_rank"], name="dir_degree_idx"),
            models.Index(fields=["school", "education_rank"], name="dir_school_idx"),
            models.Index(fields=["major", "education_rank"], name="dir_major_idx"),
            models.Index(fields=["industry", "employment_rank"], name="dir_industry_idx"),
            models.Index(fields=["city", "location_rank"], name="dir_city_idx"),
            models.Index(fields=["province", "location_rank"], name="dir_province_idx"),
            models.Index(fields=["country", "location_rank"], name="dir_country_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class PrivateFieldView(models.Model):
    """An alumni-office user saw fields that the person hides from other members: who, when, where."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    fields = models.CharField(max_length=300)
    context = models.CharField(max_length=40)
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["person", "-viewed_at"], name="private_view_person_idx")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.fields} of {self.person_id}"
