from django.urls import path

from oip.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.overview, name="overview"),
]
