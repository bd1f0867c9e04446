"""Text Alma can store: the one rule every input is checked by (pages, API, search, imports).

PostgreSQL refuses a NUL character in text, and no database can store half of a UTF-16
surrogate pair (JSON's "\\ud800" decodes to one). Both would fail as a server error at the
database; this module turns them into a clear message before anything is written or searched.
`StorableInputMiddleware` checks every request's parameters and JSON body; the people import
checks each cell with `unstorable_reason`.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alma.lib.reasons import Reason


def unstorable_reason(text: str) -> Reason | None:
    """Why the text cannot be stored, or None when it can."""
    if "\x00" in text:
        return Reason(gettext_noop("contains a NUL character, which cannot be stored"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Reason(gettext_noop("contains a character that is not valid Unicode"))
    return None


def validate_storable_text(value: Any) -> None:
    """The same rule as a Django validator (for form and model fields)."""
    if isinstance(value, str):
        reason = unstorable_reason(value)
        if reason:
            raise ValidationError(str(reason), code="unstorable")


def _json_texts(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple, str]]:
    """Every text in a decoded JSON document (keys too), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), str(key)
            yield from _json_texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, (*path, index))


def request_texts(request: HttpRequest) -> Iterator[tuple[tuple, str]]:
    """(location, text) for the query string, a form body and a JSON body of a request."""
    for name, values in request.GET.lists():
        yield ("query", name), name
        for value in values:
            yield ("query", name), value
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            yield ("body", name), name
            for value in values:
                yield ("body", name), value
    elif content_type.endswith("json"):
        try:
            document = json.loads(request.body or b"null")
        except ValueError:
            return  # not JSON: the endpoint answers that itself
        yield from _json_texts(document, ("body",))


class StorableInputMiddleware:
    """Refuse a request carrying text that cannot be stored, before any view reads it.

    The API answers 422 naming the parameter (as for any invalid input); pages answer with the
    same message as an ApplicationError (a form posted from a page goes back to it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for location, text in request_texts(request):
            reason = unstorable_reason(text)
            if reason is None:
                continue
            name = str(location[-1]) if len(location) > 1 else ""
            message = _("The field “%(name)s” %(reason)s.") % {"name": name, "reason": reason}
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": [
                            {"loc": list(location), "msg": message, "type": "unstorable_text"}
                        ]
                    },
                    status=422,
                )
            from alma.lib.errors import application_error_response

            return application_error_response(request, message)
        return self.get_response(request)
