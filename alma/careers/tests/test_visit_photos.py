"""A visit report's photos: checked and re-encoded by Pillow, stored outside the web root under
names of ours, served only to who may see the visit; the office sees them before publishing and
the published story shows them."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alma.careers import services
from alma.careers.models import EnterpriseVisit, VisitPhoto
from alma.careers.tests.world import careers_world, photo
from alma.lib.errors import ApplicationError
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(persona_users):
    users = {k: v for k, v in persona_users.items() if v is not None}
    return careers_world(users)


def visit(world):
    return EnterpriseVisit.objects.get(pk=world["c_visit"])


def jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (3000, 1500), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("../../etc/passwd.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_is_re_encoded_without_metadata_under_a_name_of_ours(world, carol):
    stored = services.visit_photo_add(user=carol, visit=visit(world), upload=jpeg_with_exif())
    path = Path(stored.image.path)
    assert path.is_relative_to(Path(settings.VAR_DIR) / "careers")
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.name == f"{stored.token}.jpg" and "passwd" not in str(path)
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert max(image.size) == services.PHOTO_MAX_SIDE
        assert not image.getexif()
    assert b"SecretCam" not in path.read_bytes()
    png = services.visit_photo_add(
        user=carol, visit=visit(world), upload=photo("x.png", "PNG", (20, 20))
    )
    assert png.extension == ".png" and png.content_type == "image/png"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("cat.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"),
        SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_written(world, carol, upload):
    before = VisitPhoto.objects.count()
    with pytest.raises(ApplicationError) as error:
        services.visit_photo_add(user=carol, visit=visit(world), upload=upload)
    assert error.value.field == "photo"
    assert VisitPhoto.objects.count() == before


def test_a_gif_or_a_huge_file_is_refused(world, carol):
    with pytest.raises(ApplicationError):
        services.visit_photo_add(
            user=carol, visit=visit(world), upload=photo("a.gif", "GIF", (10, 10))
        )
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (services.PHOTO_MAX_BYTES + 1))
    with pytest.raises(ApplicationError) as error:
        services.visit_photo_add(user=carol, visit=visit(world), upload=big)
    assert "at most" in error.value.message


def test_only_the_visitor_adds_a_few_photos_before_publication(world, carol, gina, alice):
    with pytest.raises(ApplicationError):
        services.visit_photo_add(user=gina, visit=visit(world), upload=photo())
    while visit(world).photos.count() < services.PHOTOS_PER_VISIT:
        services.visit_photo_add(user=carol, visit=visit(world), upload=photo())
    with pytest.raises(ApplicationError):
        services.visit_photo_add(user=carol, visit=visit(world), upload=photo())
    services.visit_publish(user=alice, visit=visit(world))
    first = visit(world).photos.first()
    with pytest.raises(ApplicationError):
        services.visit_photo_remove(user=carol, photo=first)


def test_photos_are_served_to_who_may_see_the_visit_and_shown_on_the_story(
    world, carol, frank, alice, dave
):
    url = f"/careers/visit-photos/{world['c_photo']}/"
    served = client_for(carol).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    assert client_for(frank).get(url).status_code == 200  # the host
    assert client_for(dave).get(url).status_code == 404  # not before publication
    # The office sees them when it decides to publish.
    office = client_for(alice).get("/careers/visits/").content.decode()
    assert url in office and "Publish as a story" in office
    services.visit_publish(user=alice, visit=visit(world))
    assert client_for(dave).get(url).status_code == 200
    assert url in client_for(dave).get("/careers/visits/").content.decode()


def test_the_visitor_adds_and_removes_photos_on_the_report_page(
    world, carol, django_capture_on_commit_callbacks
):
    client = client_for(carol)
    report = f"/careers/visits/{world['c_visit']}/report/"
    response = client.post(f"/careers/visits/{world['c_visit']}/photos/", {"photo": photo()})
    assert response.status_code == 302 and response["Location"] == report
    assert visit(world).photos.count() == 2
    page = client.get(report).content.decode()
    assert page.count("/careers/visit-photos/") >= 2
    stored = VisitPhoto.objects.get(pk=world["c_photo"])
    path = Path(stored.image.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/careers/visit-photos/{stored.pk}/remove/")
    assert not VisitPhoto.objects.filter(pk=stored.pk).exists()
    assert not path.exists()
