"""API: people, through the same privacy rules as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from alma.api.openapi import errors
from alma.lib.errors import ApplicationError
from alma.people.models import Person
from alma.people.privacy import PRIVATE_FIELDS, audience_of, person_view_for
from alma.people.schemas import PersonOut, PrivacyIn, PrivacyOut, ProfileIn
from alma.people.services import person_set_privacy, person_update_profile

router = Router(tags=["people"])


def _own_person(request: HttpRequest) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        raise Http404(_("Your account is not linked to a person record."))
    return person


def _person_out(request: HttpRequest, person: Person) -> dict:
    """The visible fields only, as a dict: with `exclude_unset`, hidden fields are absent."""
    view = person_view_for(request.user, person)
    if view is None:
        raise Http404(_("No such person."))
    return view


@router.get(
    "/me",
    response=PersonOut,
    exclude_unset=True,
    summary="My own record",
    openapi_extra=errors(404),
)
def my_record(request: HttpRequest) -> dict:
    return _person_out(request, _own_person(request))


@router.patch(
    "/me",
    response=PersonOut,
    exclude_unset=True,
    summary="Edit my profile",
    openapi_extra=errors(404),
)
def update_my_record(request: HttpRequest, payload: ProfileIn) -> dict:
    person = _own_person(request)
    data = payload.model_dump(exclude_unset=True)
    # Clearing a text field is done by sending "", not null.
    data = {
        key: value for key, value in data.items() if value is not None or key == "date_of_birth"
    }
    try:
        person_update_profile(person=person, by=request.user, data=data)  # type: ignore[arg-type]
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None
    return _person_out(request, person)


@router.get(
    "/me/privacy", response=PrivacyOut, summary="My privacy settings", openapi_extra=errors(404)
)
def my_privacy(request: HttpRequest) -> PrivacyOut:
    person = _own_person(request)
    return PrivacyOut(audiences={key: str(audience_of(person, key)) for key in PRIVATE_FIELDS})


@router.put(
    "/me/privacy",
    response=PrivacyOut,
    summary="Change who may see my fields",
    openapi_extra=errors(404),
)
def set_my_privacy(request: HttpRequest, payload: PrivacyIn) -> PrivacyOut:
    person = _own_person(request)
    person_set_privacy(
        person=person,
        by=request.user,  # type: ignore[arg-type]
        audiences={key: str(value.value) for key, value in payload.audiences.items()},
    )
    return PrivacyOut(audiences={key: str(audience_of(person, key)) for key in PRIVATE_FIELDS})


@router.get(
    "/{int:person_id}",
    response=PersonOut,
    exclude_unset=True,
    summary="A person, as I may see them",
    openapi_extra=errors(404),
)
def person_detail(request: HttpRequest, person_id: int) -> dict:
    person = get_object_or_404(
        Person.objects.prefetch_related("educations", "employments"), pk=person_id
    )
    return _person_out(request, person)
