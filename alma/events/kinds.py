"""The activity kinds events write to the ledger: attending, and serving at an event."""

from django.utils.translation import gettext_lazy as _

from alma.activity.kinds import ActivityKind, register_kind
from alma.activity.models import EngagementMode

ATTENDED = ActivityKind(
    slug="events.attended",
    label=_("Attended an event"),
    alumni_mode=EngagementMode.EXPERIENTIAL,
)
# One kind per role served; an alumnus serving is a CASE volunteer.
ROLE_KINDS = {
    role: ActivityKind(slug=f"events.{role}", label=label, alumni_mode=EngagementMode.VOLUNTEER)
    for role, label in [
        ("speaker", _("Spoke at an event")),
        ("judge", _("Judged a competition")),
        ("host", _("Hosted an event")),
        ("volunteer", _("Volunteered at an event")),
        ("mentor_on_duty", _("Mentor on duty at an event")),
    ]
}


def register_event_kinds() -> None:
    register_kind(ATTENDED)
    for kind in ROLE_KINDS.values():
        register_kind(kind)
