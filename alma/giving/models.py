"""Education funds: donors, gifts, pledges, the append-only fund ledger, receipts, awards, letters.

Money is Decimal (two places in the database, the currency's places in code: alma/lib/money.py).
A fund's balance is the sum of its ledger entries; `Fund.balance` and each entry's
`balance_after` are copies kept under the fund's row lock and checked by `alma giving reconcile`.
Ledger entries are never updated or deleted: database triggers refuse it on SQLite and
PostgreSQL (migration 0002), and a correction is a reversal plus a new entry.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.activity.models import Aspect
from alma.people.models import Organization, Person


def money_field(verbose_name: Any, **options: Any) -> models.DecimalField:
    """An amount in the school's currency: two places in the database, up to 10^13."""
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=2, **options)


class Purpose(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship for outstanding students")
    HARDSHIP = "hardship", _("Hardship aid")
    STUDY_ABROAD = "study_abroad", _("Study abroad and exchange")
    FACILITIES = "facilities", _("Teaching and research facilities")
    INTERNATIONAL = "international", _("International cooperation")
    STUDENT_ACTIVITIES = "student_activities", _("Student activities")
    UNRESTRICTED = "unrestricted", _("Unrestricted")


# What an award from a fund of each purpose is to the student, in the five-service ledger.
PURPOSE_ASPECT = {
    Purpose.SCHOLARSHIP: Aspect.STUDY,
    Purpose.HARDSHIP: Aspect.LIFE,
    Purpose.STUDY_ABROAD: Aspect.STUDY,
    Purpose.FACILITIES: Aspect.STUDY,
    Purpose.INTERNATIONAL: Aspect.STUDY,
    Purpose.STUDENT_ACTIVITIES: Aspect.LIFE,
    Purpose.UNRESTRICTED: Aspect.LIFE,
}


class Source(models.TextChoices):
    """Who gave, as reports group gifts; fixed when the gift is recorded."""

    ALUMNI = "alumni", _("Alumni")
    STUDENTS = "students", _("Students")
    STAFF = "staff", _("Staff")
    FRIENDS = "friends", _("Friends and parents")
    ALUMNI_ENTERPRISES = "alumni_enterprises", _("Alumni enterprises")
    PARTNERS = "partners", _("Partners and other organisations")


class Donor(models.Model):
    """A person or an organisation that gives; exactly one of the two."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="donor"
    )
    organization = models.OneToOneField(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="donor"
    )
    anonymous = models.BooleanField(
        _("anonymous to students"),
        default=False,
        help_text=_("Students and the public see 'an anonymous donor'."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="donor_person_or_organization",
            )
        ]

    def __str__(self) -> str:
        return str(self.person or self.organization)

    @property
    def is_organization(self) -> bool:
        return self.organization_id is not None


class Fund(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    description = models.TextField(_("description"), blank=True)
    restrictions = models.TextField(
        _("restrictions"), blank=True, help_text=_("What the fund may and may not pay for.")
    )
    owner_unit = models.ForeignKey(
        Organization,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Organization.Kind.SCHOOL_UNIT},
        related_name="owned_funds",
    )
    is_endowment = models.BooleanField(_("endowment"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    founders = models.ManyToManyField(
        Donor, verbose_name=_("founding donors"), blank=True, related_name="founded_funds"
    )
    # The sum of the fund's ledger entries, kept under the fund's row lock (reconciled).
    balance = money_field(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="fund_balance_not_negative")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def aspect(self) -> str:
        return str(PURPOSE_ASPECT[Purpose(self.purpose)])


class Pledge(models.Model):
    """A promise to give a total in instalments; gifts paid against it fulfil the instalments."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges")
    total = money_field(_("total pledged"))
    pledged_on = models.DateField(_("pledged on"), default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-pledged_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="pledge_total_positive")
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.fund}: {self.total}"


