"""The activity kinds careers writes to the ledger: what an enterprise does for a student."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import Aspect, EngagementMode

# The enterprise (through its representative) serves the student; an alumnus representative
# counts as CASE volunteer engagement, a visit hosted as experiential.
HIRED = ActivityKind(
    slug="careers.hired",
    label=_("Hired by an alumni enterprise or partner"),
    default_aspect=Aspect.WORK,
    alumni_mode=EngagementMode.VOLUNTEER,
)
INTERNSHIP_HOSTED = ActivityKind(
    slug="careers.internship_hosted",
    label=_("Internship hosted by an enterprise"),
    default_aspect=Aspect.WORK,
    alumni_mode=EngagementMode.VOLUNTEER,
    beneficiary_may_rate=True,
)
FAIR_BOOTH = ActivityKind(
    slug="careers.fair_booth",
    label=_("Met an enterprise at its job-fair booth"),
    default_aspect=Aspect.WORK,
    alumni_mode=EngagementMode.VOLUNTEER,
)
VISIT_HOSTED = ActivityKind(
    slug="careers.visit_hosted",
    label=_("Enterprise visit hosted"),
    default_aspect=Aspect.WORK,
    alumni_mode=EngagementMode.EXPERIENTIAL,
    beneficiary_may_rate=True,
)
KINDS = [HIRED, INTERNSHIP_HOSTED, FAIR_BOOTH, VISIT_HOSTED]


def register_careers_kinds() -> None:
    for kind in KINDS:
        register_kind(kind)
