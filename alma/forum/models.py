"""The alumni forum: questions, answers, comments, votes, invitations to answer, moderation,
each alumnus's preferences, and the routing index of who may be asked what."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect
from alma.people.models import Person


class Topic(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate study")
    ABROAD = "abroad", _("Study abroad")
    CAREER = "career", _("Career planning")
    INDUSTRY = "industry", _("Industries")
    CITY = "city", _("Cities")
    COURSE = "course", _("Courses")
    LIFE = "life", _("Life")


# The ledger's aspect of an answer on each topic (life, study, work).
TOPIC_ASPECT = {
    Topic.POSTGRADUATE: Aspect.STUDY,
    Topic.ABROAD: Aspect.STUDY,
    Topic.COURSE: Aspect.STUDY,
    Topic.CAREER: Aspect.WORK,
    Topic.INDUSTRY: Aspect.WORK,
    Topic.CITY: Aspect.LIFE,
    Topic.LIFE: Aspect.LIFE,
}


class Question(models.Model):
    asker = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="forum_questions")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"), blank=True)  # Markdown
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    anonymous = models.BooleanField(_("ask anonymously"), default=False)
    # A one-to-one question: only the asker and this alumnus see it, until the alumnus
    # publishes it (anonymised).
    private_to = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forum_private_questions",
    )
    # A forum talk's thread: questions before and after an alumni forum event.
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_questions",
    )
    accepted_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The open list, newest first; and the escalation sweep (unanswered, old, not escalated).
            models.Index(fields=["hidden", "-created_at"], name="forum_q_listed_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(answer_count=0, escalated_at__isnull=True),
                name="forum_q_escalation_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_private(self) -> bool:
        return self.private_to_id is not None

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="forum_answers")
    body = models.TextField(_("answer"))  # Markdown
    score = models.IntegerField(default=0)
    hidden = models.BooleanField(default=False)
    # When the answer became an Activity in the ledger (accepted or upvoted by the asker): once.
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "created_at", "id"]

    def __str__(self) -> str:
        return f"answer {self.pk} to {self.question_id}"


class Comment(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class Vote(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "voter"], name="forum_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="forum_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.value:+d} on {self.answer_id}"


class Revision(models.Model):
    """An earlier text of a question or an answer, kept when it is edited (edit history)."""

    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    editor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=True, answer__isnull=False)
                | Q(question__isnull=False, answer__isnull=True),
                name="forum_revision_of_one",
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.pk}"


class Invitation(models.Model):
    """An alumnus asked to answer a question, with why they were picked (for staff and them)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="forum_invitations")
    score = models.FloatField()
    reasons = models.JSONField(default=list)  # [{"code", "params"}], translated when shown
    escalation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "person"], name="forum_invite_once")
        ]
        indexes = [
            # How many invitations a person had this week (the weekly cap).
            models.Index(fields=["person", "created_at"], name="forum_invite_week_idx"),
            # Everyone's invitations this week: who is at their cap (routing.unavailable_ids).
            models.Index(fields=["created_at"], name="forum_invite_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} invited to {self.question_id}"


class AnswerPreference(models.Model):
    """Whether an alumnus takes routed and one-to-one questions, and how many a week.

    Without a row: on for alumni who mentor, off for others (routing.default_accepts).
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="forum_preference")
    accepts_questions = models.BooleanField(_("invite me to answer questions"))
    accepts_private = models.BooleanField(_("accept one-to-one questions"), default=True)
    invitations_per_week = models.PositiveSmallIntegerField(_("invitations a week"), default=3)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(invitations_per_week__gte=0, invitations_per_week__lte=20),
                name="forum_invitations_per_week_0_20",
            )
        ]
        indexes = [
            # The few who said no, left out of routing's candidate query (unavailable_ids).
            models.Index(
                fields=["person"],
                condition=Q(accepts_questions=False) | Q(invitations_per_week=0),
                name="forum_pref_refused_idx",
            )
        ]

    def __str__(self) -> str:
        return f"preference of {self.person_id}"


class RoutingProfile(models.Model):
    """What routing reads of one alumnus who takes questions, kept current by the worker.

    Each field carries the audience rank of the person's privacy setting that governs it
    (people.privacy.audience_rank): a question is routed only on fields its asker may see.
    """

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="forum_routing_profile"
    )
    industry = models.CharField(max_length=100, blank=True)
    employment_rank = models.PositiveSmallIntegerField(default=4)
    major = models.CharField(max_length=120, blank=True)
    education_rank = models.PositiveSmallIntegerField(default=4)
    city = models.CharField(max_length=80, blank=True)
    location_rank = models.PositiveSmallIntegerField(default=4)
    expertise = models.TextField(blank=True)
    expertise_rank = models.PositiveSmallIntegerField(default=4)
    # Topics and tags of questions the person answered: public in the forum, rank 1.
    answered = models.TextField(blank=True)
    invitations_per_week = models.PositiveSmallIntegerField(default=3)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"routing profile of {self.person_id}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Hidden")
        DISMISSED = "dismissed", _("Dismissed")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="forum_report_queue_idx")]

    def __str__(self) -> str:
        return f"report {self.pk}"
