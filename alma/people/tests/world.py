"""Profile photos around the personas, for page, role and canary tests.

dave has a photo with the default audience (verified members); erin keeps hers to the alumni
office; gina keeps hers to herself; carol has none.
"""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alma.people.models import Audience, Person
from alma.people.services import person_set_privacy, photo_crop, photo_upload


def picture(
    width: int = 300,
    height: int = 200,
    *,
    format: str = "PNG",
    colour: tuple[int, int, int] = (30, 120, 200),
    exif: Image.Exif | None = None,
) -> bytes:
    """A picture's bytes: a plain colour with a red square in its top left corner."""
    image = Image.new("RGB", (width, height), colour)
    image.paste((255, 0, 0), (0, 0, min(width, height) // 4, min(width, height) // 4))
    buffer = io.BytesIO()
    image.save(buffer, format=format, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def upload(content: bytes, name: str = "me.png", content_type: str = "image/png") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def give_photo(user: Any, person: Person | None = None, audience: str | None = None) -> Person:
    """Upload a picture for the person (the user's own by default) and keep its centred
    square; with `audience`, the photo's audience is set too."""
    person = person or user.person
    box = photo_upload(person=person, by=user, upload=upload(picture()))
    photo_crop(person=person, by=user, x=box.x, y=box.y, size=box.size)
    if audience is not None:
        person_set_privacy(person=person, by=user, audiences={"photo": audience})
    person.refresh_from_db()
    return person


def photos_world(users: dict[str, Any]) -> dict[str, Any]:
    give_photo(users["dave"])
    give_photo(users["erin"], audience=Audience.ALUMNI_OFFICE)
    give_photo(users["gina"], audience=Audience.ONLY_ME)
    return {
        "photo_member": users["dave"].person_id,
        "photo_office": users["erin"].person_id,
        "photo_only_me": users["gina"].person_id,
        "photo_none": users["carol"].person_id,
    }


def canaries_with_photos(alumna: Any, student: Any) -> None:
    """Both canaries get a photo (audience 'only me', like every field): its address must
    answer 404 to everyone else, and its version (in the address) is a marker too."""
    for canary in (alumna, student):
        person = canary.person
        box = photo_upload(person=person, by=None, upload=upload(picture()))  # type: ignore[arg-type]
        photo_crop(person=person, by=None, x=box.x, y=box.y, size=box.size)  # type: ignore[arg-type]
        person.refresh_from_db()
        for marker, name in list(canary.markers.items()):
            if name == "photo_version":
                del canary.markers[marker]
        canary.markers[person.photo_version] = "photo_version"
