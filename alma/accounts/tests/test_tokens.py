"""Personal API tokens: shown once, stored only as a digest, revocable by their owner only."""

import hashlib

import pytest

from alma.accounts.models import ApiToken
from alma.accounts.services import (
    MAX_TOKENS_PER_USER,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from alma.lib.errors import ApplicationError
from alma.testing.personas import client_for


def test_a_created_token_authenticates_its_owner(carol):
    row, token = api_token_create(user=carol, name="my script")
    assert api_token_authenticate(token=token) == carol
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_only_a_digest_of_the_token_is_stored(carol):
    row, token = api_token_create(user=carol, name="my script")
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert token not in {str(value) for value in stored.values()}
    assert token.startswith(row.prefix) and len(row.prefix) < len(token) // 3


def test_tokens_are_unguessable_and_distinct(carol):
    tokens = {api_token_create(user=carol, name=f"t{i}")[1] for i in range(5)}
    assert len(tokens) == 5
    assert all(len(token) >= 40 for token in tokens)


@pytest.mark.parametrize("token", ["", "alma_", "alma_" + "x" * 43, "Bearer"])
def test_an_unknown_token_authenticates_nobody(carol, token):
    api_token_create(user=carol, name="real one")
    assert api_token_authenticate(token=token) is None


def test_a_revoked_token_no_longer_authenticates(carol):
    row, token = api_token_create(user=carol, name="my script")
    api_token_revoke(user=carol, token_id=row.pk)
    assert api_token_authenticate(token=token) is None
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_a_deactivated_user_s_token_authenticates_nobody(carol):
    _row, token = api_token_create(user=carol, name="my script")
    carol.is_active = False
    carol.save()
    assert api_token_authenticate(token=token) is None


def test_nobody_revokes_someone_else_s_token(carol, dave):
    row, token = api_token_create(user=carol, name="my script")
    with pytest.raises(ApplicationError):
        api_token_revoke(user=dave, token_id=row.pk)
    assert api_token_authenticate(token=token) == carol


@pytest.mark.parametrize("name", ["", "   "])
def test_a_token_needs_a_name(carol, name):
    with pytest.raises(ApplicationError) as caught:
        api_token_create(user=carol, name=name)
    assert caught.value.field == "name"
    assert not ApiToken.objects.exists()


def test_a_user_holds_a_bounded_number_of_tokens(carol):
    for i in range(MAX_TOKENS_PER_USER):
        api_token_create(user=carol, name=f"t{i}")
    with pytest.raises(ApplicationError):
        api_token_create(user=carol, name="one too many")
    assert carol.api_tokens.count() == MAX_TOKENS_PER_USER


# --- the tokens page -------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_token_once(carol):
    client = client_for(carol)
    response = client.post("/accounts/tokens/", {"name": "reporting"})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token and token.encode() in response.content
    assert api_token_authenticate(token=token) == carol
    again = client.get("/accounts/tokens/")
    assert token.encode() not in again.content
    assert b"reporting" in again.content  # listed by name and prefix


def test_the_tokens_page_refuses_a_nameless_token_with_a_message(carol):
    response = client_for(carol).post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_the_tokens_page_lists_only_one_s_own_tokens(carol, dave):
    api_token_create(user=dave, name="dave's secret script")
    response = client_for(carol).get("/accounts/tokens/")
    assert b"dave&#x27;s secret script" not in response.content
    assert b"dave's secret script" not in response.content


def test_revoking_from_the_page(carol, dave):
    row, _token = api_token_create(user=carol, name="old")
    other, _ = api_token_create(user=dave, name="dave's")
    client = client_for(carol)
    response = client.post(f"/accounts/tokens/{other.pk}/revoke/", follow=True)
    assert b"No such token." in response.content
    assert ApiToken.objects.filter(pk=other.pk).exists()
    response = client.post(f"/accounts/tokens/{row.pk}/revoke/", follow=True)
    assert b"The token was revoked." in response.content
    assert not ApiToken.objects.filter(pk=row.pk).exists()
