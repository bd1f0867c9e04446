"""API: who am I."""

from django.http import HttpRequest
from ninja import Router, Schema

from alma.accounts.roles import roles_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    email: str
    roles: list[str]
    person_id: int | None
    language: str


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        roles=sorted(str(r) for r in roles_of(user)),
        person_id=user.person_id,  # type: ignore[union-attr]
        language=getattr(request, "LANGUAGE_CODE", "en"),
    )
