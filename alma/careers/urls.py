from django.urls import path

from alma.careers import views

app_name = "careers"
urlpatterns = [
    path("", views.posting_list, name="postings"),
    path("postings/new/", views.posting_new, name="posting-new"),
    path("postings/<int:pk>/", views.posting_detail, name="posting"),
    path("postings/<int:pk>/apply/", views.posting_apply, name="apply"),
    path("postings/<int:pk>/review/", views.posting_review, name="posting-review"),
    path("postings/<int:pk>/applicants/", views.posting_applicants, name="applicants"),
    path("postings/<int:pk>/candidates/", views.posting_candidates, name="candidates"),
    path("review/", views.review_queue, name="review"),
    path("recommended/", views.recommended, name="recommended"),
    path("profile/", views.career_profile, name="profile"),
    path("applications/", views.my_applications, name="my-applications"),
    path("applications/<int:pk>/cv/", views.application_cv, name="cv"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("organisations/", views.organization_list, name="organizations"),
    path("organisations/join/", views.alliance_join, name="join"),
    path("organisations/<int:pk>/", views.organization_detail, name="organization"),
    path("organisations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("organisations/<int:pk>/decide/", views.alliance_decide, name="decide"),
    path("employer-links/", views.employer_links, name="employer-links"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/new/", views.fair_new, name="fair-new"),
    path("fairs/<int:pk>/", views.fair_detail, name="fair"),
    path("fairs/<int:pk>/report/", views.fair_report, name="fair-report"),
    path("booths/<int:pk>/qr.svg", views.booth_qr, name="booth-qr"),
    path("booths/sign-in/<str:token>/", views.booth_sign_in, name="booth-sign-in"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/report/", views.visit_report, name="visit-report"),
    path("visits/<int:pk>/publish/", views.visit_publish, name="visit-publish"),
    path("visits/<int:pk>/photos/", views.visit_photo_add, name="visit-photo-add"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit-photo"),
    path("visit-photos/<int:pk>/remove/", views.visit_photo_remove, name="visit-photo-remove"),
]
