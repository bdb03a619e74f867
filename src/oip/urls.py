"""URL map: the public monitor, the read-only API under /api/v1/, and the analysts' admin."""

from django.contrib import admin
from django.urls import include, path

from oip import api
from oip.site.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls()),
    path("healthz", healthz, name="healthz"),
    path("reports/", include("oip.reports.urls")),
    path("exchange/", include("oip.exchange.urls")),
    path("", include("oip.monitor.urls")),
]
