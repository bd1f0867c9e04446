"""Lifecycle pages, under /events/ where chapter officers and graduates' emailed links know them."""

from django.urls import path

from alma.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("chapters/", views.chapter_list, name="chapters"),
    path("chapters/<int:pk>/", views.chapter_detail, name="chapter"),
    path("chapters/<int:pk>/send-off/", views.chapter_send_off, name="send-off"),
    path("chapters/<int:pk>/welcome/", views.chapter_welcome, name="welcome"),
    path("lifecycle/admissions/", views.admissions, name="admissions"),
    path("lifecycle/enrolment/", views.enrolment, name="enrolment"),
    path("lifecycle/graduation/", views.graduation, name="graduation"),
    path("lifecycle/destinations/", views.destinations, name="destinations"),
    path("lifecycle/gaps/", views.gaps, name="gaps"),
    path("lifecycle/gaps/assign-chapters/", views.gaps_assign, name="gaps-assign"),
    path("destination/<str:token>/", views.destination, name="destination"),
]
