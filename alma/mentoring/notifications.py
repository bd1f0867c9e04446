"""Mail about mentorships: proposals, requests, answers, reminders and the closing survey.

Called from background jobs (tasks.py), never inside a request's transaction.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from alma.mentoring.models import Mentorship
from alma.people.models import Person

SUBJECTS = {
    "proposal": _("A mentoring match is proposed: %(program)s"),
    "request": _("A student asks you to be their mentor: %(program)s"),
    "accepted": _("Your mentoring pair is confirmed: %(program)s"),
    "declined": _("A mentoring match was declined: %(program)s"),
    "reminder": _("Time for a mentoring meeting? %(program)s"),
    "survey_invite": _("How did mentoring go? %(program)s"),
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


def _message(mentorship: Mentorship, person: Person, reason: str) -> EmailMessage | None:
    if not person.email:
        return None
    context = {
        "person": person,
        "mentorship": mentorship,
        "mentor": mentorship.mentor.person,
        "mentee": mentorship.mentee.person,
        "program": mentorship.cycle.program,
        "reason": reason,
        "link": settings.SITE_URL + reverse("mentoring:mentorship", args=[mentorship.pk]),
    }
    body = render_to_string("mentoring/email/notice.txt", context)
    subject = str(SUBJECTS[reason]) % {"program": mentorship.cycle.program.name}
    return EmailMessage(subject, body, None, [person.email])


def send_mentorship_mails(mentorship_ids: list[int], reason: str) -> int:
    if reason not in SUBJECTS:
        return 0
    pairs = Mentorship.objects.filter(pk__in=mentorship_ids).select_related(
        "cycle__program", "mentor__person", "mentee__person"
    )
    messages = []
    for pair in pairs:
        for side in AUDIENCE[reason]:
            person = pair.mentor.person if side == "mentor" else pair.mentee.person
            message = _message(pair, person, reason)
            if message is not None:
                messages.append(message)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
