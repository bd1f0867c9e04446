from django.urls import path

from alma.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("coverage/export/", views.coverage_export, name="coverage-export"),
    path("students/", views.students, name="students"),
    path("engagement/", views.aem, name="aem"),
    path("engagement/export/", views.aem_export, name="aem-export"),
    path("engagement/alumni/", views.engaged, name="engaged"),
    path("belonging/", views.belonging, name="belonging"),
    path("belonging/export/", views.belonging_export, name="belonging-export"),
    path("report.pdf", views.annual_report, name="report"),
    path("people/<int:pk>/engagement/", views.person_engagement, name="person-engagement"),
    path("refresh/", views.refresh, name="refresh"),
]
