"""/api/v1/payments: create a payment (Idempotency-Key), start its checkout, read its state,
and the providers' webhook endpoints."""

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from minato.accounts import permissions
from minato.accounts.api_auth import AUTH, require_resident
from minato.core.api.idempotency import idempotent
from minato.core.api.schemas import InputSchema, responses
from minato.payments import payables, providers, services
from minato.payments.models import Payment
from minato.payments.providers.base import ProviderError, WebhookRejected

logger = logging.getLogger(__name__)
router = Router(tags=["payments"])


class PaymentIn(InputSchema):
    purpose: str = Field(
        ...,
        max_length=50,
        pattern=r"^[a-z_]+\.[a-z_]+$",
        description="The kind of thing paid for, e.g. `procedures.application`",
    )
    object_ref: str = Field(..., max_length=64, description="Its reference, e.g. `SODAI234`")


class PaymentOut(Schema):
    id: UUID
    reference: str
    purpose: str
    object_ref: str
    description: str
    amount_yen: int
    account_code: str
    account_name: str
    status: str
    channel: str
    method: str
    provider: str
    checkout_url: str | None
    created_at: datetime
    started_at: datetime | None
    succeeded_at: datetime | None


class WebhookOut(Schema):
    result: str


def _out(payment: Payment) -> dict[str, Any]:
    return PaymentOut.model_validate(
        {
            "id": payment.public_id,
            "reference": payment.reference,
            "purpose": payment.purpose,
            "object_ref": payment.object_ref,
            "description": payment.description,
            "amount_yen": payment.amount_yen,
            "account_code": payment.account_code,
            "account_name": payment.account_name,
            "status": payment.status,
            "channel": payment.channel,
            "method": payment.method,
            "provider": payment.provider,
            "checkout_url": payment.checkout_url or None,
            "created_at": payment.created_at,
            "started_at": payment.started_at,
            "succeeded_at": payment.succeeded_at,
        }
    ).model_dump()


def _visible_payment(request: HttpRequest, public_id: UUID) -> Payment:
    user: Any = request.user
    payment = Payment.objects.filter(public_id=public_id).first()
    if payment is None or getattr(request, "api_token", None) is not None:
        raise HttpError(404, "No such payment")
    if user.is_staff:
        if not permissions.can_see_department(user, payment.department_id):
            raise HttpError(404, "No such payment")
    elif payment.payer_id != user.pk:
        raise HttpError(404, "No such payment")
    return payment


@router.post(
    "/payments",
    response=responses({201: PaymentOut}),
    auth=AUTH,
    summary="Create (or find) the open payment for something the signed-in resident owes",
    description=(
        "The amount is worked out by the platform from the thing paid for, never taken from "
        "the request. Accepts `Idempotency-Key`. 409 when it is already paid; 422 when it "
        "cannot be paid now (no fee, fee not set yet, not approved yet). Then call "
        "`POST /payments/{id}/checkout` and send the resident to `checkout_url`."
    ),
)
def payment_create(request: HttpRequest, payload: PaymentIn) -> Any:
    user = require_resident(request, "Only a signed-in resident can pay")

    def run() -> tuple[int, Any]:
        payable = payables.for_payer(payload.purpose, payload.object_ref[:64], user)
        if payable is None:
            raise HttpError(404, "Nothing to pay with this purpose and reference")
        try:
            payment = services.payment_prepare(payable=payable)
        except services.AlreadyPaid as exc:
            raise HttpError(409, str(exc)) from None
        except services.NotPayable as exc:
            raise HttpError(422, str(exc)) from None
        return 201, _out(payment)

    status, body = idempotent(request, scope="payments.payment_create", run=run)
    return Status(status, body)


@router.post(
    "/payments/{payment_id}/checkout",
    response=responses({200: PaymentOut, 502: WebhookOut}),
    auth=AUTH,
    summary="Start the payment at the provider and get the hosted page's URL",
    description=(
        "Safe to repeat: a started payment returns the same `checkout_url` (null for a moment "
        "while another request opens it). After a 502 the payment is cancelled: create a new "
        "one to try again."
    ),
)
def payment_checkout(request: HttpRequest, payment_id: Path[UUID]) -> Any:
    require_resident(request, "Only a signed-in resident can pay")
    payment = _visible_payment(request, payment_id)
    if payment.status == Payment.Status.CREATED:
        try:
            payment = services.payment_start(payment=payment)
        except ProviderError:
            return Status(502, {"result": "provider_unavailable"})
    elif payment.status != Payment.Status.STARTED:
        raise HttpError(409, "This payment is finished; create a new one to try again")
    return _out(payment)


@router.get(
    "/payments/{payment_id}",
    response=responses({200: PaymentOut}),
    auth=AUTH,
    summary="One payment and its state (its payer, or staff of its department)",
)
def payment_detail(request: HttpRequest, payment_id: Path[UUID]) -> Any:
    return _out(_visible_payment(request, payment_id))


@router.post(
    "/payments/webhooks/{provider}",
    response=responses({200: WebhookOut}),
    auth=None,
    summary="Webhook endpoint for a payment provider (signed; see docs/modules/payments.md)",
    description=(
        "The body and signature header are the provider's own (`Minato-Sandbox-Signature` "
        "for the sandbox, `Stripe-Signature` for Stripe). 400: bad signature, stale "
        "timestamp or malformed body; 404: unknown provider, payment or refund; 409: the "
        "amount differs from the payment's (or the refund's). Rejected calls change nothing. "
        "An accepted event is stored and answered at once with `accepted` (a duplicate of "
        "one already stored with `duplicate`); the worker applies stored events within about "
        "a second (docs/decisions/0006)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def webhook(request: HttpRequest, provider: Path[str]) -> Any:
    if provider == providers.COUNTER:
        raise HttpError(404, "Unknown provider")
    try:
        adapter = providers.get(provider)
    except providers.UnknownProvider:
        raise HttpError(404, "Unknown provider") from None
    try:
        event = adapter.parse_webhook(body=request.body, headers=request.headers)
    except WebhookRejected as exc:
        logger.warning("webhook rejected", extra={"provider": provider, "reason": exc.reason})
        raise HttpError(400, f"Webhook rejected: {exc.reason}") from None
    try:
        result = services.webhook_event_receive(provider=provider, event=event)
    except services.UnknownPayment:
        logger.warning(
            "webhook rejected", extra={"provider": provider, "reason": "unknown payment"}
        )
        raise HttpError(404, "Webhook rejected: unknown payment") from None
    except services.AmountMismatch:
        logger.warning(
            "webhook rejected", extra={"provider": provider, "reason": "amount mismatch"}
        )
        raise HttpError(409, "Webhook rejected: amount mismatch") from None
    return {"result": result}
