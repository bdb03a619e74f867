"""The exchange's pages, mounted at /exchange/ (namespace `exchange`)."""

from django.urls import path

from oip.exchange.views import compose, inbox, notification, people, signin

app_name = "exchange"

urlpatterns = [
    path("", signin.home, name="home"),
    path("login/", signin.login_page, name="login"),
    path("logout/", signin.logout_page, name="logout"),
    path("2fa/setup/", signin.setup_page, name="setup"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("compose/", compose.compose, name="compose"),
    path("n/<str:notification_id>/", notification.notification, name="notification"),
    path("n/<str:notification_id>/ack/", notification.acknowledge, name="acknowledge"),
    path("contact-points/", people.roster, name="roster"),
    path("access/", people.access, name="access"),
]
