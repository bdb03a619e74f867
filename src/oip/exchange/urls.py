"""The exchange's pages, mounted at /exchange/ (namespace `exchange`)."""

from django.urls import path

from oip.exchange.views import (
    clocks,
    compose,
    exercises,
    export,
    follow_up,
    inbox,
    notification,
    people,
    signin,
)

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
    path("n/<str:notification_id>/export/", export.export, name="export"),
    path("n/<str:notification_id>/stage/<str:stage>/", follow_up.next_stage, name="next-stage"),
    path("n/<str:notification_id>/respond/<str:stage>/", follow_up.respond, name="respond"),
    path("contact-points/", people.roster, name="roster"),
    path("access/", people.access, name="access"),
    path("exercises/", exercises.exercise_list, name="exercises"),
    path("exercises/<str:exercise_id>/", exercises.exercise_page, name="exercise"),
    path("exercises/<str:exercise_id>/act/", exercises.exercise_act, name="exercise-act"),
    path("clocks/", clocks.dashboard, name="clocks"),
]
