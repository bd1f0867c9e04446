"""The activity kinds support writes to the ledger: help an alumnus gave a student in need."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import Aspect, EngagementMode

# The ledger row says only that help was given (life, volunteer), never what the case is.
HELP = ActivityKind(
    slug="support.help",
    label=_("Helped a student in need"),
    default_aspect=Aspect.LIFE,
    alumni_mode=EngagementMode.VOLUNTEER,
)


def register_support_kinds() -> None:
    register_kind(HELP)
