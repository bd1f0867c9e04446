"""The five-service activity ledger: who served whom, when, how, and was it helpful."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcessStage(models.TextChoices):
    PRE_ENTRY = "pre_entry", _("Before entry")
    IN_SCHOOL = "in_school", _("In school")
    LEAVING = "leaving", _("Leaving school")
    ALUMNUS = "alumnus", _("Alumnus")


class Aspect(models.TextChoices):
    LIFE = "life", _("Life")
    STUDY = "study", _("Study")
    WORK = "work", _("Work")


class Provider(models.TextChoices):
    TEACHING = "teaching", _("Teaching staff")
    ADMINISTRATIVE = "administrative", _("Administrative staff")
    LOGISTICS = "logistics", _("Logistics staff")
    ALUMNI_OFFICE = "alumni_office", _("Alumni office")
    ALUMNUS = "alumnus", _("Alumnus")
    PARTNER = "partner", _("Partner")
    # An organisation acting through its representative: a hire, an internship, a fair booth.
    ENTERPRISE = "enterprise", _("Enterprise")


class EngagementMode(models.TextChoices):
    """CASE Alumni Engagement Metrics modes, for activities whose actor is an alumnus."""

    PHILANTHROPIC = "philanthropic", _("Philanthropic")
    VOLUNTEER = "volunteer", _("Volunteer")
    EXPERIENTIAL = "experiential", _("Experiential")
    COMMUNICATION = "communication", _("Communication")


class Activity(models.Model):
    """One row of the ledger. Written only by `activity.services` (`activity_record` and
    `activity_record_bulk`, which share one set of rules)."""

    kind = models.CharField(_("kind"), max_length=60)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        "people.Person",
        verbose_name=_("served by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities_given",
    )
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    beneficiary = models.ForeignKey(
        "people.Person",
        verbose_name=_("served"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities_received",
    )
    beneficiary_stage = models.CharField(
        _("stage at the time"), max_length=20, choices=ProcessStage.choices, blank=True
    )
    aspect = models.CharField(_("aspect"), max_length=10, choices=Aspect.choices)
    engagement_mode = models.CharField(
        _("CASE engagement mode"), max_length=20, choices=EngagementMode.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="activity_rating_1_to_5",
            )
        ]
        indexes = [
            # A student's "services received" and coverage reports read by beneficiary.
            models.Index(fields=["beneficiary", "-occurred_at"], name="activity_beneficiary_idx"),
            # A staff member's log, and engagement reports, read by actor.
            models.Index(fields=["actor", "-occurred_at"], name="activity_actor_idx"),
            # Reports slice by kind and period.
            models.Index(fields=["kind", "occurred_at"], name="activity_kind_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"
