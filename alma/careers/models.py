"""The alumni-enterprise alliance, postings, applications, job fairs and enterprise visits."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.events.models import Event
from alma.people.models import DegreeLevel, Employment, Organization, Person


def split_list(value: str) -> list[str]:
    """Comma- (or Chinese comma-) separated values, stripped, blanks dropped, order kept."""
    parts = value.replace("，", ",").replace("、", ",").split(",")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def private_storage() -> FileSystemStorage:
    """CVs live under VAR_DIR/careers/, never under MEDIA_ROOT: no URL reaches them, only the
    permission-checked download view reads them."""
    return FileSystemStorage(
        location=settings.VAR_DIR / "careers",
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


class OrganizationSize(models.TextChoices):
    MICRO = "micro", _("Fewer than 20 people")
    SMALL = "small", _("20 to 99 people")
    MEDIUM = "medium", _("100 to 999 people")
    LARGE = "large", _("1,000 to 9,999 people")
    HUGE = "huge", _("10,000 people or more")


class AllianceMembership(models.Model):
    """An organisation's place in the alumni-enterprise alliance: requested, then decided by
    the career or alumni office. Holds what the alliance pages show beyond people.Organization."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Member")
        DECLINED = "declined", _("Declined")

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="alliance_membership"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    size = models.CharField(_("size"), max_length=10, choices=OrganizationSize.choices, blank=True)
    cities = models.CharField(
        _("cities"), max_length=300, blank=True, help_text=_("Comma-separated.")
    )
    sponsorships = models.TextField(
        _("sponsorships"), blank=True, help_text=_("Funds, prizes and events it sponsors.")
    )
    requested_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.status})"

    @property
    def city_list(self) -> list[str]:
        return split_list(self.cities)


class PracticeBase(models.Model):
    """A practice-base agreement: the organisation hosts the school's interns for a term."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="practice_bases"
    )
    title = models.CharField(_("agreement"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("practice-base agreement")
        verbose_name_plural = _("practice-base agreements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="practice_base_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PostingKind(models.TextChoices):
    INTERNSHIP = "internship", _("Internship")
    GRADUATE_JOB = "graduate_job", _("Graduate job")
    PART_TIME = "part_time", _("Part-time")
    PRACTICE_BASE = "practice_base", _("Practice-base place")


class Posting(models.Model):
    """An internship or job an organisation offers; live only once staff approve it, and only
    until its deadline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        LIVE = "live", _("Live")
        REJECTED = "rejected", _("Returned")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="postings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PostingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    target_majors = models.TextField(
        _("target majors"), blank=True, help_text=_("Comma-separated; empty means any major.")
    )
    degree_levels = models.CharField(
        _("degree levels"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated; empty means any degree."),
    )
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    cities = models.CharField(_("cities"), max_length=300, blank=True)
    remote = models.BooleanField(_("remote possible"), default=False)
    openings = models.PositiveIntegerField(_("openings"), default=1)
    salary_min = models.DecimalField(
        _("monthly salary from"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    salary_max = models.DecimalField(
        _("monthly salary up to"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(openings__gte=1), name="posting_has_openings"),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="posting_salary_band_ordered",
            ),
        ]
        indexes = [
            # The live list and recommendations: live postings whose deadline has not passed.
            models.Index(fields=["status", "deadline"], name="posting_status_deadline_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def major_list(self) -> list[str]:
        return split_list(self.target_majors)

    @property
    def degree_list(self) -> list[str]:
        return split_list(self.degree_levels)

    @property
    def degree_labels(self) -> list[str]:
        labels = dict(DegreeLevel.choices)
        return [str(labels.get(d, d)) for d in self.degree_list]

    @property
    def city_list(self) -> list[str]:
        return split_list(self.cities)

    @property
    def skill_list(self) -> list[str]:
        return split_list(self.skills)

    def is_open(self, today: dt.date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.status == self.Status.LIVE and self.deadline >= day


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _cv_path(instance: "JobApplication", filename: str) -> str:
    # Ours, never the uploader's: a random token and the extension the content proved.
    return f"cv/{instance.cv_token}{instance.cv_extension}"


class JobApplication(models.Model):
    """A student's application to a posting, with a private CV."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="applications")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="job_applications")
    note = models.TextField(_("note to the employer"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default="applied"
    )
    at_fair = models.ForeignKey(
        "JobFair", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    cv = models.FileField(storage=private_storage, upload_to=_cv_path, max_length=200, blank=True)
    cv_token = models.CharField(max_length=64, default="", blank=True)
    cv_extension = models.CharField(max_length=8, blank=True)
    cv_content_type = models.CharField(max_length=80, blank=True)
    cv_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "student"], name="job_application_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.posting}"

    def new_cv_token(self) -> None:
        self.cv_token = secrets.token_hex(16)


class ApplicationStep(models.Model):
    """Each move of an application along the pipeline: what the student is told, and when."""

    application = models.ForeignKey(JobApplication, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"


class JobFair(models.Model):
    """A job fair: organisations at booths, each bringing postings; an event of kind job_fair."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="job_fair"
    )

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.name


class Booth(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="booths")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="booths")
    location = models.CharField(_("place on the floor plan"), max_length=40)
    postings = models.ManyToManyField(Posting, blank=True, related_name="booths")
    # Printed as a QR code at the booth: students scan it to sign in.
    sign_in_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["location", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "organization"], name="booth_one_per_fair")
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.organization}"


class BoothSignIn(models.Model):
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="sign_ins")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="booth_sign_ins")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booth", "student"], name="booth_sign_in_once")
        ]

    def __str__(self) -> str:
        return f"{self.student} @ {self.booth}"


