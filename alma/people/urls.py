from django.urls import path

from alma.people import views

app_name = "people"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/edit/", views.profile_edit, name="edit"),
    path("me/privacy/", views.privacy_edit, name="privacy"),
    path("me/photo/", views.photo_upload_view, name="photo-upload"),
    path("me/photo/crop/", views.photo_crop_view, name="photo-crop"),
    path("me/photo/pending/", views.photo_pending_view, name="photo-pending"),
    path("me/photo/remove/", views.photo_remove_view, name="photo-remove"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/photo/<int:size>/", views.photo, name="photo"),
    path("<int:pk>/photo/remove/", views.photo_office_remove_view, name="photo-office-remove"),
]
