"""Writes to accounts: API tokens, sign-up invitations and claims, sessions."""

import datetime as dt
import logging
import secrets

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alma.accounts import selectors
from alma.accounts.models import ApiToken, SignUpInvitation, User
from alma.lib.errors import ApplicationError
from alma.people.models import Person

MAX_TOKENS_PER_USER = 20
INVITATION_VALID_FOR = dt.timedelta(days=14)
CLAIM_VALID_FOR = dt.timedelta(days=3)

audit = logging.getLogger("alma.audit")


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the token itself, which is never shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), field="name")
    if user.api_tokens.count() >= MAX_TOKENS_PER_USER:
        raise ApplicationError(_("You have too many tokens; revoke one first."))
    token = ApiToken.new_token()
    row = ApiToken.objects.create(
        user=user, name=name, prefix=token[:12], digest=ApiToken.digest_of(token)
    )
    return row, token


def api_token_authenticate(*, token: str) -> User | None:
    row = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _count = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApplicationError(_("No such token."))


def session_end(*, user: User, session_id: int) -> None:
    """Sign one of the user's own sessions out (a lost phone, a shared computer)."""
    session = UserSession.objects.filter(user_id=user.pk, pk=session_id).first()
    if session is None:
        raise ApplicationError(_("No such session."))
    session.end()
    audit.info("session ended", extra={"user_id": user.pk, "session_id": session_id})


# Sign-up by invitation or by claiming a record --------------------------------------------------


def _new_link(invitation: SignUpInvitation, valid_for: dt.timedelta) -> str:
    """Give the invitation a fresh token (only its digest is kept) and return the token."""
    token = secrets.token_urlsafe(32)
    invitation.digest = ApiToken.digest_of(token)
    invitation.expires_at = timezone.now() + valid_for
    return token


def _send_link(*, invitation: SignUpInvitation, token: str) -> None:
    """Mail the link after the transaction commits; transactional mail ignores preferences."""
    url = settings.SITE_URL.rstrip("/") + reverse("accounts:join", args=[token])
    context = {
        "url": url,
        "invitation": invitation,
        "person": invitation.person,
        "expires_at": invitation.expires_at,
    }
    # Mail goes out in the language of the page that caused it.
    language = translation.get_language()

    def send() -> None:
        with translation.override(language):
            subject = render_to_string("accounts/email/signup_link_subject.txt", context)
            body = render_to_string("accounts/email/signup_link.txt", context)
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body,
            None,
            [invitation.email],
        )

    transaction.on_commit(send)


def _check_no_login(*, email: str, person: Person | None) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("Someone already signs in with this address."), field="email")
    if person is not None and User.objects.filter(person=person).exists():
        raise ApplicationError(_("This person already has a login."), field="person")


@transaction.atomic
def invitation_create(
    *, email: str, by: User, person: Person | None = None
) -> tuple[SignUpInvitation, str]:
    """The alumni office invites someone to make a login (linked to their record, if given)."""
    email = email.strip().lower()
    if not email:
        raise ApplicationError(_("Give the address to send the invitation to."), field="email")
    _check_no_login(email=email, person=person)
    invitation = SignUpInvitation(
        kind=SignUpInvitation.Kind.INVITATION,
        status=SignUpInvitation.Status.SENT,
        email=email,
        person=person,
        created_by=by,
    )
    token = _new_link(invitation, INVITATION_VALID_FOR)
    invitation.save()
    _send_link(invitation=invitation, token=token)
    audit.info("invitation sent", extra={"user_id": by.pk, "invitation_id": invitation.pk})
    return invitation, token


@transaction.atomic
def record_claim(*, identifier: str, contact_email: str = "") -> SignUpInvitation | None:
    """An alumnus asks for a login for the record the office holds.

    `identifier` is the email or student number on the record. If the record has an address and
    the claimant gives no other, the link goes to that address (whoever holds it is the person).
    Otherwise the claim waits for the alumni office, with the address the claimant gave. The
    claimant is told the same whatever is found, so the form reveals nobody's records; None when
    nothing was done.
    """
    contact_email = contact_email.strip().lower()
    person = selectors.person_for_claim(identifier=identifier)
    if person is None:
        return None
    on_record = person.email.strip().lower()
    if on_record and (not contact_email or contact_email == on_record):
        if User.objects.filter(email__iexact=on_record).exists():
            return None
        invitation = SignUpInvitation(
            kind=SignUpInvitation.Kind.CLAIM,
            status=SignUpInvitation.Status.SENT,
            email=on_record,
            person=person,
            claimed_with=identifier.strip(),
        )
        token = _new_link(invitation, CLAIM_VALID_FOR)
        invitation.save()
        _send_link(invitation=invitation, token=token)
        return invitation
    if not contact_email:
        return None
    return SignUpInvitation.objects.create(
        kind=SignUpInvitation.Kind.CLAIM_APPROVAL,
        status=SignUpInvitation.Status.AWAITING_APPROVAL,
        email=contact_email,
        person=person,
        claimed_with=identifier.strip(),
    )


def _awaiting(invitation_id: int) -> SignUpInvitation:
    invitation = (
        SignUpInvitation.objects.select_for_update()
        .filter(pk=invitation_id, status=SignUpInvitation.Status.AWAITING_APPROVAL)
        .first()
    )
    if invitation is None:
        raise ApplicationError(_("This claim has already been decided."))
    return invitation


@transaction.atomic
def claim_approve(*, invitation_id: int, by: User) -> SignUpInvitation:
    """The office vouches for a claim: the link goes to the address the claimant gave."""
    invitation = _awaiting(invitation_id)
    _check_no_login(email=invitation.email, person=invitation.person)
    invitation.status = SignUpInvitation.Status.SENT
    invitation.decided_by = by
    token = _new_link(invitation, CLAIM_VALID_FOR)
    invitation.save()
    _send_link(invitation=invitation, token=token)
    audit.info("claim approved", extra={"user_id": by.pk, "invitation_id": invitation.pk})
    return invitation


@transaction.atomic
def claim_refuse(*, invitation_id: int, by: User) -> SignUpInvitation:
    invitation = _awaiting(invitation_id)
    invitation.status = SignUpInvitation.Status.REFUSED
    invitation.decided_by = by
    invitation.save(update_fields=["status", "decided_by"])
    audit.info("claim refused", extra={"user_id": by.pk, "invitation_id": invitation.pk})
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: SignUpInvitation, user: User) -> None:
    """The login was made from the link: the link works no more, the record is the login's.
    (allauth records the address as verified: the adapter knows the link went to it.)"""
    updated = SignUpInvitation.objects.filter(
        pk=invitation.pk, status=SignUpInvitation.Status.SENT
    ).update(status=SignUpInvitation.Status.USED, used_at=timezone.now(), digest=None)
    if not updated:
        raise ApplicationError(_("This link has already been used."))
    if invitation.person is not None:
        user_link_person(user=user, person=invitation.person, how=invitation.kind)


@transaction.atomic
def user_link_person(*, user: User, person: Person, how: str) -> None:
    if User.objects.filter(person=person).exclude(pk=user.pk).exists():
        raise ApplicationError(_("This person already has a login."))
    user.person = person
    user.save(update_fields=["person"])
    audit.info(
        "login linked to record", extra={"user_id": user.pk, "person_id": person.pk, "how": how}
    )


@transaction.atomic
def two_factor_enable(*, user: User, secret: str) -> None:
    """Give the user an authenticator app's secret (base32) without the page's confirmation step:
    for the demo's documented office account and the test personas, never from a request."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
