from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "minato.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisation"
    # What residents read in 「閲覧履歴」 for this app's audit actions on their data. Every
    # app may have such a dict; the access-log page gathers them (``selectors``).
    resident_access_labels = {
        "accounts.resident_record_viewed": gettext_lazy("Looked at your account details"),
        "accounts.resident_listed": gettext_lazy("Found your account in a search of residents"),
        "accounts.profile_updated": gettext_lazy("Changed your account details"),
        "accounts.email_verified": gettext_lazy("Confirmed your email address"),
    }

    def ready(self) -> None:
        from minato.accounts import checks, signals  # noqa: F401 - checks, receivers
