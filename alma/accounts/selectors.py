"""Reads for accounts: invitation links, records a person may claim, signed-in sessions."""

from allauth.usersessions.models import UserSession
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from alma.accounts.models import ApiToken, SignUpInvitation, User
from alma.people.models import Person

SESSION_INVITATION = "alma_invitation"


def invitation_by_token(*, token: str) -> SignUpInvitation | None:
    """The invitation a link's token opens, if it is still good (sent, not used, not expired)."""
    if not token:
        return None
    invitation = (
        SignUpInvitation.objects.select_related("person")
        .filter(digest=ApiToken.digest_of(token), status=SignUpInvitation.Status.SENT)
        .first()
    )
    if invitation is None:
        return None
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        return None
    if invitation.person is not None and User.objects.filter(person=invitation.person).exists():
        return None
    return invitation


def invitation_in_session(*, request: HttpRequest) -> SignUpInvitation | None:
    """The invitation whose link this browser followed (the token is kept in its session)."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_INVITATION) if session is not None else None
    return invitation_by_token(token=token) if token else None


def _unclaimed_people() -> QuerySet[Person]:
    return Person.objects.filter(user__isnull=True)


def person_claimable_by_email(*, email: str) -> Person | None:
    """The one person on record under this address who has no login yet (None if none or several)."""
    email = email.strip()
    if not email:
        return None
    found = list(_unclaimed_people().filter(email__iexact=email)[:2])
    return found[0] if len(found) == 1 else None


def person_for_claim(*, identifier: str) -> Person | None:
    """The one person without a login whose record has this email or student number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        return person_claimable_by_email(email=identifier)
    found = list(
        _unclaimed_people().filter(Q(educations__student_number=identifier)).distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


def invitations_for_office() -> QuerySet[SignUpInvitation]:
    """Claims awaiting approval first, then every other invitation, newest first."""
    return SignUpInvitation.objects.select_related("person", "created_by", "decided_by").order_by(
        "status", "-created_at"
    )


def claims_awaiting_approval() -> QuerySet[SignUpInvitation]:
    return invitations_for_office().filter(status=SignUpInvitation.Status.AWAITING_APPROVAL)


def sessions_of(*, user: User) -> list[UserSession]:
    """The user's signed-in sessions that have not expired, most recently seen first."""
    sessions = UserSession.objects.purge_and_list(user)
    return sorted(sessions, key=lambda s: s.last_seen_at, reverse=True)
