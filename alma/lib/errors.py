"""The one error type users can cause, and the middleware that turns it into a clear message."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from alma.lib.reasons import Reason


class ApplicationError(Exception):
    """A problem the user can fix (bad input, a rule of the domain); never a server fault."""

    def __init__(self, message: "str | Reason", *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        # kept in no language when the message may be stored and read later by someone else
        self.reason = message if isinstance(message, Reason) else None
        self.field = field

    def stored(self) -> dict[str, Any]:
        """The message to store, shown later in the reader's language (`stored_reason_text`)."""
        if self.reason is None:
            return {"message": self.message}
        return {"message": self.message, "reason": self.reason.as_dict()}


class ApplicationErrorMiddleware:
    """Pages that let an ApplicationError escape show it as a message instead of a 500."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        return application_error_response(request, exception.message)


def application_error_response(request: HttpRequest, message: str) -> HttpResponse:
    """A form posted from a page goes back to it with the message; anything else gets a page."""
    referer = request.headers.get("referer", "")
    if request.method == "POST" and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}
    ):
        messages.error(request, message)
        return redirect(referer)
    response = TemplateResponse(request, "error.html", {"message": message}, status=400)
    return response.render()  # a middleware's own answer is not rendered by the handler
