from django.urls import path

from alma.forum import views

app_name = "forum"
urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask, name="ask"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("questions/<int:pk>/comment/", views.comment, name="comment"),
    path("questions/<int:pk>/report/", views.report, name="report"),
    path("questions/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("questions/<int:pk>/publish/", views.publish, name="publish"),
    path("answers/<int:pk>/vote/", views.vote, name="vote"),
    path("answers/<int:pk>/accept/", views.accept, name="accept"),
    path("answers/<int:pk>/edit/", views.answer_edit, name="answer-edit"),
    path("answers/<int:pk>/moderate/", views.answer_moderate, name="answer-moderate"),
    path("invitations/", views.invitations, name="invitations"),
    path("preferences/", views.preferences, name="preferences"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/", views.report_resolve, name="report-resolve"),
]
