"""Person, the one record of a human across the lifecycle, and what hangs off it."""

from django.conf import settings
from django.db import models
from django.db.models import JSONField, Q, Value
from django.db.models.functions import Now, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.lib.history import History


class Stage(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective student")
    STUDENT = "student", _("Student")
    ALUMNUS = "alumnus", _("Alumnus")
    NONE = "none", _("No student lifecycle")  # staff or partners who never studied here


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "", _("Not given")


class Audience(models.TextChoices):
    """Who may see a field. Ordered from narrowest to widest."""

    ONLY_ME = "only_me", _("Only me")
    ALUMNI_OFFICE = "alumni_office", _("Alumni office")
    MEMBERS = "members", _("Verified members")
    SIGNED_IN = "signed_in", _("Everyone signed in")


class Post(models.TextChoices):
    """A staff post: who, among the school's staff, serves students."""

    TEACHING = "teaching", _("Teaching")
    ADMINISTRATIVE = "administrative", _("Administrative")
    LOGISTICS = "logistics", _("Logistics")
    ALUMNI_OFFICE = "alumni_office", _("Alumni office")
    # Approves postings and alliance requests beside the alumni office (careers).
    CAREER_OFFICE = "career_office", _("Career office")


class DegreeLevel(models.TextChoices):
    ASSOCIATE = "associate", _("Associate (diploma)")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")
    EXCHANGE = "exchange", _("Exchange student")
    CONTINUING = "continuing", _("Continuing education")


class Person(models.Model):
    """One human, from prospective student to lifelong alumnus; a login is optional.

    Fields an import or a bulk write may leave out carry their default in the database too
    (db_default), so that bulk writes send only the values they have.
    """

    full_name = models.CharField(_("full name"), max_length=200)
    family_name = models.CharField(
        _("family name"), max_length=100, blank=True, default="", db_default=""
    )
    given_name = models.CharField(
        _("given name"), max_length=100, blank=True, default="", db_default=""
    )
    name_latin = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("Pinyin or romanised name."),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=Stage.choices, default=Stage.NONE
    )

    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    wechat = models.CharField(_("WeChat ID"), max_length=60, blank=True)

    hometown_country = models.CharField(
        _("hometown country"), max_length=80, blank=True, default="", db_default=""
    )
    hometown_province = models.CharField(
        _("hometown province"), max_length=80, blank=True, default="", db_default=""
    )
    hometown_city = models.CharField(
        _("hometown city"), max_length=80, blank=True, default="", db_default=""
    )
    current_country = models.CharField(
        _("current country"), max_length=80, blank=True, default="", db_default=""
    )
    current_province = models.CharField(
        _("current province"), max_length=80, blank=True, default="", db_default=""
    )
    current_city = models.CharField(_("current city"), max_length=80, blank=True)

    # Deceased people stay on record (giving history, class lists) but are no longer alumni of
    # record: CASE's engagement metrics and every mailing leave them out.
    deceased = models.BooleanField(_("deceased"), default=False, db_default=False)

    headline = models.CharField(
        _("headline"), max_length=200, blank=True, default="", db_default=""
    )
    bio = models.TextField(_("about"), blank=True, default="", db_default="")
    expertise = models.TextField(
        _("expertise"), blank=True, default="", db_default="", help_text=_("Comma-separated.")
    )
    interests = models.TextField(
        _("interests"), blank=True, default="", db_default="", help_text=_("Comma-separated.")
    )

    # The profile photo's version: random hex naming its files under VAR_DIR/photos/ (never a
    # URL of the web root; alma/people/photos.py), empty without a photo. Set by the photo
    # services only, so nothing typed reaches a file path.
    photo_version = models.CharField(
        _("photo"), max_length=32, blank=True, default="", db_default="", editable=False
    )

    # Per-field audiences, keyed by the names in people.privacy.PRIVATE_FIELDS.
    # A missing key means the field's default audience.
    privacy = models.JSONField(
        _("privacy settings"), default=dict, db_default=Value({}, JSONField()), blank=True
    )

    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    history = History(excluded_fields=["updated_at"])  # an author, not a constraint: see History

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # Staff look people up by stage (cohort lists, reports).
            models.Index(fields=["stage"], name="person_stage_idx"),
            # Matching imports and sign-ups to existing records by email, in any case: Django's
            # email__iexact is UPPER(email) = UPPER(...) on PostgreSQL.
            models.Index(Upper("email"), name="person_email_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def expertise_list(self) -> list[str]:
        return [item.strip() for item in self.expertise.split(",") if item.strip()]

    @property
    def interests_list(self) -> list[str]:
        return [item.strip() for item in self.interests.split(",") if item.strip()]


class Organization(models.Model):
    """An alumni enterprise, a partner or a unit of the school."""

    class Kind(models.TextChoices):
        ALUMNI_ENTERPRISE = "alumni_enterprise", _("Alumni enterprise")
        PARTNER = "partner", _("Partner")
        SCHOOL_UNIT = "school_unit", _("School unit")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Other names the organisation goes by (former names, abbreviations, the English name):
    # employment records name employers freely, and are linked to it by these too.
    aliases = models.TextField(
        _("other names"),
        blank=True,
        default="",
        db_default="",
        help_text=_("One per line: former names, abbreviations, the name in another language."),
    )
    representatives = models.ManyToManyField(
        Person,
        verbose_name=_("representatives"),
        blank=True,
        related_name="represented_organizations",
    )
    history = History(m2m_fields=[representatives])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Education(models.Model):
    """A course of study at this university: one row per degree (a person may have several)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="educations")
    degree_level = models.CharField(_("degree level"), max_length=20, choices=DegreeLevel.choices)
    school = models.CharField(_("school / college"), max_length=120)
    major = models.CharField(_("major"), max_length=120, blank=True)
    entry_year = models.PositiveSmallIntegerField(_("entry year"))
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"),
        null=True,
        blank=True,
        help_text=_("Empty until the degree is conferred."),
    )
    expected_graduation_year = models.PositiveSmallIntegerField(
        _("expected graduation year"), null=True, blank=True
    )
    # NULL when not given: the unique constraint below allows any number of NULLs, not of "".
    student_number = models.CharField(  # noqa: DJ001
        _("student number"), max_length=30, null=True, blank=True
    )
    # The history is read one record at a time (by id): the copies of the foreign keys and the
    # student number are not indexed there. Each index costs every bulk import a write per row.
    history = History(no_db_index=["person"])

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = ["-entry_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(graduation_year__isnull=True)
                | Q(graduation_year__gte=models.F("entry_year")),
                name="education_graduation_after_entry",
            ),
            # A constraint rather than unique=True: the same unique index, without the second
            # (LIKE-pattern) index PostgreSQL gets for a unique text field; nothing searches
            # student numbers by prefix.
            models.UniqueConstraint(
                fields=["student_number"], name="education_student_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["graduation_year"], name="education_grad_year_idx")]

    def __str__(self) -> str:
        return f"{self.get_degree_level_display()}, {self.major or self.school} ({self.entry_year})"


class Employment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    # Indexed only where set (Meta): imported jobs name an employer without linking it.
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employments",
        db_index=False,
    )
    organization_name = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("title"), max_length=120, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False, db_default=False)
    history = History(no_db_index=["person", "organization"])

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employment")
        ordering = ["-is_current", "-start_year"]
        indexes = [
            models.Index(
                fields=["organization"],
                condition=Q(organization__isnull=False),
                name="employment_organization_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.organization_name}"


class StaffPost(models.Model):
    """A person's post at the school; every post serves students."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="staff_posts")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    unit = models.ForeignKey(
        Organization,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"kind": Organization.Kind.SCHOOL_UNIT},
        related_name="staff_posts",
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = History()

    class Meta:
        verbose_name = _("staff post")
        verbose_name_plural = _("staff posts")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_post_display()}"


