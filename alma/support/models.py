"""Confidential student-support cases and the help mobilised for them.

What a case says (its narrative, notes, files, the summary a student agreed to share) is kept
encrypted (`*_encrypted`, see crypto.py); the rest is what the office needs to run the work
(category, urgency, who is on the team, dates). Nothing here is registered in the admin.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.people.models import Chapter, Person


class SupportPreference(models.Model):
    """An alumnus's choice to be asked for help for students in need (off until they opt in)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="support_preference"
    )
    accepts_help_requests = models.BooleanField(_("I accept requests for help"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support preference")
        verbose_name_plural = _("support preferences")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.accepts_help_requests}"


class CaseOfficer(models.Model):
    """An alumni-office member named to open every support case (besides each case's team)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="case_officer")
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case officer")
        verbose_name_plural = _("case officers")

    def __str__(self) -> str:
        return str(self.person_id)


class Category(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    ACCIDENT = "accident", _("Accident")
    FAMILY = "family", _("Family crisis")
    LEGAL = "legal", _("Legal")
    FINANCIAL = "financial", _("Financial")
    PSYCHOLOGICAL = "psychological", _("Psychological")


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical: within a day")
    HIGH = "high", _("High: within days")
    NORMAL = "normal", _("Normal")


class HelpKind(models.TextChoices):
    MONEY = "money", _("Money")
    PROFESSIONAL = "professional", _("Professional help")
    CONTACTS = "contacts", _("Contacts")
    STAY = "stay", _("A place to stay")


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred to other services")
        DECLINED = "declined", _("Help declined by the student")
        OTHER = "other", _("Other")

    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_cases")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Kinds of help needed (HelpKind values) and the expertise that would help, as tags.
    needs = models.JSONField(_("help needed"), default=list)
    expertise_needed = models.CharField(_("expertise needed"), max_length=300, blank=True)
    narrative_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["status", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="support_case_closed_has_date",
            )
        ]
        indexes = [
            # The purge sweep: closed cases not yet purged, oldest first.
            models.Index(fields=["status", "closed_at"], name="support_case_closed_idx"),
        ]

    def __str__(self) -> str:
        return _("Case %(n)s") % {"n": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(_("lead"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="support_team_once")]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseTeamMember {self.pk}"


class CaseEvent(models.Model):
    """One line of a case's timeline. It names what happened, never what a note or file says."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        TEAM = "team", _("Team member added")
        NOTE = "note", _("Note added")
        FILE = "file", _("File added")
        TASK = "task", _("Task added")
        TASK_DONE = "task_done", _("Task done")
        CONSENT = "consent", _("Consent recorded")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        REQUEST = "request", _("Request for help sent")
        OFFER = "offer", _("Offer of help received")
        OFFER_STATUS = "offer_status", _("Offer of help updated")
        GRANT = "grant", _("Emergency grant paid")
        CLOSED = "closed", _("Case closed")
        FOLLOW_UP = "follow_up", _("Follow-up reminder sent")
        PURGED = "purged", _("Narrative, notes and files purged")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseEvent {self.pk}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseNote {self.pk}"


class CaseFile(models.Model):
    """A file kept encrypted under VAR_DIR/support/, never under MEDIA_ROOT; served by a view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    storage_token = models.CharField(max_length=64, unique=True)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=60)
    title_encrypted = models.TextField(editable=False)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseFile {self.pk}"


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseTask {self.pk}"


class CaseReadLog(models.Model):
    """Every read of a case's protected content: who, when, what."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(max_length=60)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"CaseReadLog {self.pk}"


class Consent(models.Model):
    """What the student agreed may be shared, and with whom; recorded by the team or the student.

    When the student cannot agree, a named contact does, recorded as such.
    """

    class GivenBy(models.TextChoices):
        STUDENT = "student", _("The student")
        CONTACT = "contact", _("A named contact for the student")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    contact_name = models.CharField(_("contact's name"), max_length=200, blank=True)
    contact_relation = models.CharField(_("relation to the student"), max_length=100, blank=True)
    summary_encrypted = models.TextField(editable=False)
    share_name = models.BooleanField(_("the student's name may be shared"), default=False)
    to_chapter = models.BooleanField(_("the hometown chapter's officers"), default=False)
    to_alumni = models.BooleanField(_("alumni whose expertise fits"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="student") | ~Q(contact_name=""),
                name="support_consent_contact_named",
            )
        ]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"Consent {self.pk}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class HelpRequest(models.Model):
    """A request for help to one recipient: a chapter (its officers) or one alumnus."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="requests")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="requests")
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alumnus = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the matching engine proposed this alumnus: [[code, params], ...] with the score.
    reasons = models.JSONField(default=list)
    score = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chapter__isnull=False, alumnus__isnull=True)
                | Q(chapter__isnull=True, alumnus__isnull=False),
                name="support_request_one_recipient",
            )
        ]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"HelpRequest {self.pk}"


class Offer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined with thanks")
        DONE = "done", _("Given")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    helper = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of help"), max_length=20, choices=HelpKind.choices)
    details = models.CharField(_("details"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"Offer {self.pk}"


class Grant(models.Model):
    """An emergency grant to the case's student, paid through the hardship fund's ledger."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="grants")
    # The award giving made and paid for it; its payments are the fund's ledger entries. (Not the
    # entry itself: emptying the database erases the ledger first, by its one sanctioned path.)
    award = models.OneToOneField("giving.Award", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="support_grant_pos")]

    def __str__(self) -> str:
        # Says which row, never what the case is about.
        return f"Grant {self.pk}"
