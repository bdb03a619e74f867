from django.urls import path, register_converter

from oip.reports import views


class _Format:
    regex = "pdf|html"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "report_format")

app_name = "reports"

urlpatterns = [
    path("country/<str:code>.<report_format:fmt>", views.country, name="country"),
    path("region.<report_format:fmt>", views.region, name="region"),
]
