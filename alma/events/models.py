"""Programs and events across the lifecycle: registration, waitlist, roles, check-in, feeds,
and the messages read out at ceremonies."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect, ProcessStage
from alma.people.models import Chapter, Organization, Person


class Program(models.Model):
    """A line of work in the catalogue (send-off seminars, the freshman first lesson...)."""

    class Cadence(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        YEARLY = "yearly", _("Every year")
        TERMLY = "termly", _("Every term")
        MONTHLY = "monthly", _("Every month")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("lifecycle stage"), max_length=20, choices=ProcessStage.choices)
    aspect = models.CharField(_("aspect"), max_length=10, choices=Aspect.choices)
    cadence = models.CharField(
        _("cadence"), max_length=20, choices=Cadence.choices, default=Cadence.YEARLY
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar")
    TALK = "talk", _("Talk or lecture")
    FORUM = "forum", _("Forum")
    CEREMONY = "ceremony", _("Ceremony")
    COMPETITION = "competition", _("Competition")
    HOMECOMING = "homecoming", _("Homecoming")
    FELLOWSHIP = "fellowship", _("Fellowship gathering")
    SEND_OFF = "send_off", _("Send-off seminar")
    WELCOME = "welcome", _("Welcome for new alumni")
    JOB_FAIR = "job_fair", _("Job fair")
    OTHER = "other", _("Other")


# Staff may check people in from the day before an event (set-up, early arrivals).
CHECK_IN_OPENS_BEFORE = dt.timedelta(days=1)


class Event(models.Model):
    """One occurrence: hosted by the school, a unit or a chapter, for an audience."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    description = models.TextField(_("description"), blank=True)
    aspect = models.CharField(_("aspect"), max_length=10, choices=Aspect.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when it starts.")
    )
    is_online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("online link"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)

    # The host: a chapter, a unit of the school, or (neither) the school itself.
    host_chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("host chapter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_events",
    )
    host_unit = models.ForeignKey(
        Organization,
        verbose_name=_("host unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Organization.Kind.SCHOOL_UNIT},
        related_name="hosted_events",
    )

    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats, guests included. Empty: no limit."),
    )
    guests_allowed = models.PositiveSmallIntegerField(
        _("guests per registration"),
        default=0,
        help_text=_("How many guests each person may bring."),
    )

    # Audience: who may see the event and register. Every rule given must hold.
    open_to_prospective = models.BooleanField(_("admitted students"), default=True)
    open_to_students = models.BooleanField(_("students"), default=True)
    open_to_alumni = models.BooleanField(_("alumni"), default=True)
    open_to_others = models.BooleanField(_("staff, partners and others"), default=True)
    audience_entry_year = models.PositiveSmallIntegerField(
        _("only entry year"),
        null=True,
        blank=True,
        help_text=_("e.g. 2026 for this year's freshmen."),
    )
    audience_graduation_year = models.PositiveSmallIntegerField(
        _("only graduation year"), null=True, blank=True
    )
    audience_city = models.CharField(
        _("only people from or in city"),
        max_length=80,
        blank=True,
        help_text=_("Matches the current city or the hometown."),
    )
    audience_chapter = models.ForeignKey(
        Chapter,
        verbose_name=_("only members of chapter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audience_events",
    )

    reminders_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        Person,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(host_chapter__isnull=True) | Q(host_unit__isnull=True),
                name="event_one_host",
            ),
        ]
        indexes = [
            # The calendar: upcoming events in start order.
            models.Index(fields=["status", "starts_at"], name="event_status_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self):  # type: ignore[no-untyped-def]
        return self.registration_closes_at or self.starts_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def check_in_opens_at(self) -> dt.datetime:
        return self.starts_at - CHECK_IN_OPENS_BEFORE

    @property
    def check_in_is_open(self) -> bool:
        """Pages offer *Check in* only from here on (the service refuses it before)."""
        return timezone.now() >= self.check_in_opens_at

    @property
    def host_name(self) -> str:
        if self.host_chapter_id:
            return str(self.host_chapter)
        if self.host_unit_id:
            return str(self.host_unit)
        return str(_("The university"))


class RegistrationQuestion(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One of a list")
        YES_NO = "yes_no", _("Yes or no")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Registration(models.Model):
    """A person's place at an event. Check-in, not registration, counts as attendance."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    guest_names = models.CharField(_("guests' names"), max_length=300, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    registered_at = models.DateTimeField(default=timezone.now)
    # The waitlist is served in this order; re-registering puts you at the back.
    queued_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_unique")
        ]
        indexes = [
            # Seats taken and the waitlist in order: by event and status.
            models.Index(fields=["event", "status", "queued_at"], name="registration_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"

    @property
    def seats(self) -> int:
        return 1 + self.guests


class EventRole(models.Model):
    """Someone serving at an event: speaker, judge, host, volunteer, mentor on duty."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        JUDGE = "judge", _("Judge")
        HOST = "host", _("Host")
        VOLUNTEER = "volunteer", _("Volunteer")
        MENTOR_ON_DUTY = "mentor_on_duty", _("Mentor on duty")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="event_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    served_at = models.DateTimeField(_("served"), null=True, blank=True)

    class Meta:
        verbose_name = _("event role")
        verbose_name_plural = _("event roles")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="event_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) @ {self.event}"


class EventMessage(models.Model):
    """A message from a distinguished alumnus to a cohort: this year's freshmen or graduates.

    The alumni office invites an alumnus to write (status `invited`), the alumnus writes it
    through a signed link (`submitted`), the office reviews it (`approved` or `declined`).
    Approved messages are shown on the cohort's page, read out at the ceremony from a printable
    sheet, and travel with the welcome or graduation mail. A message may also be attached
    straight to a ceremony by its organisers (approved as it is added).
    """

    class Cohort(models.TextChoices):
        FRESHMEN = "freshmen", _("Freshmen")
        GRADUATES = "graduates", _("Graduates")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    cohort = models.CharField(_("to"), max_length=10, choices=Cohort.choices, blank=True)
    cohort_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_messages"
    )
    author_name = models.CharField(_("from"), max_length=200)
    text = models.TextField(_("message"), blank=True)
    link = models.URLField(_("link (video or article)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("alumni message")
        verbose_name_plural = _("alumni messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False)
                | Q(cohort__in=["freshmen", "graduates"], cohort_year__isnull=False),
                name="event_message_event_or_cohort",
            )
        ]
        indexes = [
            # A cohort's page, its printable sheet and its mail: approved messages to a cohort.
            models.Index(
                fields=["cohort", "cohort_year", "status"], name="event_message_cohort_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_name} @ {self.event or self.cohort_year}"


class CalendarFeed(models.Model):
    """A person's secret calendar address; a new token revokes the old address."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person} feed"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)
