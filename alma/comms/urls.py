from django.urls import path

from alma.comms import views
from alma.comms.feeds import MagazineFeed

app_name = "comms"
urlpatterns = [
    path("", views.comms_index, name="index"),
    path("mailings/new/", views.mailing_new, name="mailing-new"),
    path("mailings/<int:pk>/", views.mailing_detail, name="mailing"),
    path("mailings/<int:pk>/edit/", views.mailing_edit, name="mailing-edit"),
    path("mailings/<int:pk>/progress/", views.mailing_progress, name="mailing-progress"),
    path(
        "mailings/<int:pk>/preview/<str:language>/",
        views.mailing_preview,
        name="mailing-preview",
    ),
    path("mailings/<int:pk>/test/", views.mailing_test, name="mailing-test"),
    path("mailings/<int:pk>/send/", views.mailing_send, name="mailing-send"),
    path("mailings/<int:pk>/cancel/", views.mailing_cancel, name="mailing-cancel"),
    path("mailings/<int:pk>/resume/", views.mailing_resume, name="mailing-resume"),
    path("mailings/<int:pk>/recipients/", views.mailing_recipients, name="mailing-recipients"),
    path("c/<str:token>/", views.click, name="click"),
    path("preferences/<str:token>/", views.preference_centre, name="preference-centre"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("magazine/", views.magazine_index, name="magazine"),
    path("magazine/feed/", MagazineFeed(), name="magazine-feed"),
    path("magazine/manage/", views.magazine_manage, name="magazine-manage"),
    path("magazine/manage/<int:pk>/", views.magazine_manage_issue, name="magazine-manage-issue"),
    path("magazine/manage/<int:pk>/publish/", views.magazine_publish, name="magazine-publish"),
    path("magazine/manage/<int:pk>/digest/", views.magazine_digest, name="magazine-digest"),
    path("magazine/articles/<int:pk>/wechat/", views.article_wechat, name="article-wechat"),
    path("magazine/<int:number>/", views.magazine_issue, name="magazine-issue"),
    path("magazine/<int:number>/<slug:slug>/", views.magazine_article, name="magazine-article"),
    path("messages/", views.messages_index, name="messages"),
    path("messages/<int:pk>/review/", views.message_review, name="message-review"),
    path("messages/write/<str:token>/", views.message_write, name="message-write"),
    path("cohorts/<str:cohort>/<int:year>/", views.cohort_page, name="cohort"),
    path("cohorts/<str:cohort>/<int:year>/print/", views.cohort_print, name="cohort-print"),
]
