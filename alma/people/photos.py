"""Profile photos as files: checked by decoding, turned upright, stripped of their metadata,
re-encoded, cropped to the square the person chose, and kept with their thumbnails under
VAR_DIR/photos/ (outside the web root; backed up, see alma.core.backups.KEPT_IN_VAR).

No URL reaches these files: `people.views.photo` serves a thumbnail after `people.privacy`
says the viewer may see the person's photo. Names are ours (the person's id and a random
version), never the uploader's.

    VAR_DIR/photos/<person id>/pending.jpg        uploaded, waiting for the crop
    VAR_DIR/photos/<person id>/<version>/square.jpg and 64.jpg, 160.jpg, 400.jpg
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from alma.lib.errors import ApplicationError

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is a decompression bomb
PHOTO_MIN_SIDE = 64  # a crop smaller than the smallest thumbnail would be blurred
PENDING_MAX_SIDE = 2048  # the uploaded picture is kept at most this long on its longer side
THUMBNAIL_SIZES = (64, 160, 400)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
JPEG_QUALITY = 88
_VERSION = re.compile(r"^[0-9a-f]{32}$")


def photos_dir() -> Path:
    # ALMA_PHOTOS_DIR moves them elsewhere (the tests do: see conftest.py).
    path = Path(getattr(settings, "ALMA_PHOTOS_DIR", None) or Path(settings.VAR_DIR) / "photos")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def person_dir(person_id: int) -> Path:
    return photos_dir() / str(int(person_id))


def pending_path(person_id: int) -> Path:
    return person_dir(person_id) / "pending.jpg"


def photo_path(person_id: int, version: str, size: int | str) -> Path | None:
    """Where a stored photo's file is, or None for a version or size that cannot be ours."""
    if not _VERSION.match(version or "") or (size != "square" and size not in THUMBNAIL_SIZES):
        return None
    return person_dir(person_id) / version / f"{size}.jpg"


def new_version() -> str:
    return secrets.token_hex(16)


def _write(path: Path, image: Image.Image) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # No exif, no icc_profile, no comments: only the pixels go out.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    path.write_bytes(buffer.getvalue())
    path.chmod(0o600)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels: transparency on white, palettes and greyscale expanded."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def decode_upload(upload: IO[bytes], size: int | None) -> Image.Image:
    """The uploaded picture, upright and as plain RGB pixels (nothing else of the file kept),
    at most PENDING_MAX_SIDE on its longer side; a clear refusal for anything else."""
    if size is not None and size > PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("A photo may be at most %(n)d MB.") % {"n": PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photo",
        )
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("A photo may be at most %(n)d MB.") % {"n": PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photo",
        )
    not_a_photo = ApplicationError(
        _("This file is not a photo Alma can read: send a JPEG, PNG or WebP picture."),
        field="photo",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
            if opened.width * opened.height > PHOTO_MAX_PIXELS:
                raise ApplicationError(
                    _("This picture has too many pixels: at most %(n)d megapixels.")
                    % {"n": PHOTO_MAX_PIXELS // 1_000_000},
                    field="photo",
                )
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened)
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_photo from None
    except Image.DecompressionBombWarning:
        raise not_a_photo from None
    if min(image.size) < PHOTO_MIN_SIDE:
        raise ApplicationError(
            _("This picture is too small: at least %(n)d pixels on each side.")
            % {"n": PHOTO_MIN_SIDE},
            field="photo",
        )
    image = _flatten(image)
    image.thumbnail((PENDING_MAX_SIDE, PENDING_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def save_pending(person_id: int, image: Image.Image) -> None:
    _write(pending_path(person_id), image)


def open_pending(person_id: int) -> Image.Image | None:
    path = pending_path(person_id)
    if not path.is_file():
        return None
    with Image.open(path) as stored:
        stored.load()
        return stored.convert("RGB")


@dataclass(frozen=True)
class CropBox:
    x: int
    y: int
    size: int

    @classmethod
    def centred(cls, width: int, height: int) -> CropBox:
        side = min(width, height)
        return cls((width - side) // 2, (height - side) // 2, side)

    def problem(self, width: int, height: int) -> str | None:
        """Why the box does not fit a picture of that size, or None when it does."""
        if self.size < PHOTO_MIN_SIDE:
            return _("The square must be at least %(n)d pixels wide.") % {"n": PHOTO_MIN_SIDE}
        if self.x < 0 or self.y < 0 or self.x + self.size > width or self.y + self.size > height:
            return _("The square must lie within the picture (%(w)d × %(h)d pixels).") % {
                "w": width,
                "h": height,
            }
        return None


def store_cropped(person_id: int, image: Image.Image, box: CropBox) -> str:
    """Crop the square, write it and its thumbnails under a new version; returns the version."""
    problem = box.problem(*image.size)
    if problem:
        raise ApplicationError(problem)
    square = image.crop((box.x, box.y, box.x + box.size, box.y + box.size))
    version = new_version()
    folder = person_dir(person_id) / version
    _write(folder / "square.jpg", square)
    for side in THUMBNAIL_SIZES:
        _write(folder / f"{side}.jpg", square.resize((side, side), Image.Resampling.LANCZOS))
    return version


def delete_version(person_id: int, version: str) -> None:
    if _VERSION.match(version or ""):
        shutil.rmtree(person_dir(person_id) / version, ignore_errors=True)


def delete_pending(person_id: int) -> None:
    pending_path(person_id).unlink(missing_ok=True)


def delete_all(person_id: int) -> None:
    shutil.rmtree(person_dir(person_id), ignore_errors=True)