class Chapter(models.Model):
    """A regional or affinity alumni association."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        AFFINITY = "affinity", _("Affinity")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=80, blank=True)
    province = models.CharField(_("province"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(Person, through="ChapterMembership", related_name="chapters")
    history = History()

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChapterMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        OFFICER = "officer", _("Officer")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chapter_memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("chapter membership")
        verbose_name_plural = _("chapter memberships")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "person"], name="chapter_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.chapter} ({self.role})"


class ConsentPurpose(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletters and news")
    EVENTS = "events", _("Event invitations")
    MENTORING = "mentoring", _("Mentoring matches")
    FUNDRAISING = "fundraising", _("Fundraising appeals")
    CHAPTER_SHARING = "chapter_sharing", _("Sharing my contact with my chapter's officers")
    # A parent's or guardian's: asked by the school on admission (imports record it).
    SEND_OFF = "send_off", _("Invitations to my child's send-off seminar")
    NEW_PARENTS = "new_parents", _("Joining my region's new parents group")
    PUBLICITY = "publicity", _("Being named in the alumni magazine and official account")


class Consent(models.Model):
    """Append-only: each row records a decision; the latest row per purpose is in force."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["person", "purpose", "-recorded_at"], name="consent_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.purpose}={self.granted}"


class StageTransition(models.Model):
    """The audit trail of the lifecycle: admitted, enrolled, graduated."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stage_transitions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.from_stage} -> {self.to_stage}"


class PersonRelation(models.Model):
    """A family tie between two records: a student's parent or guardian is a Person too.

    Their contacts reach a chapter's officers only with the relative's `chapter_sharing` consent.
    """

    class Kind(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Guardian")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="related_to")
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="person_relation_unique"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="person_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} ({self.kind}) of {self.person}"


class LocalName(models.Model):
    """What a stored reference value (a school, a major, a city, an event's title) is called in
    another language: one row per value and language, so records keep one stored value and
    every page shows it in the reader's language (alma/people/reference.py)."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place (city, province, country)")
        SCHOOL = "school", _("School or unit")
        MAJOR = "major", _("Major")
        INDUSTRY = "industry", _("Industry")
        ORGANIZATION = "organization", _("Organisation")
        CHAPTER = "chapter", _("Chapter")
        PROGRAM = "program", _("Program")
        EVENT = "event", _("Event title")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("stored value"), max_length=300)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(_("name in that language"), max_length=300)

    class Meta:
        verbose_name = _("name in another language")
        verbose_name_plural = _("names in other languages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "language"], name="local_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="local_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.value} → {self.name} ({self.language})"
