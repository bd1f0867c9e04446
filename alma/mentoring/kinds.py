"""The activity kind mentoring writes to the ledger: a meeting between mentor and mentee."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import EngagementMode

MEETING = ActivityKind(
    slug="mentoring.meeting",
    label=_("Mentoring meeting"),
    # An alumnus mentoring a student is a CASE volunteer; the mentee rates the meeting.
    alumni_mode=EngagementMode.VOLUNTEER,
    beneficiary_may_rate=True,
)


def register_mentoring_kinds() -> None:
    register_kind(MEETING)
