"""Payments (キャッシュレス決済): one Payment per attempt to pay for a thing (an application, a
booking, …), its refunds, the provider events we accepted, and fees staff assessed.

The thing paid is named generically (``purpose`` + ``object_ref``, e.g.
``"procedures.application"`` + ``"ABCD2345"``) so any module can take payments without this
app importing its models. Amounts are integer yen and always worked out by the platform,
never taken from the client.

The ``Sandbox*`` models at the end are the sandbox provider's own records: they stand in
for a payment company's database and are read only through the provider interface.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minato.accounts.models import Department


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("Not paid yet")
        STARTED = "started", _("Payment in progress")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("payment channel", "Online")
        COUNTER = "counter", _("At the counter")

    class Method(models.TextChoices):
        CARD = "card", _("Credit or debit card")
        KONBINI = "konbini", _("Convenience store")
        PAYPAY = "paypay", _("PayPay")
        QR = "qr", _("QR-code payment")
        TRANSPORT_IC = "transport_ic", _("Transport IC card")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The receipt number (領収番号) residents and finance quote: no look-alike characters.
    reference = models.CharField(max_length=12, unique=True)
    purpose = models.CharField(max_length=50)
    object_ref = models.CharField(max_length=64)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="payments")
    description = models.CharField(max_length=200)
    # 歳入科目: the revenue account the finance department books the money to, copied from
    # the thing paid for when the payment is made (a later change of its account does not
    # move money already booked).
    account_code = models.CharField(max_length=30)
    account_name = models.CharField(max_length=100, blank=True)
    amount_yen = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    provider = models.CharField(max_length=20)
    # The provider's id for the hosted checkout (or the counter terminal's transaction id).
    provider_reference = models.CharField(max_length=100, blank=True)
    # The provider's id for the money movement itself (payment intent, charge), for refunds.
    provider_transaction_id = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    failure_reason = models.CharField(max_length=50, blank=True)
    checkout_url = models.URLField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_payments",
    )
    # Optimistic lock: every change bumps it, and writes say which version they saw.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["purpose", "object_ref"], name="payment_thing"),
            models.Index(fields=["payer", "-created_at"], name="payment_payer"),
            models.Index(fields=["status", "started_at"], name="payment_status_started"),
        ]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount_yen__gt=0)),
            # At most one payment per thing is open or paid: a failed, cancelled or expired
            # attempt stays as history and a retry is a new payment.
            models.UniqueConstraint(
                fields=["purpose", "object_ref"],
                condition=Q(status__in=["created", "started", "succeeded"]),
                name="payment_one_live_per_thing",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_transaction_id"],
                condition=~Q(provider_transaction_id=""),
                name="payment_provider_transaction_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.reference} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {
        Payment.Status.SUCCEEDED,
        Payment.Status.FAILED,
        Payment.Status.CANCELLED,
        Payment.Status.EXPIRED,
    }
)


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the provider")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Refund failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_yen = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_reference = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=100, blank=True)
    # The form or API request that asked for it: a resubmitted form (double click, retry)
    # finds the refund already made instead of refunding twice.
    request_key = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="refund_amount_positive", condition=Q(amount_yen__gt=0)),
            models.UniqueConstraint(fields=["payment", "request_key"], name="refund_request_once"),
            models.UniqueConstraint(
                fields=["provider_reference"],
                condition=~Q(provider_reference=""),
                name="refund_provider_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"refund of {self.amount_yen} yen on {self.payment_id} ({self.status})"


class ProviderEvent(models.Model):
    """A webhook event we accepted (signature, timestamp, payment and amount good): the
    endpoint stores it and answers at once; the worker applies stored events in batches
    (decision 0006). Kept so a duplicate is recognised and the outcome can be traced.
    Rejected webhooks are only logged."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting to be applied")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Already in that state or later")
        CONFLICT = "conflict", _("Contradicts a final state")
        REJECTED = "rejected", _("Could not be applied")

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=60)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # The verified event in the providers' common vocabulary (providers.base.Event).
    payload = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    # Failed applications other than the payment rules (a bug, a constraint): after
    # MAX_ATTEMPTS the event is rejected, so it never blocks the events behind it.
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    # The webhook request that delivered it, for the audit events written when it is applied.
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")
        ]
        indexes = [
            # The worker's batches: the few events still waiting, oldest first.
            models.Index(
                fields=["id"], condition=Q(outcome="pending"), name="provider_event_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class AssessedFee(models.Model):
    """A fee staff set after review (手数料の決定), for procedures whose fee is assessed: the
    resident pays it once the application is approved (事後決済)."""

    purpose = models.CharField(max_length=50)
    object_ref = models.CharField(max_length=64)
    amount_yen = models.PositiveIntegerField()
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="assessed_fee_positive", condition=Q(amount_yen__gt=0)),
            models.UniqueConstraint(fields=["purpose", "object_ref"], name="assessed_fee_once"),
        ]

    def __str__(self) -> str:
        return f"fee of {self.amount_yen} yen for {self.purpose}:{self.object_ref}"


# --- The sandbox provider's own records (a stand-in for a payment company) ------------------


class SandboxCheckout(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        CHALLENGE = "challenge", "3-D Secure challenge"
        PROCESSING = "processing", "processing (no answer)"
        SUCCEEDED = "succeeded", "succeeded"
        DECLINED = "declined", "declined"
        CANCELLED = "cancelled", "cancelled"
        EXPIRED = "expired", "expired"

    checkout_id = models.CharField(max_length=40, unique=True)
    transaction_id = models.CharField(max_length=40, blank=True)
    merchant_reference = models.CharField(max_length=40)
    amount_yen = models.PositiveIntegerField()
    description = models.CharField(max_length=200)
    return_url = models.URLField(max_length=500)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decline_code = models.CharField(max_length=40, blank=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sandbox checkout {self.checkout_id} ({self.status})"


class SandboxRefund(models.Model):
    refund_id = models.CharField(max_length=40, unique=True)
    checkout = models.ForeignKey(SandboxCheckout, on_delete=models.CASCADE, related_name="refunds")
    amount_yen = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"sandbox refund {self.refund_id}"


class SandboxWebhook(models.Model):
    """One webhook the sandbox sends (an outbox): the worker POSTs it, retrying on failure."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        DELIVERED = "delivered", "delivered"
        RETRYING = "retrying", "retrying"
        FAILED = "failed", "failed"

    event_id = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"sandbox webhook {self.event_id} ({self.status})"
