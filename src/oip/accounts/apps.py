from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oip.accounts"
    label = "accounts"
    verbose_name = "Accounts"
