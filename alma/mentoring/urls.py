from django.urls import path

from alma.mentoring import views

app_name = "mentoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/new/", views.program_new, name="program-new"),
    path("programs/<int:pk>/cycles/new/", views.cycle_new, name="cycle-new"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/phase/", views.cycle_phase, name="cycle-phase"),
    path("cycles/<int:pk>/mentor/", views.mentor_sign_up, name="mentor-sign-up"),
    path("cycles/<int:pk>/apply/", views.mentee_apply, name="apply"),
    path("cycles/<int:pk>/mentors/", views.mentor_list, name="mentors"),
    path(
        "cycles/<int:pk>/mentors/<int:mentor_pk>/request/",
        views.mentor_request,
        name="mentor-request",
    ),
    path("cycles/<int:pk>/matching/", views.matching, name="matching"),
    path("cycles/<int:pk>/publish/", views.matching_publish, name="publish"),
    path("cycles/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("cycles/<int:pk>/group-meeting/", views.group_meeting_add, name="group-meeting"),
    path("pairs/<int:pk>/", views.mentorship_detail, name="mentorship"),
    path("pairs/<int:pk>/respond/", views.mentorship_respond, name="respond"),
    path("pairs/<int:pk>/messages/", views.mentorship_messages, name="messages"),
    path("pairs/<int:pk>/edit/", views.mentorship_edit, name="edit"),
    path("pairs/<int:pk>/meetings/", views.meeting_add, name="meeting-add"),
    path("pairs/<int:pk>/meetings/<int:meeting_pk>/rate/", views.meeting_rate, name="meeting-rate"),
    path("pairs/<int:pk>/goals/", views.goal_add, name="goals"),
    path("pairs/<int:pk>/survey/", views.survey, name="survey"),
]