class PledgeInstalment(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = money_field(_("amount"))
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive")
        ]
        indexes = [
            # The reminder sweep: unreminded instalments by due date.
            models.Index(fields=["due_on", "reminded_at"], name="instalment_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.pledge} due {self.due_on}"


class RecurringGift(models.Model):
    """A standing gift (monthly, quarterly, yearly): each payment received is recorded as a gift."""

    class Interval(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="recurring_gifts")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="recurring_gifts")
    amount = money_field(_("amount each time"))
    interval = models.CharField(_("every"), max_length=10, choices=Interval.choices)
    starts_on = models.DateField(_("starts on"))
    next_due_on = models.DateField(_("next due on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recurring gift")
        verbose_name_plural = _("recurring gifts")
        ordering = ["next_due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recurring_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.amount} {self.interval}"


class MatchingOffer(models.Model):
    """An alumni enterprise matches its people's gifts: ratio, yearly cap per person."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="matching_offers")
    ratio = models.DecimalField(
        _("ratio"), max_digits=5, decimal_places=2, help_text=_("1.00 matches one for one.")
    )
    cap_per_person_per_year = money_field(_("yearly cap per person"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("matching offer")
        verbose_name_plural = _("matching offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio__gt=0) & Q(cap_per_person_per_year__gt=0),
                name="matching_offer_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.donor} ×{self.ratio}"


class Gift(models.Model):
    """One gift received: money (in the school's currency, converted where needed) or in kind.

    A money gift posts one entry to its fund's ledger; a gift in kind is recorded at its
    valuation (receipted, reported) but is not money the fund can pay out.
    """

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        IN_KIND = "in_kind", _("In kind")

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="gifts")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="gifts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONEY)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    received_on = models.DateField(_("received on"))
    # In the school's currency: the money received, converted, or the valuation of a gift in kind.
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    original_amount = money_field(_("amount in its currency"))
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=18, decimal_places=8, default=1
    )
    description = models.TextField(_("description of the gift in kind"), blank=True)
    instalment = models.ForeignKey(
        PledgeInstalment, null=True, blank=True, on_delete=models.PROTECT, related_name="gifts"
    )
    recurring = models.ForeignKey(
        RecurringGift, null=True, blank=True, on_delete=models.PROTECT, related_name="gifts"
    )
    matches = models.ForeignKey(
        "self",
        verbose_name=_("matches the gift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matched_by",
    )
    representative = models.ForeignKey(
        Person,
        verbose_name=_("given through"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gifts_represented",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(original_amount__gt=0) & Q(exchange_rate__gt=0),
                name="gift_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind="money") | ~Q(description=""), name="gift_in_kind_described"
            ),
        ]
        indexes = [
            # A donor's history, newest first.
            models.Index(fields=["donor", "-received_on"], name="gift_donor_idx"),
            # Reports by fund and period.
            models.Index(fields=["fund", "received_on"], name="gift_fund_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.fund}: {self.amount}"


class SoftCredit(models.Model):
    """An alumnus credited for a gift they brought about (their company's gift, a family gift)."""

    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="soft_credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="soft_credits")
    amount = money_field(_("amount credited"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("soft credit")
        verbose_name_plural = _("soft credits")
        constraints = [
            models.UniqueConstraint(fields=["gift", "person"], name="soft_credit_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="soft_credit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} credited {self.amount}"


class AwardRound(models.Model):
    """A call for applications to one fund: criteria, amount per award, places, a committee."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for applications")
        REVIEWING = "reviewing", _("Committee reviewing")
        DECIDED = "decided", _("Decided")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    criteria = models.TextField(_("criteria"))
    amount = money_field(_("amount per award"))
    places = models.PositiveSmallIntegerField(_("awards"), default=1)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    committee = models.ManyToManyField(
        Person, verbose_name=_("committee"), blank=True, related_name="award_committees"
    )
    ceremony = models.ForeignKey(
        "events.Event",
        verbose_name=_("award ceremony"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_rounds",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="round_amount_positive"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", _("Not awarded")

    round = models.ForeignKey(AwardRound, on_delete=models.PROTECT, related_name="applications")
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="award_applications")
    statement = models.TextField(_("personal statement"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # The student's choice: may the fund's donors see their name (else they are only counted)?
    named_to_donors = models.BooleanField(
        _("donors may see my name"),
        default=False,
        help_text=_("Otherwise donors only see how many students their fund helped."),
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="application_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.round}"


def _document_path(instance: "ApplicationDocument", filename: str) -> str:
    # The stored name is ours: a random token and the checked extension, never the uploader's.
    return f"private/giving/{instance.storage_token}{instance.extension}"


class ApplicationDocument(models.Model):
    """A transcript or letter attached to an application; served only through a checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path, max_length=200)
    storage_token = models.CharField(max_length=64, unique=True)
    extension = models.CharField(max_length=8)
    title = models.CharField(_("title"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="award_scores")
    score = models.PositiveSmallIntegerField(_("score (1–10)"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="score_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.score}"


class Award(models.Model):
    """The committee's decision for one application; paid through the fund's ledger."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount = money_field(_("amount"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the first payment reaches the student (the ledger of services records it then).
    activity_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-decided_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="award_positive")]

    def __str__(self) -> str:
        return f"{self.application.student}: {self.amount}"


class Transfer(models.Model):
    """Money moved from one fund to another: two ledger entries, out and in."""

    from_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transfers_out")
    to_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transfers_in")
    amount = money_field(_("amount"))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_positive"),
            models.CheckConstraint(
                condition=~Q(from_fund=models.F("to_fund")), name="transfer_between_two_funds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_fund} → {self.to_fund}: {self.amount}"


class LedgerEntry(models.Model):
    """One movement of a fund's money. Append-only (database triggers); never edited or deleted.

    `amount` is signed: credits positive, debits negative. `balance_after` is the fund's
    balance once this entry is posted, written under the fund's row lock; it is never negative.
    """

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift")
        AWARD_PAYMENT = "award_payment", _("Award payment")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        REVERSAL = "reversal", _("Reversal")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money_field(_("amount"))
    balance_after = money_field(_("balance after"))
    occurred_on = models.DateField(_("date"))
    gift = models.ForeignKey(
        Gift, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["fund", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="gift", amount__gt=0, gift__isnull=False)
                    | Q(kind="award_payment", amount__lt=0, award__isnull=False)
                    | Q(kind="transfer_in", amount__gt=0, transfer__isnull=False)
                    | Q(kind="transfer_out", amount__lt=0, transfer__isnull=False)
                    | Q(kind="reversal", reverses__isnull=False)
                ),
                name="ledger_entry_kind_matches",
            ),
        ]
        indexes = [
            # Statements: a fund's entries by date.
            models.Index(fields=["fund", "occurred_on"], name="ledger_fund_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.kind} {self.amount}"


class LedgerMaintenance(models.Model):
    """A row here lets the triggers accept deleting ledger entries (tests' clean-up only).

    Nothing in Alma writes it: financial records are kept whole, erasure included.
    """

    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger maintenance")
        verbose_name_plural = _("ledger maintenance")

    def __str__(self) -> str:
        return f"maintenance since {self.started_at:%Y-%m-%d %H:%M}"


class ReceiptCounter(models.Model):
    """The last receipt number issued in a year; locked to give the next one without gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Receipt(models.Model):
    """The acknowledgement of one gift (not the statutory donation invoice)."""

    gift = models.OneToOneField(Gift, on_delete=models.PROTECT, related_name="receipt")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    printed_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="receipt_number_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.year}-{self.number:06d}"


class ReceiptPrint(models.Model):
    """Each time a receipt is printed: the first is the original, later ones are duplicates."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="prints")
    is_duplicate = models.BooleanField()
    printed_at = models.DateTimeField(default=timezone.now)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("receipt print")
        verbose_name_plural = _("receipt prints")

    def __str__(self) -> str:
        return f"{self.receipt} {'duplicate' if self.is_duplicate else 'original'}"


class ReceiptWording(models.Model):
    """The text on receipts, per language; the alumni office edits it."""

    language = models.CharField(_("language"), max_length=10, unique=True)
    organisation = models.CharField(_("issued by"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("thanks"), help_text=_("May use {donor}, {amount}, {fund} and {date}.")
    )
    footer = models.TextField(_("footer"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receipt wording")
        verbose_name_plural = _("receipt wording")

    def __str__(self) -> str:
        return self.language


class ThankYouLetter(models.Model):
    """A student's letter to the donors of the fund that helped them; the office approves it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned to the student")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="letters")
    text = models.TextField(_("letter"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.CharField(_("note to the student"), max_length=300, blank=True)
    written_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thank-you letter")
        verbose_name_plural = _("thank-you letters")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.award}: {self.status}"
