"""What the lifecycle keeps beyond people's own records: graduates' destinations and the
chapters' groups of new students' parents."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.people.models import Chapter, Person


class GraduateDestination(models.Model):
    """What a new graduate tells us: where they go next and for whom they work."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="destinations")
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"))
    asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    employer = models.CharField(_("employer or school"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="new_alumni"
    )
    officers_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "events_graduatedestination"  # the table it had in events
        verbose_name = _("graduate destination")
        verbose_name_plural = _("graduate destinations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "graduation_year"], name="graduate_destination_unique"
            )
        ]
        indexes = [
            # A chapter's page of new alumni, newest answers first.
            models.Index(fields=["chapter", "-answered_at"], name="destination_chapter_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.graduation_year})"


class ParentsGroup(models.Model):
    """A chapter's group for the parents of one year's new students from its region."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="parents_groups")
    entry_year = models.PositiveSmallIntegerField(_("entry year"))
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(Person, related_name="parents_groups", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "events_parentsgroup"  # the table it had in events
        verbose_name = _("new parents group")
        verbose_name_plural = _("new parents groups")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "entry_year"], name="parents_group_unique")
        ]

    def __str__(self) -> str:
        return self.name
