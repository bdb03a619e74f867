from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "oip.reports"
    label = "reports"
    verbose_name = "Reports"
