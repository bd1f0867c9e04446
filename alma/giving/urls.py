from django.urls import path

from alma.giving import views

app_name = "giving"
urlpatterns = [
    path("", views.fund_list, name="funds"),
    path("funds/new/", views.fund_new, name="fund-new"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/statement/", views.fund_statement, name="statement"),
    path("funds/<int:pk>/transfer/", views.fund_transfer, name="transfer"),
    path("funds/<int:pk>/rounds/new/", views.round_new, name="round-new"),
    path("gifts/", views.gift_list, name="gifts"),
    path("gifts/new/", views.gift_new, name="gift-new"),
    path("gifts/<int:pk>/reverse/", views.gift_reverse, name="gift-reverse"),
    path("receipts/<int:pk>.pdf", views.receipt_download, name="receipt"),
    path("receipts/wording/", views.receipt_wording, name="wording"),
    path("donors/<int:pk>/", views.donor_detail, name="donor"),
    path("donors/<int:pk>/summary/<int:year>.pdf", views.annual_summary, name="summary"),
    path("donors/<int:pk>/anonymity/", views.donor_anonymity, name="anonymity"),
    path("reports/", views.report_totals, name="reports"),
    path("impact/", views.impact, name="impact"),
    path("give/", views.give, name="give"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/apply/", views.round_apply, name="apply"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/finish/", views.round_finish, name="round-finish"),
    path("rounds/<int:pk>/ceremony/", views.round_ceremony, name="ceremony"),
    path("applications/<int:pk>/score/", views.application_score, name="score"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("applications/<int:pk>/named/", views.application_named, name="named"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("awards/", views.my_awards, name="my-awards"),
    path("awards/<int:pk>/pay/", views.award_pay, name="pay"),
    path("awards/<int:pk>/letters/", views.letter_new, name="letter-new"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/<int:pk>/review/", views.letter_review, name="letter-review"),
]
