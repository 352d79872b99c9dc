"""Stripe, through the official ``stripe`` library: Checkout Sessions in yen with the payment
methods Stripe offers in Japan (card, konbini, PayPay: ``PAYMENTS_STRIPE_METHODS``).

Settings: ``PAYMENTS_STRIPE_SECRET_KEY``, ``PAYMENTS_STRIPE_WEBHOOK_SECRET`` (both may come
from ``*_FILE``) and, for tests, ``PAYMENTS_STRIPE_API_BASE`` (a local stub server). The
webhook endpoint is ``/api/v1/payments/webhooks/stripe``; subscribe it to
``checkout.session.completed``, ``checkout.session.async_payment_succeeded``,
``checkout.session.async_payment_failed``, ``checkout.session.expired`` and
``refund.updated``. JPY is a zero-decimal currency: Stripe's amounts are yen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import stripe
from django.conf import settings
from django.utils import timezone

from minato.payments.providers.base import (
    Checkout,
    CheckoutRequest,
    Event,
    PaymentState,
    ProviderError,
    ProviderRefused,
    ProviderStatus,
    RefundResult,
    RefundStatus,
    SettlementLine,
    WebhookRejected,
)

SESSION_EVENTS: dict[str, ProviderStatus] = {
    "checkout.session.async_payment_succeeded": "succeeded",
    "checkout.session.async_payment_failed": "failed",
    "checkout.session.expired": "expired",
}
_LANGUAGE = {"ja": "ja", "ja-easy": "ja", "en": "en"}


def _id(value: Any) -> str:
    """An expandable field: an id, or the expanded object."""
    if value is None:
        return ""
    return str(value if isinstance(value, str) else value["id"])


class StripeProvider:
    name = "stripe"

    @property
    def configured(self) -> bool:
        return bool(settings.PAYMENTS_STRIPE_SECRET_KEY)

    def _client(self) -> stripe.StripeClient:
        if not self.configured:
            raise ProviderError("Stripe is not configured")
        base = settings.PAYMENTS_STRIPE_API_BASE
        return stripe.StripeClient(
            settings.PAYMENTS_STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            max_network_retries=2,
        )

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        try:
            session = self._client().v1.checkout.sessions.create(
                params={  # type: ignore[arg-type]
                    "mode": "payment",
                    "currency": "jpy",
                    "payment_method_types": list(settings.PAYMENTS_STRIPE_METHODS),
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": "jpy",
                                "unit_amount": request.amount_yen,
                                "product_data": {"name": request.description[:200]},
                            },
                        }
                    ],
                    "client_reference_id": request.payment_reference,
                    "metadata": {"payment_reference": request.payment_reference},
                    "locale": _LANGUAGE.get(request.language, "ja"),
                    "success_url": request.return_url,
                    "cancel_url": request.cancel_url,
                    "expires_at": int((timezone.now() + timedelta(minutes=30)).timestamp()),
                },
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return Checkout(provider_reference=session.id, redirect_url=str(session.url))

    def fetch_payment(self, provider_reference: str) -> PaymentState:
        try:
            session = self._client().v1.checkout.sessions.retrieve(provider_reference)
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return _session_state(session)

    def expire_checkout(self, provider_reference: str) -> None:
        try:
            self._client().v1.checkout.sessions.expire(provider_reference)
        except stripe.StripeError as exc:
            raise _error(exc) from exc

    def refund(
        self,
        *,
        provider_reference: str,
        transaction_id: str,
        amount_yen: int,
        key: str,
        our_reference: str,
    ) -> RefundResult:
        try:
            refund = self._client().v1.refunds.create(
                params={
                    "payment_intent": transaction_id,
                    "amount": amount_yen,
                    "metadata": {"refund": our_reference},
                },
                options={"idempotency_key": key},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return _refund_result(refund)

    def find_refund(
        self, *, provider_reference: str, transaction_id: str, key: str, our_reference: str
    ) -> RefundResult | None:
        try:
            page = self._client().v1.refunds.list(
                params={"payment_intent": transaction_id, "limit": 100}
            )
            for refund in page.auto_paging_iter():
                if (_plain(refund).get("metadata") or {}).get("refund") == our_reference:
                    return _refund_result(refund)
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return None

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        secret = settings.PAYMENTS_STRIPE_WEBHOOK_SECRET
        if not secret:
            raise WebhookRejected("stripe webhooks are not configured")
        try:
            event = stripe.Webhook.construct_event(
                body,
                headers.get("Stripe-Signature", ""),
                secret,
                tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
            )
        except stripe.SignatureVerificationError as exc:
            stale = "tolerance" in str(exc).lower()
            raise WebhookRejected("stale timestamp" if stale else "bad signature") from None
        except ValueError:
            raise WebhookRejected("malformed body") from None
        obj = _plain(event.data.object)
        if event.type == "checkout.session.completed":
            state = _session_state(obj)
        elif event.type in SESSION_EVENTS:
            state = PaymentState(
                status=SESSION_EVENTS[event.type],
                amount_yen=obj.get("amount_total"),
                transaction_id=_id(obj.get("payment_intent")),
            )
        elif event.type.startswith("refund."):
            return Event(
                event_id=event.id,
                type=event.type,
                kind="refund",
                provider_reference="",
                transaction_id=_id(obj.get("payment_intent")),
                refund_reference=str(obj.get("id")),
                refund_status=_refund_status(obj.get("status")),
                refund_amount_yen=obj.get("amount"),
                refund_our_reference=str((obj.get("metadata") or {}).get("refund") or ""),
            )
        else:
            raise WebhookRejected("unhandled event type")
        return Event(
            event_id=event.id,
            type=event.type,
            kind="payment",
            provider_reference=str(obj.get("id")),
            state=state,
        )

    def settlement(self, day: date) -> list[SettlementLine]:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        end = start + timedelta(days=1)
        try:
            page = self._client().v1.balance_transactions.list(
                params={
                    "created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())},
                    "limit": 100,
                    "expand": ["data.source"],
                }
            )
            lines = []
            for entry in page.auto_paging_iter():
                item = _plain(entry)
                source: Any = item.get("source") or {}
                created = datetime.fromtimestamp(
                    item["created"], tz=timezone.get_current_timezone()
                )
                if item["type"] in ("charge", "payment"):
                    lines.append(
                        SettlementLine(
                            "payment",
                            "",
                            _id(source.get("payment_intent")),
                            abs(item["amount"]),
                            created,
                        )
                    )
                elif item["type"] in ("refund", "payment_refund"):
                    lines.append(
                        SettlementLine("refund", "", _id(source), abs(item["amount"]), created)
                    )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return lines


def _error(exc: stripe.StripeError) -> ProviderError:
    """A definite refusal (Stripe answered 4xx: nothing was done) or an unknown outcome (no
    answer, a timeout, a 5xx, a rate limit: it may have been done)."""
    refused = isinstance(
        exc,
        (
            stripe.InvalidRequestError,
            stripe.CardError,
            stripe.AuthenticationError,
            stripe.PermissionError,
        ),
    )
    return (ProviderRefused if refused else ProviderError)(type(exc).__name__)


def _refund_result(refund: Any) -> RefundResult:
    data = _plain(refund)
    return RefundResult(
        str(data["id"]), _refund_status(data.get("status")), data.get("failure_reason") or ""
    )


def _plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as a plain dict (the library's objects are not dicts)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _session_state(stripe_session: Any) -> PaymentState:
    session = _plain(stripe_session)
    status: ProviderStatus = "pending"
    if session.get("status") == "expired":
        status = "expired"
    elif session.get("status") == "complete" and session.get("payment_status") in (
        "paid",
        "no_payment_required",
    ):
        status = "succeeded"
    methods = session.get("payment_method_types") or []
    return PaymentState(
        status=status,
        amount_yen=session.get("amount_total"),
        transaction_id=_id(session.get("payment_intent")),
        method=methods[0] if status == "succeeded" and len(methods) == 1 else "",
        failure_reason="expired" if status == "expired" else "",
    )


def _refund_status(value: Any) -> RefundStatus:
    if value == "succeeded":
        return "succeeded"
    if value in ("failed", "canceled"):
        return "failed"
    return "pending"
