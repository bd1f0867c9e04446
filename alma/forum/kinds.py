"""The activity kind the forum writes to the ledger: an answer that helped the asker."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import EngagementMode

ANSWER = ActivityKind(
    slug="forum.answer",
    label=_("Answered a student's question"),
    alumni_mode=EngagementMode.VOLUNTEER,
    beneficiary_may_rate=True,
)


def register_forum_kinds() -> None:
    register_kind(ANSWER)
