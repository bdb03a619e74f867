"""The exchange's pages, mounted at /exchange/ (namespace `exchange`)."""

from django.urls import path

from oip.exchange.views import inbox, signin

app_name = "exchange"

urlpatterns = [
    path("", signin.home, name="home"),
    path("login/", signin.login_page, name="login"),
    path("logout/", signin.logout_page, name="logout"),
    path("2fa/setup/", signin.setup_page, name="setup"),
    path("inbox/", inbox.inbox, name="inbox"),
]
