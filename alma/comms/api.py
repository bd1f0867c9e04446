"""API: my notifications (list, unread count, mark read) and a mailing's numbers (office)."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from alma.accounts.roles import Role, has_role
from alma.comms import mailings, selectors, services
from alma.comms.models import Mailing, Notification

router = Router(tags=["comms"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class MailingStatusOut(Schema):
    recipients: int
    sent: int
    claimed_unconfirmed: int
    clicks: int
    unsubscribes: int
    bounces: int


def _person(request: HttpRequest):  # type: ignore[no-untyped-def]
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


@router.get("/notifications", response=list[NotificationOut], summary="My inbox, newest first")
@paginate(LimitOffsetPagination)
def notifications(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.inbox_of(person=_person(request))


@router.get("/notifications/unread", response=UnreadOut, summary="How many are unread")
def unread(request: HttpRequest) -> UnreadOut:
    person_id = getattr(request.user, "person_id", None)
    return UnreadOut(unread=selectors.unread_count(person_id=person_id) if person_id else 0)


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one read"
)
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    person = _person(request)
    notification = get_object_or_404(Notification, pk=notification_id, recipient=person)
    return services.notification_mark_read(notification=notification, person=person)


@router.get(
    "/mailings/{mailing_id}/status",
    response={200: MailingStatusOut, 403: dict},
    summary="A mailing's recipients, sent, unconfirmed claims, clicks, unsubscribes, bounces",
)
def mailing_status(request: HttpRequest, mailing_id: int) -> Status:
    if not has_role(request.user, Role.ALUMNI_OFFICE):
        return Status(403, {"detail": _("Only the alumni office sees mailings.")})
    mailing = get_object_or_404(Mailing, pk=mailing_id)
    return Status(200, mailings.mailing_stats(mailing).contract())
