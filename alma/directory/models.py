"""The directory's search index, with privacy built in per viewer level.

Viewer levels: 1 = signed in, 2 = verified member, 3 = alumni office. Each field group has
an audience rank (1 signed in, 2 members, 3 alumni office, 4 only me); a viewer of level L
may find, see and count a field only where its rank is <= L.

- `DirectoryEntry`: one narrow row per person, the facet values and their ranks — what
  filters, counts and name ordering read.
- `DirectoryText`: the searchable words, split by rank (names are as visible as the profile).
  PostgreSQL adds one stored tsvector per level (names and the words of rank <= L) with a
  GIN index each; SQLite keeps an FTS5 table over the same columns and restricts a query to
  the columns the level may match. See migrations/0002.
- `DirectorySample`: the entries and words of a fixed random share of people, on which very
  broad words are counted (see search.py).
- `FacetCount`: counts by level for every facet value and every pair of facet values, kept
  exact in the same transaction as the entries, so that browsing (no words, at most one
  facet in use) is answered from a few hundred rows instead of scanning a million.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class _FacetRow(models.Model):
    """What filters and counts read of a person: the facet values and the ranks that govern them."""

    profile_rank = models.PositiveSmallIntegerField()
    education_rank = models.PositiveSmallIntegerField()
    employment_rank = models.PositiveSmallIntegerField()
    location_rank = models.PositiveSmallIntegerField()

    year = models.PositiveSmallIntegerField(null=True)  # first year of the 5-year graduation range
    degree = models.CharField(max_length=20, blank=True)
    school = models.CharField(max_length=120, blank=True)
    major = models.CharField(max_length=120, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=80, blank=True)
    province = models.CharField(max_length=80, blank=True)
    city = models.CharField(max_length=80, blank=True)
    # The chapter ids counted for this entry, "3,7": lets an update subtract exactly what it added.
    chapters = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class DirectoryEntry(_FacetRow):
    person = models.OneToOneField(
        "people.Person",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="directory_entry",
    )
    sort_name = models.CharField(max_length=200)

    class Meta:
        indexes = [
            # Browse everyone by name; and each facet value by name (WHERE city = ? ORDER BY sort_name).
            models.Index(fields=["sort_name"], name="dir_name_idx"),
            *[
                models.Index(fields=[column, "sort_name"], name=f"dir_{column}_idx")
                for column in (
                    "year",
                    "degree",
                    "school",
                    "major",
                    "industry",
                    "country",
                    "province",
                    "city",
                )
            ],
        ]

    def __str__(self) -> str:
        return self.sort_name


class DirectoryText(models.Model):
    person = models.OneToOneField(
        "people.Person",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="directory_text",
    )
    names = models.TextField()
    text1 = models.TextField(blank=True)  # words of fields visible to everyone signed in
    text2 = models.TextField(blank=True)  # ... to verified members
    text3 = models.TextField(blank=True)  # ... to the alumni office only

    def __str__(self) -> str:
        return self.names


class DirectorySample(_FacetRow):
    """A fixed random sample of the entries (one person in indexing.SAMPLE_EVERY), with their words.

    Very broad words ("engineer": half the alumni) are counted here, on a small table read in
    one pass, and the counts scaled up and shown as "about N". `sub` splits the sample again
    (0 to indexing.SUBSAMPLES - 1) so that the broadest words read only part of it. Each
    `wordsL` holds the words a viewer of level L may match, space-padded: " wang fang engineer ".
    """

    person = models.OneToOneField(
        "people.Person",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sub = models.PositiveSmallIntegerField()
    words1 = models.TextField()
    words2 = models.TextField()
    words3 = models.TextField()

    class Meta:
        # PostgreSQL also indexes each wordsL by trigrams (migration 0004), for LIKE '% word%'.
        indexes = [models.Index(fields=["sub", "profile_rank"], name="dir_sample_sub_idx")]

    def __str__(self) -> str:
        return f"sample {self.person_id}"


class FacetCount(models.Model):
    """How many people level L sees with facet_a=value_a (and facet_b=value_b, unless blank)."""

    level = models.PositiveSmallIntegerField()
    facet_a = models.CharField(max_length=20)
    value_a = models.CharField(max_length=200)
    facet_b = models.CharField(max_length=20, blank=True)
    value_b = models.CharField(max_length=200, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "facet_a", "value_a", "facet_b", "value_b"], name="facet_count_key"
            )
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.facet_a}={self.value_a} {self.facet_b}={self.value_b}: {self.count}"


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
