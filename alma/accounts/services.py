"""Writes to accounts: API tokens."""

from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import ApiToken, User
from alma.lib.errors import ApplicationError

MAX_TOKENS_PER_USER = 20


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
