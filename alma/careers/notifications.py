"""Notifications careers sends through comms: each step of an application, and reviews."""

from django.utils.translation import gettext_lazy

from alma.comms.kinds import NotificationKind, register_notification_kind

MODULE = gettext_lazy("Careers")
APPLICATION_STEP = NotificationKind(
    slug="careers.application_step",
    label=gettext_lazy("News of my job applications"),
    module=MODULE,
)
POSTING_REVIEWED = NotificationKind(
    slug="careers.posting_reviewed",
    label=gettext_lazy("My organisation's postings reviewed"),
    module=MODULE,
)
KINDS = [APPLICATION_STEP, POSTING_REVIEWED]


def register_notification_kinds() -> None:
    for kind in KINDS:
        register_notification_kind(kind)
