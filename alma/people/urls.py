from django.urls import path

from alma.people import views

app_name = "people"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/edit/", views.profile_edit, name="edit"),
    path("me/privacy/", views.privacy_edit, name="privacy"),
    path("<int:pk>/", views.person_detail, name="detail"),
]
