"""The sandbox provider: a payment company simulated inside the platform, for the demo and
the tests. No money moves and no card data is asked for.

Its hosted page (``/payments/sandbox/<checkout id>/``) lets the tester choose what happens:
success, a decline, a 3-D Secure challenge (passed or failed), a timeout (the provider never
answers; the checkout expires) or abandonment (the resident leaves; the checkout expires).
Like a real provider it then sends webhooks signed with HMAC-SHA256 over
``"<timestamp>.<body>"`` (header ``Minato-Sandbox-Signature: t=<unix time>,v1=<hex>``),
through the task worker, retried with backoff; with ``PAYMENTS_SANDBOX_CHAOS`` on (the
default) some events are sent twice and the order is shuffled, as real providers do.

Its records (``SandboxCheckout``, ``SandboxRefund``, ``SandboxWebhook``) stand in for the
provider's own database: the platform reads them only through this interface. They are not
audited: they are the simulated outside world, not the ward's records.
"""

from __future__ import annotations

import hmac
import json
import logging
import random
import secrets
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minato.core import outbox, webhooks
from minato.payments.models import SandboxCheckout, SandboxRefund, SandboxWebhook
from minato.payments.providers.base import (
    Checkout,
    CheckoutRequest,
    Event,
    PaymentState,
    ProviderError,
    ProviderRefused,
    ProviderStatus,
    RefundResult,
    SettlementLine,
    WebhookRejected,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Minato-Sandbox-Signature"
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
C = SandboxCheckout.Status

OUTCOMES = ("success", "decline", "challenge", "timeout", "abandon")
_PAYMENT_EVENTS: dict[str, tuple[ProviderStatus, str]] = {
    "checkout.processing": ("pending", ""),
    "checkout.challenge_required": ("pending", ""),
    "payment.succeeded": ("succeeded", ""),
    "payment.declined": ("failed", "declined"),
    "checkout.cancelled": ("cancelled", ""),
    "checkout.expired": ("expired", ""),
}
_STATUS_OF = {
    C.OPEN: "pending",
    C.CHALLENGE: "pending",
    C.PROCESSING: "pending",
    C.SUCCEEDED: "succeeded",
    C.DECLINED: "failed",
    C.CANCELLED: "cancelled",
    C.EXPIRED: "expired",
}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={webhooks.timestamped_hmac(secret, timestamp, body)}"


def verify(*, header: str, body: bytes, secret: str, tolerance: int, now: float) -> None:
    """Raise WebhookRejected unless ``header`` signs ``body`` with ``secret`` recently."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise WebhookRejected("malformed signature header") from None
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise WebhookRejected("bad signature")
    if abs(now - timestamp) > tolerance:
        raise WebhookRejected("stale timestamp")


def _expire_if_due(checkout: SandboxCheckout) -> None:
    if checkout.status in (C.OPEN, C.CHALLENGE, C.PROCESSING) and (
        checkout.expires_at <= timezone.now()
    ):
        checkout.status = C.EXPIRED
        checkout.completed_at = timezone.now()
        checkout.save(update_fields=["status", "completed_at", "updated_at"])


class SandboxProvider:
    name = "sandbox"

    @property
    def configured(self) -> bool:
        return bool(settings.PAYMENTS_SANDBOX_ENABLED)

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        if not settings.PAYMENTS_SANDBOX_ENABLED:
            raise ProviderError("The sandbox provider is turned off")
        with transaction.atomic():
            checkout = SandboxCheckout.objects.filter(
                merchant_reference=request.payment_reference
            ).first()
            if checkout is None:
                checkout = SandboxCheckout.objects.create(
                    checkout_id="sbx_cs_" + secrets.token_urlsafe(18),
                    merchant_reference=request.payment_reference,
                    amount_yen=request.amount_yen,
                    description=request.description,
                    return_url=request.return_url,
                    expires_at=timezone.now()
                    + timedelta(minutes=settings.PAYMENTS_SANDBOX_CHECKOUT_MINUTES),
                )
        # A path, not a URL: the sandbox's page lives inside the platform on whatever host
        # the resident is using.
        return Checkout(
            provider_reference=checkout.checkout_id,
            redirect_url=reverse("payments:sandbox_checkout", args=[checkout.checkout_id]),
        )

    def fetch_payment(self, provider_reference: str) -> PaymentState:
        checkout = SandboxCheckout.objects.filter(checkout_id=provider_reference).first()
        if checkout is None:
            raise ProviderError("No such checkout")
        _expire_if_due(checkout)
        return _state(checkout)

    def expire_checkout(self, provider_reference: str) -> None:
        with transaction.atomic():
            checkout = (
                SandboxCheckout.objects.select_for_update()
                .filter(checkout_id=provider_reference, status__in=[C.OPEN, C.CHALLENGE])
                .first()
            )
            if checkout is not None:
                _complete(checkout, C.EXPIRED)
                _queue(checkout, ["checkout.expired"])

    def refund(
        self,
        *,
        provider_reference: str,
        transaction_id: str,
        amount_yen: int,
        key: str,
        our_reference: str,
    ) -> RefundResult:
        with transaction.atomic():
            checkout = (
                SandboxCheckout.objects.select_for_update()
                .filter(checkout_id=provider_reference, status=C.SUCCEEDED)
                .first()
            )
            if checkout is None:
                raise ProviderRefused("No completed checkout to refund")
            refund = SandboxRefund.objects.filter(idempotency_key=key).first()
            if refund is None:
                refunded = sum(r.amount_yen for r in checkout.refunds.all())
                if refunded + amount_yen > checkout.amount_yen:
                    return RefundResult("", "failed", "amount_exceeds_payment")
                refund = SandboxRefund.objects.create(
                    refund_id="sbx_re_" + secrets.token_urlsafe(12),
                    checkout=checkout,
                    amount_yen=amount_yen,
                    idempotency_key=key,
                )
                _queue(checkout, ["refund.succeeded"], refund=refund, our_reference=our_reference)
        # Confirmed later, by webhook, as real providers do.
        return RefundResult(refund.refund_id, "pending")

    def find_refund(
        self, *, provider_reference: str, transaction_id: str, key: str, our_reference: str
    ) -> RefundResult | None:
        refund = SandboxRefund.objects.filter(idempotency_key=key).first()
        # The sandbox refunds at once; only the webhook saying so can be late or lost.
        return RefundResult(refund.refund_id, "succeeded") if refund is not None else None

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        if not self.configured:
            raise WebhookRejected("the sandbox provider is turned off")
        verify(
            header=headers.get(SIGNATURE_HEADER, ""),
            body=body,
            secret=settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET,
            tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
            now=time.time(),
        )
        try:
            payload = json.loads(body)
            data = payload["data"]
            event_id, event_type = str(payload["id"]), str(payload["type"])
            checkout_id = str(data["checkout_id"])
            amount = int(data["amount_yen"])
        except (ValueError, KeyError, TypeError):
            raise WebhookRejected("malformed body") from None
        if event_type == "refund.succeeded":
            return Event(
                event_id=event_id,
                type=event_type,
                kind="refund",
                provider_reference=checkout_id,
                refund_reference=str(data.get("refund_id", "")),
                refund_status="succeeded",
                refund_amount_yen=int(data.get("refund_amount_yen") or 0),
                refund_our_reference=str(data.get("refund_reference") or ""),
            )
        if event_type not in _PAYMENT_EVENTS:
            raise WebhookRejected("unknown event type")
        status, reason = _PAYMENT_EVENTS[event_type]
        return Event(
            event_id=event_id,
            type=event_type,
            kind="payment",
            provider_reference=checkout_id,
            state=PaymentState(
                status=status,
                amount_yen=amount,
                transaction_id=str(data.get("transaction_id") or ""),
                method="card" if status == "succeeded" else "",
                failure_reason=str(data.get("decline_code") or reason),
            ),
        )

    def settlement(self, day: date) -> list[SettlementLine]:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        end = start + timedelta(days=1)
        lines = [
            SettlementLine(
                "payment",
                c.checkout_id,
                c.transaction_id,
                c.amount_yen,
                c.completed_at,
            )
            for c in SandboxCheckout.objects.filter(
                status=C.SUCCEEDED, completed_at__gte=start, completed_at__lt=end
            )
            if c.completed_at is not None
        ]
        lines += [
            SettlementLine(
                "refund", r.checkout.checkout_id, r.refund_id, r.amount_yen, r.created_at
            )
            for r in SandboxRefund.objects.filter(
                created_at__gte=start, created_at__lt=end
            ).select_related("checkout")
        ]
        return lines


def _state(checkout: SandboxCheckout) -> PaymentState:
    status: Any = _STATUS_OF[SandboxCheckout.Status(checkout.status)]
    return PaymentState(
        status=status,
        amount_yen=checkout.amount_yen,
        transaction_id=checkout.transaction_id,
        method="card" if status == "succeeded" else "",
        failure_reason=checkout.decline_code or ("" if status == "succeeded" else status),
    )


# --- The hosted page's actions -----------------------------------------------------------


def open_checkout(checkout_id: str) -> SandboxCheckout | None:
    checkout = SandboxCheckout.objects.filter(checkout_id=checkout_id).first()
    if checkout is not None:
        _expire_if_due(checkout)
    return checkout


@transaction.atomic
def checkout_choose(*, checkout_id: str, outcome: str) -> SandboxCheckout:
    """The tester's choice on the hosted page."""
    checkout = SandboxCheckout.objects.select_for_update().get(checkout_id=checkout_id)
    if checkout.status != C.OPEN:
        return checkout
    events: list[str] = ["checkout.processing"]
    if outcome == "success":
        _complete(checkout, C.SUCCEEDED)
        events.append("payment.succeeded")
    elif outcome == "decline":
        _complete(checkout, C.DECLINED, decline_code="card_declined")
        events.append("payment.declined")
    elif outcome == "challenge":
        checkout.status = C.CHALLENGE
        checkout.save(update_fields=["status", "updated_at"])
        return checkout  # nothing is sent until the challenge is answered
    elif outcome == "timeout":
        # The provider took the payment request and never answered: no webhook, and the
        # checkout expires at expires_at (the sweep asks, and learns it expired).
        checkout.status = C.PROCESSING
        checkout.save(update_fields=["status", "updated_at"])
        return checkout
    elif outcome == "abandon":
        _complete(checkout, C.EXPIRED)
        events = ["checkout.expired"]
    elif outcome == "cancel":
        _complete(checkout, C.CANCELLED)
        events = ["checkout.cancelled"]
    else:
        raise ValueError(f"Unknown outcome {outcome!r}")
    _queue(checkout, events)
    return checkout


@transaction.atomic
def challenge_answer(*, checkout_id: str, passed: bool) -> SandboxCheckout:
    checkout = SandboxCheckout.objects.select_for_update().get(checkout_id=checkout_id)
    if checkout.status != C.CHALLENGE:
        return checkout
    if passed:
        _complete(checkout, C.SUCCEEDED)
        final = "payment.succeeded"
    else:
        _complete(checkout, C.DECLINED, decline_code="authentication_failed")
        final = "payment.declined"
    _queue(checkout, ["checkout.processing", "checkout.challenge_required", final])
    return checkout


def _complete(checkout: SandboxCheckout, status: str, decline_code: str = "") -> None:
    checkout.status = status
    checkout.decline_code = decline_code
    checkout.completed_at = timezone.now()
    if status == C.SUCCEEDED:
        checkout.transaction_id = "sbx_pi_" + secrets.token_urlsafe(12)
    checkout.save(
        update_fields=["status", "decline_code", "completed_at", "transaction_id", "updated_at"]
    )


# --- Sending webhooks (an outbox, delivered by the worker) ----------------------------------


def _queue(
    checkout: SandboxCheckout,
    types: list[str],
    *,
    refund: SandboxRefund | None = None,
    our_reference: str = "",
) -> None:
    rows: list[dict[str, Any]] = []
    for event_type in types:
        data: dict[str, Any] = {
            "checkout_id": checkout.checkout_id,
            "merchant_reference": checkout.merchant_reference,
            "amount_yen": checkout.amount_yen,
            "transaction_id": checkout.transaction_id,
            "decline_code": checkout.decline_code,
        }
        if refund is not None:
            data |= {
                "refund_id": refund.refund_id,
                "refund_amount_yen": refund.amount_yen,
                "refund_reference": our_reference,
            }
        rows.append(
            {
                "id": "sbx_evt_" + secrets.token_urlsafe(12),
                "type": event_type,
                "created": int(time.time()),
                "data": data,
            }
        )
    if settings.PAYMENTS_SANDBOX_CHAOS:
        chaos = random.Random()  # noqa: S311 - a simulation, not security
        rows += [dict(row) for row in rows if chaos.random() < 0.3]
        chaos.shuffle(rows)
    created = [SandboxWebhook.objects.create(event_id=row["id"], payload=row) for row in rows]
    # After commit: the webhook describes a state the receiver must be able to read, and
    # under the in-process test backend the task runs at once, outside this transaction.
    # A webhook lost between commit and enqueue is handed to a new task by the payments
    # housekeeping (and the stuck-payment sweep asks the provider meanwhile).
    for webhook in created:
        transaction.on_commit(partial(outbox.enqueue, SANDBOX_WEBHOOKS, webhook.pk))


def post_webhook(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    """POST one webhook; the HTTP status, or None when nobody answered. Private addresses
    are allowed: the URL is the platform's own endpoint, from settings, not from staff."""
    return webhooks.post(url, body, headers, timeout=10, allow_private=True).status_code


class SandboxWebhookOutbox(outbox.Outbox[SandboxWebhook]):
    """The sandbox's webhooks, for the core deliverer: signed and POSTed to the platform's
    own endpoint. Not audited (the simulated outside world, see above)."""

    model = SandboxWebhook
    task = "minato.payments.tasks.deliver_sandbox_webhook"
    backoff = outbox.Backoff(base_seconds=RETRY_BASE_SECONDS, max_attempts=MAX_ATTEMPTS)

    def send(self, row: SandboxWebhook) -> outbox.Sent:
        body = json.dumps(row.payload, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "minato-sandbox-provider/1",
            SIGNATURE_HEADER: sign(
                settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET, int(time.time()), body
            ),
        }
        status_code = post_webhook(settings.PAYMENTS_SANDBOX_WEBHOOK_URL, body, headers)
        if status_code is not None and 200 <= status_code < 300:
            return outbox.Sent(ok=True, status_code=status_code)
        logger.info(
            "sandbox webhook not delivered",
            extra={"webhook_id": row.pk, "status_code": status_code},
        )
        return outbox.Sent(ok=False, status_code=status_code)


SANDBOX_WEBHOOKS = SandboxWebhookOutbox()


def webhook_deliver(*, webhook_id: int) -> str:
    """Try to deliver one sandbox webhook once; a failure is retried with backoff (see
    ``minato.core.outbox``). Returns the new status, or "skipped"."""
    return outbox.deliver(SANDBOX_WEBHOOKS, webhook_id)
