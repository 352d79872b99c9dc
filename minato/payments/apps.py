from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "minato.payments"
    label = "payments"
    verbose_name = "Payments (キャッシュレス決済)"
