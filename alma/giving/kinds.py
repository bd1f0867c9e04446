"""The activity kinds giving writes to the ledger: a gift (philanthropic), an award received."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import EngagementMode

GIFT = ActivityKind(
    slug="giving.gift",
    label=_("Gave to an education fund"),
    alumni_mode=EngagementMode.PHILANTHROPIC,
)
# The student is the beneficiary: the award reaches them as a service (study or life).
AWARD = ActivityKind(slug="giving.award", label=_("Received an award"), beneficiary_may_rate=True)


def register_giving_kinds() -> None:
    register_kind(GIFT)
    register_kind(AWARD)
