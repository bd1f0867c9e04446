"""Communications: the notification inbox and preferences, mailings and their recipients,
the magazine, and each person's mail settings (language, bounces)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.people.models import Person


class EmailDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("By email at once")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Not by email")


class Notification(models.Model):
    """One thing a person is told: shown in their inbox and, by their preference, mailed."""

    class EmailState(models.TextChoices):
        NONE = "none", _("Not mailed")
        PENDING = "pending", _("To be mailed")
        SENT = "sent", _("Mailed")
        DIGEST = "digest", _("Waiting for the digest")
        DIGESTED = "digested", _("Mailed in a digest")

    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # False where the person turned the kind off in the inbox (mail may still go).
    in_inbox = models.BooleanField(default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox: a person's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The header's unread count.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_inbox=True),
                name="notification_unread_idx",
            ),
            # The daily digest: who has notifications waiting for it.
            models.Index(
                fields=["recipient"],
                condition=Q(email_state="digest"),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A person's choice for one kind; a kind without a row follows the kind's default."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=60)
    email = models.CharField(
        _("email"), max_length=10, choices=EmailDelivery.choices, default=EmailDelivery.IMMEDIATE
    )
    in_app = models.BooleanField(_("in the inbox"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}: {self.email}"


class MailSettings(models.Model):
    """A person's mail language, and the address that last bounced (not mailed again)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mail_settings")
    language = models.CharField(_("language of mail"), max_length=10, blank=True)
    bounced_email = models.EmailField(blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("mail settings")
        verbose_name_plural = _("mail settings")

    def __str__(self) -> str:
        return f"{self.person_id} {self.language}"


class MailingPurpose(models.TextChoices):
    """What a mailing is for: a consent purpose, or a notice people need (transactional),
    which goes whatever their preferences say."""

    NEWSLETTER = "newsletter", _("Newsletters and news")
    EVENTS = "events", _("Event invitations")
    FUNDRAISING = "fundraising", _("Fundraising appeals")
    TRANSACTIONAL = "transactional", _("A notice people need (not subject to preferences)")


class Mailing(models.Model):
    """A mail to an audience: a saved directory segment and activity filters, for a purpose."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=MailingPurpose.choices)
    subject_en = models.CharField(_("subject (English)"), max_length=300, blank=True)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=300, blank=True)
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    body_zh = models.TextField(_("text (Chinese, Markdown)"), blank=True)
    segment = models.ForeignKey(
        "imports.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailings",
    )
    # Activity filters on top of the segment: {"stages": [...], "engagement": "engaged" |
    # "not_engaged" | "", "since": "YYYY-MM-DD"} (see mailings.audience_of).
    audience = models.JSONField(_("audience filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("mails per minute"), default=600)
    issue = models.ForeignKey(
        "comms.MagazineIssue",
        verbose_name=_("magazine issue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients_total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_per_minute__gte=1), name="mailing_rate_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_transactional(self) -> bool:
        return self.purpose == MailingPurpose.TRANSACTIONAL


class MailingRecipient(models.Model):
    """One person's copy of a mailing. A worker claims it (pending → claimed) before the mail
    goes and confirms it (claimed → sent) after: a claim left unconfirmed by a worker that
    died is reported, never sent again."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Claimed, not confirmed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mailings_received")
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    first_clicked_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("mailing recipient")
        verbose_name_plural = _("mailing recipients")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "person"], name="mailing_recipient_unique")
        ]
        indexes = [
            # Workers' next pending recipient, and the progress counts per state.
            models.Index(fields=["mailing", "state", "id"], name="mailing_recipient_state_idx"),
            # A bounce arrives with the message id the mail was sent with.
            models.Index(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="mailing_recipient_msgid_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.person_id} ({self.state})"


class MailingClick(models.Model):
    """A followed link of a mailing (opens are not tracked: an open is not engagement)."""

    recipient = models.ForeignKey(
        MailingRecipient, on_delete=models.CASCADE, related_name="click_rows"
    )
    url = models.TextField(_("address"))
    clicked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [models.Index(fields=["recipient"], name="mailing_click_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.url}"


class ArticleKind(models.TextChoices):
    ALUMNI_STORY = "alumni_story", _("Alumni story")
    VISIT_REPORT = "visit_report", _("Enterprise visit")
    AWARD_CEREMONY = "award_ceremony", _("Award ceremony")
    CHAPTER_NEWS = "chapter_news", _("Chapter news")
    CAMPUS_NEWS = "campus_news", _("Campus news")


class MagazineIssue(models.Model):
    """An issue of the alumni magazine: published issues are readable by anyone."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("magazine issue")
        verbose_name_plural = _("magazine issues")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class MagazineArticle(models.Model):
    issue = models.ForeignKey(MagazineIssue, on_delete=models.CASCADE, related_name="articles")
    kind = models.CharField(_("kind"), max_length=20, choices=ArticleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, allow_unicode=False)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text (Markdown)"))
    author_name = models.CharField(_("by"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # People the article names: it is published only with their consent (publicity purpose).
    people_named = models.ManyToManyField(
        Person, blank=True, related_name="magazine_mentions", verbose_name=_("people named")
    )
    wechat_media_id = models.CharField(max_length=200, blank=True)
    wechat_publish_id = models.CharField(max_length=200, blank=True)
    wechat_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("magazine article")
        verbose_name_plural = _("magazine articles")
        ordering = ["issue", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "slug"], name="magazine_article_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Conversation(models.Model):
    """A private thread between people a module brought together (a mentor and a mentee), so
    they talk inside Alma and nobody needs another's contact details. `topic` is the module's
    key for what it is about ("mentoring.pair:12"): one conversation per topic."""

    topic = models.CharField(max_length=100, unique=True)
    title = models.CharField(_("about"), max_length=300)
    link = models.CharField(max_length=500, blank=True)  # back to the module's page
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.title


class ConversationMember(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "person"], name="conversation_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.conversation_id}"


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["conversation", "sent_at"], name="conversation_time_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="message_not_empty")]

    def __str__(self) -> str:
        return f"{self.author_id} at {self.sent_at:%Y-%m-%d %H:%M}"
