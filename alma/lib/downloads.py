"""A private file handed to the one person allowed it: as an attachment, named by Alma (never by
whoever uploaded it), not sniffed into something else by the browser, never cached."""

from django.http import HttpResponse


def private_download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
