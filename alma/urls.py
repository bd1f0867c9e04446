"""Alma's URL map: pages by app, the JSON API under /api/, django-admin for the alumni office."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django.views.i18n import set_language

from alma.accounts import views as account_views
from alma.api.urls import api
from alma.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("", account_views.home, name="home"),
    path("accounts/", include("alma.accounts.urls")),
    # django-allauth: password reset and change, sign-up, two-factor, sessions, single sign-on
    # (allauth.urls less its deprecated redirects).
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/", include("allauth.socialaccount.providers.saml.urls")),
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("people/", include("alma.people.urls")),
    path("office/", include("alma.people.office_urls")),
    path("services/", include("alma.activity.urls")),
    path("directory/", include("alma.directory.urls")),
    path("events/", include("alma.events.urls")),
    path("events/", include("alma.lifecycle.urls")),
    path("imports/", include("alma.imports.urls")),
    path("mentoring/", include("alma.mentoring.urls")),
    path("giving/", include("alma.giving.urls")),
    path("comms/", include("alma.comms.urls")),
    path("support/", include("alma.support.urls")),
    path("inbox/", include("alma.comms.inbox_urls")),
    path("forum/", include("alma.forum.urls")),
    path("insights/", include("alma.insights.urls")),
    path("careers/", include("alma.careers.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
if settings.ANYMAIL_WEBHOOKS:  # the ESP's tracking webhooks: bounces (see alma/comms/signals.py)
    urlpatterns.append(path("anymail/", include("anymail.urls")))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address under /api/ that names no operation answers in JSON, as the API does."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not Found")}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
