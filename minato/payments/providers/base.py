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
    """The provider could not be reached or refused the call; nothing was changed here."""


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

    def refund(
        self, *, provider_reference: str, transaction_id: str, amount_yen: int, key: str
    ) -> RefundResult: ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event: ...

    def settlement(self, day: date) -> list[SettlementLine]: ...
