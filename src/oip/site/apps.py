from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "oip.site"
    label = "site"
    verbose_name = "OIP site"
