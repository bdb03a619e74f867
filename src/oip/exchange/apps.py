from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "oip.exchange"
    label = "exchange"
    verbose_name = "OIP liaison exchange"
