from django.urls import path

from alma.comms import views

app_name = "comms"
urlpatterns = [
    path("preferences/<str:token>/", views.preference_centre, name="preference-centre"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
