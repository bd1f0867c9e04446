"""Notifications about mentorships: proposals, requests, answers, reminders and the closing
survey, through `alma.comms` (the inbox, and mail by each person's preferences).

Called from background jobs (tasks.py), never inside a request's transaction.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from alma.comms.kinds import NotificationKind, register_notification_kind
from alma.comms.selectors import recipient_language
from alma.comms.services import Notice, absolute, mailed, notifications_send
from alma.mentoring.models import Mentorship
from alma.people.models import Person

SUBJECTS = {
    "proposal": gettext_lazy("A mentoring match is proposed: %(program)s"),
    "request": gettext_lazy("A student asks you to be their mentor: %(program)s"),
    "accepted": gettext_lazy("Your mentoring pair is confirmed: %(program)s"),
    "declined": gettext_lazy("A mentoring match was declined: %(program)s"),
    "reminder": gettext_lazy("Time for a mentoring meeting? %(program)s"),
    "survey_invite": gettext_lazy("How did mentoring go? %(program)s"),
}
# Who hears of what: the mentor, the mentee, or both.
AUDIENCE = {
    "proposal": ("mentor", "mentee"),
    "request": ("mentor",),
    "accepted": ("mentor", "mentee"),
    "declined": ("mentee",),
    "reminder": ("mentor", "mentee"),
    "survey_invite": ("mentor", "mentee"),
}


MODULE = gettext_lazy("Mentoring")
KINDS = {
    reason: NotificationKind(slug=f"mentoring.{reason}", label=label, module=MODULE)
    for reason, label in [
        ("proposal", gettext_lazy("A match is proposed")),
        ("request", gettext_lazy("A student asks me to mentor (mentors)")),
        ("accepted", gettext_lazy("A pair is confirmed")),
        ("declined", gettext_lazy("A match was declined")),
        ("reminder", gettext_lazy("Reminders to meet")),
        ("survey_invite", gettext_lazy("The closing survey")),
    ]
}


def register_notification_kinds() -> None:
    for kind in KINDS.values():
        register_notification_kind(kind)


def _notice(mentorship: Mentorship, person: Person, reason: str) -> Notice:
    with translation.override(recipient_language(person)):
        return _worded_notice(mentorship, person, reason)


def _worded_notice(mentorship: Mentorship, person: Person, reason: str) -> Notice:
    link = reverse("mentoring:mentorship", args=[mentorship.pk])
    context = {
        "person": person,
        "mentorship": mentorship,
        "mentor": mentorship.mentor.person,
        "mentee": mentorship.mentee.person,
        "program": mentorship.cycle.program,
        "reason": reason,
        "link": absolute(link),
    }
    body = render_to_string("mentoring/email/notice.txt", context)
    subject = str(SUBJECTS[reason]) % {"program": mentorship.cycle.program.name}
    return Notice(recipient=person, kind=KINDS[reason].slug, subject=subject, body=body, link=link)


def send_mentorship_mails(mentorship_ids: list[int], reason: str) -> int:
    if reason not in SUBJECTS:
        return 0
    pairs = Mentorship.objects.filter(pk__in=mentorship_ids).select_related(
        "cycle__program", "mentor__person", "mentee__person"
    )
    notices = []
    for pair in pairs:
        for side in AUDIENCE[reason]:
            person = pair.mentor.person if side == "mentor" else pair.mentee.person
            notices.append(_notice(pair, person, reason))
    return mailed(notifications_send(notices))
