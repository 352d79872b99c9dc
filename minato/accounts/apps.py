from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minato.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisation"

    def ready(self) -> None:
        from minato.accounts import checks, signals  # noqa: F401 - checks, receivers
