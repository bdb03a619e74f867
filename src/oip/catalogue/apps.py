from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "oip.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"
