from django.urls import path

from alma.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/errors.csv", views.batch_errors_csv, name="errors-csv"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("export/", views.export, name="export"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_new, name="segment-new"),
    path("segments/<int:pk>/", views.segment_detail, name="segment"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment-delete"),
    path("segments/<int:pk>/open/", views.segment_open, name="segment-open"),
    path("segments/<int:pk>/export/", views.segment_export, name="segment-export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/merge/", views.duplicate_merge, name="merge"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="dismiss"),
    path("duplicates/groups/<int:group>/merge/", views.duplicate_group_merge, name="group-merge"),
    path(
        "duplicates/groups/<int:group>/dismiss/",
        views.duplicate_group_dismiss,
        name="group-dismiss",
    ),
    path("duplicates/merge-above/", views.duplicates_merge_above, name="merge-above"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="undo"),
]
