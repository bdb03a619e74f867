from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "oip.core"
    label = "core"
    verbose_name = "OIP core"
