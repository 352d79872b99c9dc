from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "minato.payments"
    label = "payments"
    verbose_name = "Payments (キャッシュレス決済)"

    def ready(self) -> None:
        from minato.payments import checks  # noqa: F401 - registers the system checks
