from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "oip.monitor"
    label = "monitor"
    verbose_name = "Public monitor"
