"""HTML forms of the forum (services check the rules; forms only parse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alma.forum.models import Topic


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Your question in one line"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Comma-separated, at most 5.")
    )
    anonymous = forms.BooleanField(
        label=_("Ask anonymously (only the alumni office sees your name)"), required=False
    )


class QuestionEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=200)


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=2000)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=500)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PreferenceForm(forms.Form):
    accepts_questions = forms.BooleanField(
        label=_("Invite me to answer students' questions"), required=False
    )
    accepts_private = forms.BooleanField(label=_("Accept one-to-one questions"), required=False)
    invitations_per_week = forms.IntegerField(
        label=_("Invitations a week, at most"), min_value=0, max_value=20
    )
