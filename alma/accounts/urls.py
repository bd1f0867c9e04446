from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import path

from alma.accounts import views

app_name = "accounts"
urlpatterns = [
    # allauth's sign-in (two-factor and SSO follow from it) under Alma's name for it.
    path("login/", allauth_views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.account_settings, name="settings"),
    path("sessions/<int:pk>/end/", views.session_end_view, name="session-end"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("claim/", views.claim, name="claim"),
    path("join/<str:token>/", views.join, name="join"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:pk>/approve/",
        views.claim_decide,
        {"decision": "approve"},
        name="claim-approve",
    ),
    path(
        "invitations/<int:pk>/refuse/",
        views.claim_decide,
        {"decision": "refuse"},
        name="claim-refuse",
    ),
]
