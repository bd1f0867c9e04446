"""Profile photos: the upload is checked by decoding it, the person chooses the square, the
thumbnails are kept outside the web root, and only the photo's audience gets them."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from alma.core.backups import KEPT_IN_VAR
from alma.people import photos
from alma.people.models import Audience, Person
from alma.people.services import person_set_privacy
from alma.people.tests.world import give_photo, picture, upload
from alma.testing import factories as f
from alma.testing.personas import PERSONAS, client_for

pytestmark = pytest.mark.django_db

REACH = {  # the personas each audience reaches (besides the person)
    Audience.SIGNED_IN: {"alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"},
    Audience.MEMBERS: {"alice", "bob", "carol", "dave", "erin", "gina"},
    Audience.ALUMNI_OFFICE: {"alice"},
    Audience.ONLY_ME: set(),
}


def stored(person: Person, size: int | str) -> Image.Image:
    path = photos.photo_path(person.pk, person.photo_version, size)
    assert path is not None
    return Image.open(path)


def post_upload(client, content: bytes, name: str = "me.png"):
    return client.post("/people/me/photo/", {"photo": upload(content, name)})


# --- Upload and crop -------------------------------------------------------------------------


def test_an_upload_then_a_crop_gives_a_square_of_the_chosen_box_and_its_thumbnails(dave):
    client = client_for(dave)
    response = post_upload(client, picture(300, 200))
    assert response.status_code == 302 and response["Location"] == "/people/me/photo/crop/"
    page = client.get("/people/me/photo/crop/")
    # The centred square is offered.
    assert page.context["form"].initial == {"x": 50, "y": 0, "size": 200}
    response = client.post("/people/me/photo/crop/", {"x": 0, "y": 0, "size": 100})
    assert response.status_code == 302
    person = Person.objects.get(pk=dave.person_id)
    assert len(person.photo_version) == 32
    square = stored(person, "square")
    assert square.size == (100, 100)
    # The chosen box is the top-left corner, where the picture has its red square (75 px).
    red = square.convert("RGB").getpixel((10, 10))
    assert red[0] > 200 and red[2] < 60
    blue = square.convert("RGB").getpixel((95, 95))
    assert blue[2] > 150
    for side in photos.THUMBNAIL_SIZES:
        assert stored(person, side).size == (side, side)
        assert stored(person, side).format == "JPEG"
    # The waiting upload is gone once the photo is made.
    assert not photos.pending_path(person.pk).exists()


def test_photos_are_kept_outside_the_web_root_and_backed_up(dave):
    person = give_photo(dave)
    path = photos.photo_path(person.pk, person.photo_version, 160)
    assert path is not None and path.is_file()
    assert not path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "photos" in KEPT_IN_VAR
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a picture", "not a photo Alma can read"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a photo Alma can read"),
        (b"GIF89a" + b"\0" * 100, "not a photo Alma can read"),
        (picture(40, 40), "too small"),
    ],
    ids=["pdf", "broken-png", "gif", "tiny"],
)
def test_an_upload_that_is_not_a_usable_picture_is_refused_and_changes_nothing(
    dave, content, message
):
    person = give_photo(dave)
    before = person.photo_version
    response = post_upload(client_for(dave), content, name="photo.jpg")
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.photo_version == before
    assert stored(person, 64).size == (64, 64)
    assert not photos.pending_path(person.pk).exists()


def test_a_too_big_upload_is_refused_by_its_size(dave, monkeypatch):
    monkeypatch.setattr(photos, "PHOTO_MAX_BYTES", 1000)
    response = post_upload(client_for(dave), picture(400, 400, format="PNG") + b"\0" * 1000)
    assert "A photo may be at most" in response.content.decode()
    assert not photos.pending_path(dave.person_id).exists()


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(dave, monkeypatch):
    monkeypatch.setattr(photos, "PHOTO_MAX_PIXELS", 300 * 300)
    response = post_upload(client_for(dave), picture(400, 300))
    assert "too many pixels" in response.content.decode()
    assert not photos.pending_path(dave.person_id).exists()


@pytest.mark.parametrize("form", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_whatever_their_name(dave, form):
    response = post_upload(client_for(dave), picture(120, 90, format=form), name="x.exe")
    assert response.status_code == 302
    assert photos.pending_path(dave.person_id).is_file()


def test_the_picture_is_turned_upright_and_its_metadata_dropped(dave):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees clockwise to show
    exif[0x010F] = "CanaryCam"  # the camera's maker
    client = client_for(dave)
    post_upload(client, picture(300, 200, format="JPEG", exif=exif), name="me.jpg")
    page = client.get("/people/me/photo/crop/")
    assert (page.context["width"], page.context["height"]) == (200, 300)
    pending = photos.pending_path(dave.person_id).read_bytes()
    assert b"CanaryCam" not in pending
    assert not Image.open(io.BytesIO(pending)).getexif()


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ({"x": 150, "y": 0, "size": 200}, "within the picture"),
        ({"x": 0, "y": 10, "size": 200}, "within the picture"),
        ({"x": 0, "y": 0, "size": 10}, "at least 64 pixels"),
        ({"x": -1, "y": 0, "size": 100}, "greater than or equal to 0"),
        ({"x": "a", "y": 0, "size": 100}, "Enter a whole number"),
    ],
)
def test_a_crop_outside_the_picture_is_refused_and_changes_nothing(dave, box, message):
    person = give_photo(dave)
    before = person.photo_version
    client = client_for(dave)
    post_upload(client, picture(300, 200))
    response = client.post("/people/me/photo/crop/", box)
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.photo_version == before
    assert photos.pending_path(person.pk).is_file()  # still waiting for a good square


def test_the_crop_page_without_an_upload_sends_back_to_the_profile(dave):
    response = client_for(dave).get("/people/me/photo/crop/")
    assert response.status_code == 302 and response["Location"] == "/people/me/edit/"


def test_a_new_photo_replaces_the_files_of_the_old(dave):
    first = give_photo(dave).photo_version
    second = give_photo(dave).photo_version
    assert first != second
    assert not (photos.person_dir(dave.person_id) / first).exists()
    assert (photos.person_dir(dave.person_id) / second).is_dir()


def test_removing_the_photo_deletes_its_files(dave):
    person = give_photo(dave)
    folder = photos.person_dir(person.pk) / person.photo_version
    response = client_for(dave).post("/people/me/photo/remove/")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.photo_version == ""
    assert not folder.exists()
    assert client_for(dave).get(f"/people/{person.pk}/photo/64/").status_code == 404


# --- Who gets the photo ----------------------------------------------------------------------


@pytest.mark.parametrize("audience", list(Audience))
def test_the_photo_reaches_its_audience_only(persona_users, dave, audience):
    person = give_photo(dave, audience=str(audience))
    person_set_privacy(person=person, by=dave, audiences={"profile": Audience.SIGNED_IN})
    for persona in PERSONAS:
        client = client_for(persona_users[persona])
        response = client.get(f"/people/{person.pk}/photo/160/")
        allowed = persona == "dave" or persona in REACH[audience]
        assert response.status_code == (200 if allowed else 404), persona
        if allowed:
            assert response["Content-Type"] == "image/jpeg"
            assert response["Cache-Control"].startswith("private")
            assert response.content[:3] == b"\xff\xd8\xff"


def test_a_hidden_photo_answers_like_no_photo_and_like_no_person(carol, dave, frank):
    give_photo(dave, audience=Audience.ONLY_ME)
    client = client_for(frank)
    hidden = client.get(f"/people/{dave.person_id}/photo/64/")
    none = client_for(dave).get(f"/people/{carol.person_id}/photo/64/")
    missing = client.get("/people/999999/photo/64/")
    assert hidden.status_code == none.status_code == missing.status_code == 404


def test_only_the_thumbnail_sizes_are_served(dave):
    give_photo(dave)
    client = client_for(dave)
    assert client.get(f"/people/{dave.person_id}/photo/400/").status_code == 200
    assert client.get(f"/people/{dave.person_id}/photo/401/").status_code == 404
    assert client.get(f"/people/{dave.person_id}/photo/0/").status_code == 404


def test_the_waiting_upload_is_its_uploaders_only(dave, carol):
    post_upload(client_for(dave), picture())
    assert client_for(dave).get("/people/me/photo/pending/").status_code == 200
    assert client_for(carol).get("/people/me/photo/pending/").status_code == 404


def test_pages_show_the_photo_to_its_audience_and_initials_to_others(dave, carol, frank):
    person = give_photo(dave)
    person_set_privacy(person=person, by=dave, audiences={"profile": Audience.SIGNED_IN})
    address = f"/people/{person.pk}/photo/160/?v={person.photo_version}"
    shown = client_for(carol).get(f"/people/{person.pk}/").content.decode()
    assert address in shown and 'alt="Photo of Dave Alumnus"' in shown
    hidden = client_for(frank).get(f"/people/{person.pk}/").content.decode()
    assert person.photo_version not in hidden
    assert 'aria-label="Initials of Dave Alumnus"' in hidden and ">DA</span>" in hidden


def test_the_directory_shows_thumbnails_as_each_viewer_may_see_them(dave, carol, frank):
    person = give_photo(dave)
    person_set_privacy(person=person, by=dave, audiences={"profile": Audience.SIGNED_IN})
    thumbnail = f"/people/{person.pk}/photo/64/?v={person.photo_version}"
    assert thumbnail in client_for(carol).get("/directory/?q=Dave").content.decode()
    assert person.photo_version not in client_for(frank).get("/directory/?q=Dave").content.decode()


def test_the_home_card_shows_the_persons_own_photo(dave):
    person = give_photo(dave)
    assert person.photo_version in client_for(dave).get("/").content.decode()


# --- The office removes an unsuitable photo ---------------------------------------------------


def test_the_alumni_office_removes_a_photo_saying_why_and_the_history_keeps_it(alice, dave):
    person = give_photo(dave)
    folder = photos.person_dir(person.pk) / person.photo_version
    page = client_for(alice).get(f"/people/{person.pk}/").content.decode()
    assert f"/people/{person.pk}/photo/remove/" in page
    response = client_for(alice).post(
        f"/people/{person.pk}/photo/remove/", {"reason": "Not a photo of a person"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.photo_version == "" and not folder.exists()
    latest = person.history.first()
    assert latest.history_change_reason == "photo removed by the office: Not a photo of a person"
    assert latest.history_user_id == alice.pk


def test_the_office_must_say_why_and_nobody_else_may_remove_anothers_photo(alice, bob, dave):
    person = give_photo(dave)
    client_for(alice).post(f"/people/{person.pk}/photo/remove/", {"reason": ""})
    response = client_for(bob).post(f"/people/{person.pk}/photo/remove/", {"reason": "Ugly"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.photo_version != ""


def test_initials_of_names():
    from alma.people.templatetags.avatar import initials

    assert initials("Dave Alumnus") == "DA"
    assert initials("Mary Ann van Dyke") == "MD"
    assert initials("王小明") == "王"
    assert initials("") == "?"


def test_a_photo_with_an_unreadable_version_is_never_a_path(db):
    person = f.PersonFactory(photo_version="../../etc")
    assert photos.photo_path(person.pk, person.photo_version, 64) is None
