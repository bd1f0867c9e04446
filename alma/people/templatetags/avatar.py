"""`{% avatar view size %}`: a person's photo thumbnail where the viewer may see it, else their
initials. `view` is what people.privacy.person_view_for gave the viewer: its `photo_version` is
there only when the photo's audience includes them (and the photo's address checks again)."""

from typing import Any

from django import template
from django.urls import reverse

from alma.people.photos import THUMBNAIL_SIZES

register = template.Library()


def initials(name: str) -> str:
    """Up to two letters of a name: the first of its first and last words ("Dave Alumnus":
    "DA"); a name written without spaces (Chinese) gives its first character."""
    words = [w for w in (name or "").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


@register.inclusion_tag("people/avatar.html")
def avatar(view: Any, size: int = 64) -> dict[str, Any]:
    view = view or {}
    size = size if size in THUMBNAIL_SIZES else THUMBNAIL_SIZES[0]
    name = view.get("full_name", "")
    version = view.get("photo_version")
    src = None
    if version and view.get("id"):
        src = reverse("people:photo", args=[view["id"], size]) + f"?v={version}"
    return {"src": src, "name": name, "initials": initials(name), "size": size}
