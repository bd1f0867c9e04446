"""The JSON API: every app's `api.py` router assembled into one OpenAPI document."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from alma.api.auth import API_AUTH
from alma.lib.errors import ApplicationError
from alma.lib.openapi import AlmaAPI

api = AlmaAPI(
    title="Alma API",
    version="1",
    description="People, the five-service activity ledger and every module of Alma.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    loc = ["body", exc.field] if exc.field else ["body"]
    return api.create_response(
        request,
        {"detail": [{"loc": loc, "msg": exc.message, "type": "application_error"}]},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Sign in or send a valid API token.")}, status=401
    )


def _register() -> None:
    from alma.accounts.api import router as accounts_router
    from alma.activity.api import router as activity_router
    from alma.careers.api import router as careers_router
    from alma.comms.api import router as comms_router
    from alma.directory.api import router as directory_router
    from alma.events.api import router as events_router
    from alma.forum.api import router as forum_router
    from alma.giving.api import router as giving_router
    from alma.insights.api import router as insights_router
    from alma.mentoring.api import router as mentoring_router
    from alma.people.api import router as people_router

    api.add_router("/", accounts_router)
    api.add_router("/people", directory_router)
    api.add_router("/people", people_router)
    api.add_router("/activities", activity_router)
    api.add_router("/events", events_router)
    api.add_router("/mentoring", mentoring_router)
    api.add_router("/giving", giving_router)
    api.add_router("/comms", comms_router)
    api.add_router("/insights", insights_router)
    api.add_router("/forum", forum_router)
    api.add_router("/careers", careers_router)


_register()