class EnterpriseVisit(models.Model):
    """A student's vacation visit to an alliance enterprise, and the report they file."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        REPORTED = "reported", _("Report filed")
        PUBLISHED = "published", _("Published as a story")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="visits")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enterprise_visits")
    visit_on = models.DateField(_("visit date"))
    city = models.CharField(_("city"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP
    )
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise visit")
        verbose_name_plural = _("enterprise visits")
        ordering = ["-visit_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "student", "visit_on"], name="visit_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} @ {self.organization}"


def _photo_path(instance: "VisitPhoto", filename: str) -> str:
    # Ours, never the uploader's: a random token and the format we re-encoded it to.
    return f"photos/{instance.token}{instance.extension}"


class VisitPhoto(models.Model):
    """A photo of an enterprise visit's report: checked and re-encoded by Pillow, kept under
    VAR_DIR/careers/ (no URL reaches it) and served only by a view that checks who may see the
    visit."""

    visit = models.ForeignKey(EnterpriseVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=private_storage, upload_to=_photo_path, max_length=200)
    token = models.CharField(max_length=64, unique=True)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.token}{self.extension}"


class CareerProfile(models.Model):
    """What a student tells careers: where they want to work and whether employers may find
    them (recommended to a posting's organisation only with this opt-in)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="career_profile")
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    target_industries = models.CharField(
        _("industries I want to work in"), max_length=300, blank=True
    )
    preferred_cities = models.CharField(_("cities I want to work in"), max_length=300, blank=True)
    open_to_employers = models.BooleanField(
        _("employers may find me"),
        default=False,
        help_text=_("Recommend me to organisations whose postings fit me."),
    )

    class Meta:
        verbose_name = _("career profile")
        verbose_name_plural = _("career profiles")

    def __str__(self) -> str:
        return str(self.person)


class EmployerLink(models.Model):
    """The office's decision on an uncertain link between an employment record and an
    organisation: a record naming the organisation only by one of its other names
    (`Organization.aliases`), not by its name nor linked to it. Confirmed, the record counts
    among the alumni working there; rejected, it is never proposed again."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    employment = models.ForeignKey(
        Employment, on_delete=models.CASCADE, related_name="employer_links"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="employer_links"
    )
    status = models.CharField(_("decision"), max_length=10, choices=Status.choices)
    # The employer's name as the record gave it when decided: a changed name is asked again.
    matched_name = models.CharField(max_length=200)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("employer link")
        verbose_name_plural = _("employer links")
        constraints = [
            models.UniqueConstraint(
                fields=["employment", "organization"], name="employer_link_decided_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} → {self.organization_id}: {self.status}"
