"""Communications: the notification inbox and preferences, mailings and their recipients,
the magazine, and each person's mail settings (language, bounces)."""

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
