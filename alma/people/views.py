"""Profile pages: a person's own profile, editing it and its privacy, and others' profiles."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.roles import Role, roles_of
from alma.activity.selectors import activities_received
from alma.lib.errors import ApplicationError
from alma.people import photos
from alma.people.forms import (
    PhotoCropForm,
    PhotoRemoveForm,
    PhotoUploadForm,
    PrivacyForm,
    ProfileForm,
)
from alma.people.models import Person, Stage
from alma.people.privacy import is_self, person_view_for
from alma.people.services import (
    consent_current,
    consent_record,
    person_set_privacy,
    person_update_profile,
    photo_crop,
    photo_pending_box,
    photo_remove,
    photo_upload,
)


def _own_person(request: HttpRequest) -> Person:
    person = request.user.person  # type: ignore[union-attr]
    if person is None:
        raise Http404(
            _("Your account is not linked to a person record yet. Ask the alumni office.")
        )
    return person


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return redirect("people:detail", pk=_own_person(request).pk)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.prefetch_related("educations", "employments"), pk=pk)
    view = person_view_for(request.user, person)
    if view is None:
        # Same answer as a missing record: a hidden person's existence is private too.
        raise Http404
    held = roles_of(request.user)
    own = is_self(request.user, person)
    services = None
    # Services received are shown to the student and to the alumni office only.
    if own or Role.ALUMNI_OFFICE in held:
        services = list(activities_received(person=person)[:50])
    can_log_service = (
        bool(held & {Role.STAFF, Role.ALUMNI_OFFICE})
        and not own
        and person.stage
        in (
            Stage.PROSPECTIVE,
            Stage.STUDENT,
        )
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "view": view,
            "own": own,
            "services": services,
            "can_log_service": can_log_service,
            "can_remove_photo": bool(
                view.get("photo_version") and not own and Role.ALUMNI_OFFICE in held
            ),
            "photo_remove_form": PhotoRemoveForm(),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = ProfileForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            person_update_profile(
                person=person,
                by=request.user,  # type: ignore[arg-type]
                data={name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("people:detail", pk=person.pk)
    return _profile_page(request, person, form, PhotoUploadForm())


def _profile_page(
    request: HttpRequest, person: Person, form: ProfileForm, photo_form: PhotoUploadForm
) -> HttpResponse:
    current = Person.objects.get(pk=person.pk)
    return render(
        request,
        "people/profile_form.html",
        {
            "form": form,
            "person": current,
            "view": person_view_for(request.user, current),
            "photo_form": photo_form,
        },
    )


# --- Profile photos --------------------------------------------------------------------------


@require_POST
@login_required
def photo_upload_view(request: HttpRequest) -> HttpResponse:
    """Upload a photo; the square is chosen next. A refusal shows why and changes nothing."""
    person = _own_person(request)
    photo_form = PhotoUploadForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            photo_upload(
                person=person, by=signed_in_user(request), upload=photo_form.cleaned_data["photo"]
            )
        except ApplicationError as error:
            photo_form.add_error("photo", error.message)
        else:
            return redirect("people:photo-crop")
    form = ProfileForm(instance=Person.objects.get(pk=person.pk))
    return _profile_page(request, person, form, photo_form)


@login_required
def photo_crop_view(request: HttpRequest) -> HttpResponse:
    """Choose the square of the uploaded picture that becomes the photo."""
    person = _own_person(request)
    pending = photo_pending_box(person=person)
    if pending is None:
        messages.info(request, _("Upload a photo first."))
        return redirect("people:edit")
    (width, height), centred = pending
    initial = {"x": centred.x, "y": centred.y, "size": centred.size}
    form = PhotoCropForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            photo_crop(person=person, by=signed_in_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your photo was saved."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/photo_crop.html",
        {"form": form, "width": width, "height": height, "min_side": photos.PHOTO_MIN_SIDE},
    )


@login_required
def photo_pending_view(request: HttpRequest) -> HttpResponse:
    """The uploaded picture waiting for its crop: its uploader's only."""
    path = photos.pending_path(_own_person(request).pk)
    if not path.is_file():
        raise Http404
    return _image_response(path)


@require_POST
@login_required
def photo_remove_view(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    photo_remove(person=person, by=signed_in_user(request))
    messages.success(request, _("Your photo was removed."))
    return redirect("people:edit")


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def photo_office_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The alumni office removes an unsuitable photo, saying why (kept in the history)."""
    person = get_object_or_404(Person, pk=pk)
    view = person_view_for(request.user, person)
    if view is None or not view.get("photo_version"):
        raise Http404  # no photo, or one the office may not see: nothing to judge
    form = PhotoRemoveForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Say why the photo is removed."))
    photo_remove(person=person, by=signed_in_user(request), reason=form.cleaned_data["reason"])
    messages.success(request, _("The photo was removed."))
    return redirect("people:detail", pk=person.pk)


def photo(request: HttpRequest, pk: int, size: int) -> HttpResponse:
    """A person's photo, to those its audience allows: everyone else gets the same 404 as for
    a person without a photo (or without a record)."""
    person = Person.objects.filter(pk=pk).first()
    view = person_view_for(request.user, person) if person is not None else None
    version = (view or {}).get("photo_version")
    path = photos.photo_path(pk, version, size) if version else None
    if path is None or not path.is_file():
        raise Http404
    return _image_response(path)


def _image_response(path: Path) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    # Kept by the viewer's browser only, briefly (a changed audience takes effect soon); each
    # new photo has a new address (?v=version), so a replaced photo is never shown stale.
    response["Cache-Control"] = "private, max-age=300"
    response["Vary"] = "Cookie"
    return response


@login_required
def privacy_edit(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = PrivacyForm(request.POST or None, person=person, consents=consent_current(person=person))
    if request.method == "POST" and form.is_valid():
        person_set_privacy(person=person, by=request.user, audiences=form.audiences())  # type: ignore[arg-type]
        consent_record(person=person, by=request.user, decisions=form.consent_decisions())  # type: ignore[arg-type]
        messages.success(request, _("Your privacy settings were saved."))
        return redirect("people:privacy")
    audience_fields = [form[name] for name in form.fields if name.startswith("audience_")]
    consent_fields = [form[name] for name in form.fields if name.startswith("consent_")]
    return render(
        request,
        "people/privacy_form.html",
        {"form": form, "audience_fields": audience_fields, "consent_fields": consent_fields},
    )
