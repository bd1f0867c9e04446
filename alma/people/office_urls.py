from django.urls import path

from alma.people import office_views as views

app_name = "office"
urlpatterns = [
    path("", views.console, name="console"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person-new"),
    path("people/<int:pk>/", views.person_edit, name="person"),
    path("organisations/", views.organizations, name="organizations"),
    path("organisations/new/", views.organization_form, name="organization-new"),
    path("organisations/<int:pk>/", views.organization_form, name="organization"),
    path("chapters/", views.chapters, name="chapters"),
    path("chapters/new/", views.chapter_form, name="chapter-new"),
    path("chapters/<int:pk>/", views.chapter_form, name="chapter"),
]
