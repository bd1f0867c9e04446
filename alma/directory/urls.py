from django.urls import path

from alma.directory import views

app_name = "directory"
urlpatterns = [path("", views.directory, name="index")]
