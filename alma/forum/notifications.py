"""What the forum tells people, through comms' notification core (inbox, and mail by each
person's preferences): invitations to answer, answers to your question, one-to-one questions.

Called from background jobs (tasks.py), never inside a request's transaction.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alma.comms.kinds import NotificationKind, register_notification_kind
from alma.comms.selectors import recipient_language
from alma.comms.services import mailed, notification_send
from alma.forum.models import Answer, Invitation, Question
from alma.people.models import Person

MODULE = gettext_lazy("Alumni forum")
INVITATION = NotificationKind(
    slug="forum.invitation",
    label=gettext_lazy("Questions you are invited to answer"),
    module=MODULE,
)
ANSWERED = NotificationKind(
    slug="forum.answered", label=gettext_lazy("Answers to your questions"), module=MODULE
)
PRIVATE = NotificationKind(
    slug="forum.private_question",
    label=gettext_lazy("One-to-one questions to you"),
    module=MODULE,
)
KINDS = [INVITATION, ANSWERED, PRIVATE]


def register_notification_kinds() -> None:
    for kind in KINDS:
        register_notification_kind(kind)


def question_link(question: Question) -> str:
    return settings.SITE_URL + reverse("forum:question", args=[question.pk])


def invitations_send(invitation_ids: list[int]) -> int:
    rows = Invitation.objects.filter(pk__in=invitation_ids).select_related("question", "person")
    sent = []
    for invitation in rows:
        question = invitation.question
        with translation.override(recipient_language(invitation.person)):
            sent.append(
                notification_send(
                    recipient=invitation.person,
                    kind=INVITATION.slug,
                    subject=_("A student asks: %(title)s") % {"title": question.title},
                    body=_(
                        "You were picked as one of a few alumni who could answer this question "
                        "well. Open it to see why, and answer when you can."
                    ),
                    link=question_link(question),
                )
            )
    return mailed(sent)


def answer_notify(answer_id: int) -> int:
    answer = Answer.objects.select_related("question__asker").filter(pk=answer_id).first()
    if answer is None or answer.question.asker_id == answer.author_id:
        return 0
    question = answer.question
    with translation.override(recipient_language(question.asker)):
        row = notification_send(
            recipient=question.asker,
            kind=ANSWERED.slug,
            subject=_("New answer to “%(title)s”") % {"title": question.title},
            link=question_link(question),
        )
    return mailed([row])


def private_question_notify(question_id: int) -> int:
    question = Question.objects.filter(pk=question_id).select_related("private_to").first()
    if question is None or question.private_to is None:
        return 0
    recipient: Person = question.private_to
    with translation.override(recipient_language(recipient)):
        row = notification_send(
            recipient=recipient,
            kind=PRIVATE.slug,
            subject=_("A one-to-one question for you: %(title)s") % {"title": question.title},
            link=question_link(question),
        )
    return mailed([row])
