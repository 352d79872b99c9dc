from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PaymentsConfig(AppConfig):
    name = "minato.payments"
    label = "payments"
    verbose_name = "Payments (キャッシュレス決済)"
    # Shown to the payer in 「閲覧履歴」 when the ward, a clerk or the payment provider acted
    # on their payment (what they did themselves is not listed there).
    resident_access_labels = {
        "payments.payment_created": gettext_lazy("Prepared a payment of yours"),
        "payments.payment_started": gettext_lazy("Started a payment of yours"),
        "payments.payment_checkout_opened": gettext_lazy("Opened a payment page for you"),
        "payments.payment_succeeded": gettext_lazy("Received your payment"),
        "payments.payment_failed": gettext_lazy("Recorded that your payment did not go through"),
        "payments.payment_cancelled": gettext_lazy("Cancelled an unfinished payment of yours"),
        "payments.payment_expired": gettext_lazy("Closed a payment of yours that timed out"),
        "payments.fee_assessed": gettext_lazy("Set the fee for your application"),
        "payments.refund_requested": gettext_lazy("Started a refund to you"),
        "payments.refund_succeeded": gettext_lazy("Refunded your payment"),
        "payments.refund_failed": gettext_lazy("Could not refund your payment"),
    }

    def ready(self) -> None:
        from minato.payments import checks  # noqa: F401 - registers the system checks
