"""Mentoring programs and cycles, mentor and mentee profiles, matching runs, pairs and meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect


def split_list(text: str) -> list[str]:
    """A comma-separated field as a list of its non-empty items."""
    return [item.strip() for item in text.replace("，", ",").split(",") if item.strip()]


class MentoringProgram(models.Model):
    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one mentoring")
        GROUP = "group", _("Group mentoring")
        FLASH = "flash", _("Flash mentoring")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentoring program")
        verbose_name_plural = _("mentoring programs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cycle(models.Model):
    """One round of a program: applications, matching, an active period, a closing survey."""

    class Phase(models.TextChoices):
        APPLICATIONS = "applications", _("Applications open")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        SURVEY = "survey", _("Closing survey")
        CLOSED = "closed", _("Closed")

    program = models.ForeignKey(MentoringProgram, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(_("name"), max_length=120)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.APPLICATIONS
    )
    applications_close_on = models.DateField(_("applications close on"), null=True, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    survey_until = models.DateField(_("survey until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentoring cycle")
        verbose_name_plural = _("mentoring cycles")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="mentoring_cycle_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.program} — {self.name}"

    @property
    def profiles_editable(self) -> bool:
        return self.phase == self.Phase.APPLICATIONS

    @property
    def requests_open(self) -> bool:
        return self.phase in (self.Phase.APPLICATIONS, self.Phase.MATCHING, self.Phase.ACTIVE)


class MentorProfile(models.Model):
    """An alumnus or staff member offering to mentor in one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="mentors")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    capacity = models.PositiveSmallIntegerField(_("how many mentees"), default=1)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    industries = models.CharField(_("industries"), max_length=300, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="mentor_profile_unique"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=20), name="mentor_capacity_1_to_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.cycle})"


class MenteeApplication(models.Model):
    """A student asking for a mentor in one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="mentees")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="mentee_applications"
    )
    goals = models.TextField(_("goals"), blank=True)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    target_industries = models.CharField(_("target industries"), max_length=300, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    # Why the last matching run left this mentee without a proposal (empty: matched or not run).
    unmatched_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentee application")
        verbose_name_plural = _("mentee applications")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="mentee_application_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.cycle})"


class MatchRun(models.Model):
    """One run of the engine over a cycle, kept for the dashboard and the record."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs")
    solver = models.CharField(_("solver"), max_length=20)
    objective = models.FloatField(_("total affinity"), default=0)
    matched = models.PositiveIntegerField(_("pairs proposed"), default=0)
    mentees = models.PositiveIntegerField(_("mentees considered"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle} {self.solver} {self.created_at:%Y-%m-%d %H:%M}"


# Pairs in these states hold a place of the mentor's capacity and the mentee's one mentor.
OPEN_STATES = ("proposed", "offered", "requested", "active")


class Mentorship(models.Model):
    """A mentor–mentee pair, from proposal (or direct request) to the end of the cycle."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed (not yet published)")
        OFFERED = "offered", _("Offered, awaiting answers")
        REQUESTED = "requested", _("Requested by the student")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        MATCHING = "matching", _("Matching")
        REQUEST = "request", _("Student's request")
        OFFICE = "office", _("Set by the alumni office")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(
        MenteeApplication, on_delete=models.CASCADE, related_name="mentorships"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    score = models.FloatField(_("affinity"), null=True, blank=True)
    # The engine's reasons as [{"code", "params", "contribution"}], translated when shown.
    reasons = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    mentor_accepted = models.BooleanField(null=True, blank=True)
    mentee_accepted = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-score", "id"]
        indexes = [
            # Proposals and dashboards list a cycle's pairs by status.
            models.Index(fields=["cycle", "status"], name="mentorship_cycle_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person} → {self.mentee.person}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class Meeting(models.Model):
    """A meeting of a pair; each writes one `mentoring.meeting` activity, which the mentee rates."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    occurred_at = models.DateTimeField(_("when"))
    topic = models.CharField(_("topic"), max_length=10, choices=Aspect.choices)
    note = models.TextField(_("note"), blank=True)
    activity = models.OneToOneField(
        "activity.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mentorship} {self.occurred_at:%Y-%m-%d}"


class SurveyResponse(models.Model):
    """The closing survey: each side of a pair says how it went."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="survey_responses"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "person"], name="survey_response_unique"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship}: {self.satisfaction}"
