from django.urls import path

from alma.comms import conversation_views, views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="index"),
    path("unread/", views.unread_badge, name="unread"),
    path("read-all/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("conversations/", conversation_views.conversations, name="conversations"),
    path("conversations/<int:pk>/", conversation_views.conversation, name="conversation"),
]
