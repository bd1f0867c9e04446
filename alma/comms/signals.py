"""Receivers of other packages' signals: django-anymail's delivery tracking (bounces).

In production an ESP's webhook (anymail.urls, see README) sends `anymail.signals.tracking`;
a bounce or a rejection is recorded against the mail and its address is not mailed again.
"""

from typing import Any

BOUNCES = {"bounced", "rejected", "failed"}


def tracking_received(sender: Any, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    if getattr(event, "event_type", None) not in BOUNCES:
        return
    from django.utils import timezone

    from alma.comms.mailings import bounce_to_recipient
    from alma.comms.services import bounce_record

    reason = (getattr(event, "description", "") or getattr(event, "reject_reason", "") or "")[:300]
    at = getattr(event, "timestamp", None) or timezone.now()
    bounce_to_recipient(message_id=getattr(event, "message_id", "") or "", reason=reason, at=at)
    bounce_record(email=getattr(event, "recipient", "") or "", reason=reason, at=at)


def connect() -> None:
    from anymail.signals import tracking

    tracking.connect(tracking_received, dispatch_uid="alma.comms.tracking")
