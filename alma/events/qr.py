"""Signed check-in links and their QR codes, drawn on the server (no script, no CDN).

The token names the registration and is signed with the site's secret: it cannot be guessed or
altered, and it stays valid only while the registration does (checked at check-in).
"""

import io

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

from alma.events.models import Registration

CHECKIN_SALT = "alma.events.check-in"


def checkin_token(registration: Registration) -> str:
    """The same token whenever it is made (no timestamp): the page, the confirmation email and
    the reminder show one code."""
    signer = signing.Signer(salt=CHECKIN_SALT)
    return signer.sign_object([registration.pk, registration.event_id], compress=True)


def registration_id_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=CHECKIN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        # A link sent before tokens lost their timestamp: its signature holds, its value (with
        # the timestamp still on) does not decode.
        try:
            value = signing.loads(token, salt=CHECKIN_SALT)
        except signing.BadSignature:
            return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    return value[0]


def checkin_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("events:check-in", args=[checkin_token(registration)])


def qr_svg(url: str) -> str:
    """An inline <svg> element, sized by the page's CSS."""
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True, title=url)


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()
