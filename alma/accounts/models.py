"""Sign-in accounts, API tokens. Roles are derived from the person record (see roles.py)."""

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A login. Most people in Alma have a record long before they have a login."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()  # type: ignore[misc, assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return "alma_" + secrets.token_urlsafe(32)


class SignUpInvitation(models.Model):
    """A link that lets one person make a login, sent to one address.

    Three ways to get one: the alumni office invites someone; an alumnus claims the record the
    office holds and the link goes to a contact already on that record; or, where the record has
    no address (or the claimant gives a new one), the office approves the claim first. Only the
    token's SHA-256 is stored; the token is in the mailed link alone.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation from the alumni office")
        CLAIM = "claim", _("Claim confirmed by a contact on record")
        CLAIM_APPROVAL = "claim_approval", _("Claim approved by the alumni office")

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the office's approval")
        SENT = "sent", _("Link sent")
        USED = "used", _("Login made")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    email = models.EmailField(_("email"), help_text=_("Where the link goes; the login's address."))
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signup_invitations",
    )
    digest = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    claimed_with = models.CharField(
        _("claimed with"),
        max_length=254,
        blank=True,
        help_text=_("The email or student number the claimant gave."),
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up invitation")
        verbose_name_plural = _("sign-up invitations")
        ordering = ["-created_at"]
        indexes = [
            # The office's queue of claims to approve, newest first.
            models.Index(fields=["status", "-created_at"], name="signup_invitation_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"
