from django.urls import path

from alma.support import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("preference/", views.preference, name="preference"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/team/", views.team_add, name="team-add"),
    path("cases/<int:pk>/notes/", views.note_add, name="note-add"),
    path("cases/<int:pk>/files/", views.file_add, name="file-add"),
    path("cases/<int:pk>/tasks/", views.task_add, name="task-add"),
    path("cases/<int:pk>/consent/", views.consent_record, name="consent"),
    path("cases/<int:pk>/mobilise/", views.mobilise, name="mobilise"),
    path("cases/<int:pk>/grant/", views.grant_pay, name="grant"),
    path("cases/<int:pk>/close/", views.case_close, name="close"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/offer/", views.offer_make, name="offer"),
    path("offers/<int:pk>/status/", views.offer_status, name="offer-status"),
    path("mine/<int:pk>/", views.my_case, name="mine"),
]
