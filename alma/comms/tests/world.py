"""A small world of notifications, mailings, magazine issues and alumni messages around the
personas, for this app's page tests and tests/test_url_roles.py (every URL, every role)."""

from typing import Any

from alma.comms import tokens
from alma.comms.services import notification_send


def comms_world(users: dict[str, Any]) -> dict[str, Any]:
    carol = users["carol"]
    notice = notification_send(
        recipient=carol.person,
        kind="mentoring.proposal",
        subject="A match is proposed",
        link="/mentoring/",
    )
    notification_send(recipient=carol.person, kind="mentoring.reminder", subject="Time to meet?")
    return {
        "carol_notification": notice.pk,
        "carol_preferences_token": tokens.make({"p": carol.person_id}, tokens.PREFERENCES_SALT),
        "carol_unsubscribe_token": tokens.make(
            {"p": carol.person_id, "k": "mentoring.proposal"}, tokens.UNSUBSCRIBE_SALT
        ),
    }
