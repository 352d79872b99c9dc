from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minato.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisation"
