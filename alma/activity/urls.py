from django.urls import path

from alma.activity import views

app_name = "activity"
urlpatterns = [
    path("", views.service_log, name="service-log"),
    path("new/", views.service_new, name="service-new"),
    path("students/", views.student_lookup, name="student-lookup"),
    path("received/", views.services_received, name="received"),
    path("<int:pk>/rate/", views.service_rate, name="rate"),
]
