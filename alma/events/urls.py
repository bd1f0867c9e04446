from django.urls import path

from alma.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("mine/", views.my_events, name="mine"),
    path("mine/calendar/reset/", views.feed_reset, name="feed-reset"),
    path("feeds/<str:token>.ics", views.feed_person, name="feed-person"),
    path("programs/", views.program_list, name="programs"),
    path("programs/new/", views.program_new, name="program-new"),
    path("programs/<int:pk>/", views.program_detail, name="program"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/register/", views.event_register, name="register"),
    path("<int:pk>/unregister/", views.event_unregister, name="unregister"),
    path("<int:pk>/manage/", views.event_manage, name="manage"),
    path("<int:pk>/questions/", views.question_add, name="question-add"),
    path("<int:pk>/questions/<int:qid>/delete/", views.question_remove, name="question-remove"),
    path("<int:pk>/roles/", views.role_add, name="role-add"),
    path("<int:pk>/roles/<int:rid>/served/", views.role_served, name="role-served"),
    path("<int:pk>/roles/<int:rid>/delete/", views.role_remove, name="role-remove"),
    path("<int:pk>/messages/", views.message_add, name="message-add"),
    path("<int:pk>/people/", views.person_lookup, name="person-lookup"),
    path("<int:pk>/walk-in/", views.walk_in, name="walk-in"),
    path(
        "<int:pk>/registrations/<int:rid>/check-in/",
        views.registration_check_in,
        name="registration-check-in",
    ),
    path(
        "<int:pk>/registrations/<int:rid>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    path("check-in/<str:token>/", views.check_in, name="check-in"),
    path("chapters/<int:pk>/calendar.ics", views.feed_chapter, name="feed-chapter"),
]
