"""HTML input for giving. Forms parse; the services decide (and raise ApplicationError)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.giving.models import Fund, Gift, Purpose, RecurringGift
from alma.lib.money import CURRENCY_PLACES
from alma.people.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_length": 20, "widget": forms.TextInput(attrs={"inputmode": "decimal"})}


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"), max_length=30, help_text=_("Short, e.g. li-scholarship.")
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    restrictions = forms.CharField(
        label=_("Restrictions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_unit = forms.ModelChoiceField(
        label=_("Owner unit"),
        queryset=Organization.objects.filter(kind=Organization.Kind.SCHOOL_UNIT),
        required=False,
    )
    is_endowment = forms.BooleanField(label=_("Endowment"), required=False)


class GiftForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("Fund"), queryset=Fund.objects.filter(status=Fund.Status.ACTIVE)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Gift.Kind.choices, initial=Gift.Kind.MONEY)
    amount = forms.CharField(label=_("Amount (or valuation)"), **MONEY)  # type: ignore[arg-type]
    currency = forms.ChoiceField(label=_("Currency"), choices=[])
    exchange_rate = forms.CharField(
        label=_("Exchange rate"), required=False, max_length=20,
        help_text=_("Into the school's currency, for gifts in another currency."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description of the gift in kind"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate, widget=DATE)
    anonymous = forms.BooleanField(label=_("Anonymous gift"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        home = settings.ALMA_CURRENCY
        codes = [home] + sorted(c for c in CURRENCY_PLACES if c != home)
        self.fields["currency"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]
        self.fields["currency"].initial = home


class PledgeForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("Fund"), queryset=Fund.objects.filter(status=Fund.Status.ACTIVE)
    )
    total = forms.CharField(label=_("Total I pledge"), **MONEY)  # type: ignore[arg-type]
    instalments = forms.IntegerField(
        label=_("In how many instalments"), min_value=1, max_value=120, initial=1
    )
    months_between = forms.IntegerField(
        label=_("Months between instalments"), min_value=1, max_value=24, initial=12
    )
    first_due_on = forms.DateField(
        label=_("First instalment due"), initial=timezone.localdate, widget=DATE
    )


class RecurringForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("Fund"), queryset=Fund.objects.filter(status=Fund.Status.ACTIVE)
    )
    amount = forms.CharField(label=_("Amount each time"), **MONEY)  # type: ignore[arg-type]
    interval = forms.ChoiceField(label=_("Every"), choices=RecurringGift.Interval.choices)
    starts_on = forms.DateField(label=_("Starts on"), initial=timezone.localdate, widget=DATE)


class TransferForm(forms.Form):
    to_fund = forms.ModelChoiceField(label=_("To fund"), queryset=Fund.objects.all())
    amount = forms.CharField(label=_("Amount"), **MONEY)  # type: ignore[arg-type]
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    criteria = forms.CharField(label=_("Criteria"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.CharField(label=_("Amount per award"), **MONEY)  # type: ignore[arg-type]
    places = forms.IntegerField(label=_("Number of awards"), min_value=1, max_value=1000, initial=1)
    opens_on = forms.DateField(label=_("Opens on"), initial=timezone.localdate, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class ApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("Personal statement"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    named_to_donors = forms.BooleanField(
        label=_(
            "The fund's donors may see my name (otherwise they only see how many students they helped)"
        ),
        required=False,
    )
    documents = forms.FileField(
        label=_("Documents (PDF, PNG or JPEG)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )  # fmt: skip


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score (1–10)"), min_value=1, max_value=10)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class LetterForm(forms.Form):
    text = forms.CharField(
        label=_("Your letter to the donors"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class WordingForm(forms.Form):
    organisation = forms.CharField(label=_("Issued by"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Thanks"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("May use {donor}, {amount}, {fund} and {date}."))  # fmt: skip
    footer = forms.CharField(
        label=_("Footer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
