"""The one small interface every payment provider implements.

A provider hosts the payment page (no card data touches the platform), tells us what
happened when asked, signs the webhooks it sends, refunds, and lists what it settled. Its
answers are translated into the plain values below, so services never see a provider's
own vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

ProviderStatus = Literal["pending", "succeeded", "failed", "cancelled", "expired"]
RefundStatus = Literal["pending", "succeeded", "failed"]


class ProviderError(Exception):
    """The call did not get a usable answer; nothing was changed here. Unless it is a
    ``ProviderRefused``, the provider may still have done what was asked (a timeout, a
    dropped connection, a 5xx): for money movements, treat the outcome as unknown."""


class ProviderRefused(ProviderError):
    """The provider answered and definitely did not do it (a 4xx: invalid request, card
    error, amount too large)."""


class WebhookRejected(Exception):
    """A webhook we must not act on (bad signature, stale timestamp, malformed body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckoutRequest:
    payment_reference: str
    amount_yen: int
    description: str
    return_url: str
    cancel_url: str
    language: str
    idempotency_key: str


@dataclass(frozen=True)
class Checkout:
    provider_reference: str
    redirect_url: str


@dataclass(frozen=True)
class PaymentState:
    """What the provider says about one checkout."""

    status: ProviderStatus
    amount_yen: int | None = None
    transaction_id: str = ""
    method: str = ""
    failure_reason: str = ""


@dataclass(frozen=True)
class Event:
    """One webhook event, already verified. ``kind`` is ``payment`` or ``refund``."""

    event_id: str
    type: str
    kind: Literal["payment", "refund"]
    provider_reference: str
    # Some providers name the money movement, not the checkout (Stripe's refund events).
    transaction_id: str = ""
    state: PaymentState | None = None
    refund_reference: str = ""
    refund_status: RefundStatus | None = None
    refund_amount_yen: int | None = None
    # Our refund's public id, where the provider echoes it back (metadata): matches a refund
    # whose provider reference we never learnt (the call timed out).
    refund_our_reference: str = ""


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str
    status: RefundStatus
    failure_reason: str = ""


@dataclass(frozen=True)
class SettlementLine:
    kind: Literal["payment", "refund"]
    provider_reference: str
    transaction_id: str
    amount_yen: int
    settled_at: datetime


class PaymentProvider(Protocol):
    name: str

    @property
    def configured(self) -> bool: ...

    def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def fetch_payment(self, provider_reference: str) -> PaymentState: ...

    def expire_checkout(self, provider_reference: str) -> None:
        """Close an open checkout so it can no longer be paid (the amount changed)."""
        ...

    def refund(
        self,
        *,
        provider_reference: str,
        transaction_id: str,
        amount_yen: int,
        key: str,
        our_reference: str,
    ) -> RefundResult: ...

    def find_refund(
        self, *, provider_reference: str, transaction_id: str, key: str, our_reference: str
    ) -> RefundResult | None:
        """The refund asked for with ``key`` / ``our_reference``, or None when the
        provider has no such refund (the request never reached it)."""
        ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event: ...

    def settlement(self, day: date) -> list[SettlementLine]: ...
