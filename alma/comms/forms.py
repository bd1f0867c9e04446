"""HTML input for communications: mailings, the magazine, invitations to write to a cohort."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alma.comms.models import ArticleKind, MagazineIssue, MailingPurpose
from alma.events.models import EventMessage
from alma.imports.models import Segment
from alma.people.models import Stage

ENGAGEMENT = [
    ("", _("Engaged or not")),
    ("engaged", _("Engaged since the date")),
    ("not_engaged", _("Not engaged since the date")),
]


def start_of_year() -> dt.date:
    return dt.date(timezone.localdate().year, 1, 1)


class MailingForm(forms.Form):
    name = forms.CharField(label=_("Name (for the office)"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=MailingPurpose.choices)
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        queryset=Segment.objects.all(),
        required=False,
        empty_label=_("Everyone with an address"),
        help_text=_("A saved directory search (Imports → Segments)."),
    )
    stages = forms.MultipleChoiceField(
        label=_("Only"),
        choices=[(s.value, s.label) for s in Stage if s.value],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    engagement = forms.ChoiceField(label=_("Engagement"), choices=ENGAGEMENT, required=False)
    since = forms.DateField(
        label=_("Engagement since"),
        required=False,
        initial=start_of_year,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Engaged: an alumnus served, gave, took part or clicked in the ledger."),
    )
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=300, required=False)
    body_en = forms.CharField(
        label=_("Text (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown: **bold**, [a link](https://…), lists. {{ name }} is the reader's name."
        ),
    )
    subject_zh = forms.CharField(label=_("Subject (Chinese)"), max_length=300, required=False)
    body_zh = forms.CharField(
        label=_("Text (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    rate_per_minute = forms.IntegerField(
        label=_("Mails per minute"), min_value=1, max_value=100_000, initial=600
    )

    def audience(self) -> dict[str, Any]:
        since = self.cleaned_data.get("since")
        return {
            "stages": self.cleaned_data.get("stages") or [],
            "engagement": self.cleaned_data.get("engagement") or "",
            "since": since.isoformat() if since else "",
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "subject_en": data["subject_en"],
            "subject_zh": data["subject_zh"],
            "body_en": data["body_en"],
            "body_zh": data["body_zh"],
            "segment": data["segment"],
            "audience": self.audience(),
            "rate_per_minute": data["rate_per_minute"],
        }


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )


class IssueForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    author_name = forms.CharField(label=_("By"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 10}))
    people_named = forms.CharField(
        label=_("People named (record numbers)"),
        required=False,
        help_text=_("Comma-separated: the article is published only with their consent."),
    )

    def named_ids(self) -> list[int]:
        raw = self.cleaned_data.get("people_named") or ""
        ids = []
        for part in raw.replace("，", ",").split(","):
            part = part.strip()
            if part:
                if not part.isdigit():
                    raise forms.ValidationError(_("Give record numbers, separated by commas."))
                ids.append(int(part))
        return ids

    def clean_people_named(self) -> str:
        self.named_ids()
        return self.cleaned_data.get("people_named") or ""


class MessageInviteForm(forms.Form):
    author = forms.IntegerField(label=_("Alumnus (record number)"), min_value=1)
    cohort = forms.ChoiceField(label=_("To"), choices=EventMessage.Cohort.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)


class MessageWriteForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 10})
    )
    link = forms.URLField(
        label=_("A link (video or article)"), required=False, assume_scheme="https"
    )


class DigestForm(forms.Form):
    issue = forms.ModelChoiceField(queryset=MagazineIssue.objects.all())
