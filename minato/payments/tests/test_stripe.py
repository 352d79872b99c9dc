"""The Stripe adapter, through the official library, against a stub of the Stripe API on
127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe
from django.test import Client
from django.utils import timezone

from minato.payments import reconciliation, services
from minato.payments.models import Payment
from minato.payments.payables import Payable
from minato.payments.providers.base import ProviderError

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_test_secret"
IDEMPOTENCY_ERROR = {
    "error": {
        "type": "idempotency_error",
        "message": "Keys for idempotent requests can only be used with the same parameters",
    }
}


def _methods(form: dict[str, list[str]]) -> list[str]:
    """Stripe's form encoding of a list: payment_method_types[0]=card&…[1]=konbini."""
    return [
        form[f"payment_method_types[{i}]"][0]
        for i in range(len(form))
        if f"payment_method_types[{i}]" in form
    ]


class StripeStub:
    """Answers the Stripe API calls the adapter makes, and records them."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}  # by idempotency key
        self.checkout_keys: dict[str, dict[str, list[str]]] = {}  # key → first parameters
        # Answers to force, by path; for "/v1/refunds" the refund is made and the answer lost.
        self.fail: dict[str, tuple[int, dict[str, Any]]] = {}
        self.requests: list[tuple[str, str, dict[str, list[str]], dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                path = urlsplit(self.path).path
                stub.requests.append(("POST", path, form, dict(self.headers)))
                key = self.headers.get("Idempotency-Key", "")
                if path == "/v1/checkout/sessions":
                    first = stub.checkout_keys.setdefault(key, form)
                    if first != form:
                        self._send(400, IDEMPOTENCY_ERROR)
                        return
                if path in stub.fail and path != "/v1/refunds":
                    self._send(*stub.fail[path])
                elif path == "/v1/checkout/sessions":
                    session_id = f"cs_test_{len(stub.sessions) + 1}"
                    session = {
                        "id": session_id,
                        "object": "checkout.session",
                        "url": f"https://checkout.stripe.test/{session_id}",
                        "status": "open",
                        "payment_status": "unpaid",
                        "amount_total": int(form["line_items[0][price_data][unit_amount]"][0]),
                        "currency": "jpy",
                        "payment_intent": None,
                        "payment_method_types": _methods(form),
                    }
                    stub.sessions[session_id] = session
                    self._send(200, session)
                elif path == "/v1/refunds":
                    refund = stub.refunds.setdefault(
                        key,
                        {
                            "id": f"re_test_{len(stub.refunds) + 1}",
                            "object": "refund",
                            "status": "succeeded",
                            "amount": int(form["amount"][0]),
                            "payment_intent": form["payment_intent"][0],
                            "metadata": {"refund": form.get("metadata[refund]", [""])[0]},
                        },
                    )
                    self._send(*stub.fail.get(path, (200, refund)))
                else:
                    self._send(404, {"error": {"message": "no such path", "type": "invalid"}})

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                stub.requests.append(("GET", path, {}, dict(self.headers)))
                if path.startswith("/v1/checkout/sessions/"):
                    session = stub.sessions.get(path.rsplit("/", 1)[1])
                    if session is None:
                        self._send(404, {"error": {"message": "missing", "type": "invalid"}})
                    else:
                        self._send(200, session)
                elif path == "/v1/refunds":
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": list(stub.refunds.values()),
                            "has_more": False,
                            "url": "/v1/refunds",
                        },
                    )
                elif path == "/v1/balance_transactions":
                    data = [
                        {
                            "id": f"txn_{s['id']}",
                            "object": "balance_transaction",
                            "type": "charge",
                            "amount": s["amount_total"],
                            "created": int(time.time()),
                            "source": {
                                "id": "ch_1",
                                "object": "charge",
                                "payment_intent": s["payment_intent"],
                            },
                        }
                        for s in stub.sessions.values()
                        if s["payment_status"] == "paid"
                    ]
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": data,
                            "has_more": False,
                            "url": "/v1/balance_transactions",
                        },
                    )
                else:
                    self._send(404, {"error": {"message": "no such path", "type": "invalid"}})

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pay(self, session_id: str) -> None:
        self.sessions[session_id].update(
            status="complete", payment_status="paid", payment_intent="pi_test_1"
        )


@pytest.fixture
def stub(settings: Any) -> Iterator[StripeStub]:
    server = StripeStub()
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.PAYMENTS_STRIPE_SECRET_KEY = "sk_test_local"
    settings.PAYMENTS_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_STRIPE_API_BASE = server.url
    yield server
    server.server.shutdown()


def test_a_checkout_session_is_created_in_yen_with_japanese_methods(
    stub: StripeStub, payable: Payable
) -> None:
    payment = services.payment_begin(payable=payable)
    assert payment.provider == "stripe"
    assert payment.provider_reference == "cs_test_1"
    assert payment.checkout_url == "https://checkout.stripe.test/cs_test_1"
    method, path, form, headers = stub.requests[0]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert form["currency"] == ["jpy"]
    assert form["line_items[0][price_data][unit_amount]"] == ["1200"]
    assert _methods(form) == ["card", "konbini", "paypay"]
    assert form["client_reference_id"] == [payment.reference]
    assert headers["Idempotency-Key"] == f"minato-checkout-{payment.public_id}"


def test_the_return_page_asks_stripe_and_refunds_go_to_stripe(
    stub: StripeStub, payable: Payable, departments: dict[str, Any]
) -> None:
    from conftest import _staff

    payment = services.payment_begin(payable=payable)
    assert services.payment_refresh(payment=payment).status == "started"
    stub.pay("cs_test_1")
    payment = services.payment_refresh(payment=payment)
    assert (payment.status, payment.provider_transaction_id) == ("succeeded", "pi_test_1")
    boss = _staff("boss@city.minato.example", departments["kankyo"], "supervisor")
    refund = services.refund_request(
        payment=payment, amount_yen=1200, reason="取消", staff=boss, request_key="r1"
    )
    assert (refund.status, refund.provider_reference) == ("succeeded", "re_test_1")
    report = reconciliation.settlement_report(day=timezone.localdate())
    stripe_rows = [row for row in report.rows if row.provider == "stripe" and row.kind == "payment"]
    assert [(row.reference, row.flag) for row in stripe_rows] == [(payment.reference, "")]


def _signed(payload: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None) -> Any:
    body = json.dumps(payload)
    timestamp = at or int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret)
    return Client().post(
        "/api/v1/payments/webhooks/stripe",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": f"t={timestamp},v1={signature}"},
    )


def _completed(session_id: str, amount: int) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "status": "complete",
                "payment_status": "paid",
                "amount_total": amount,
                "payment_intent": "pi_test_1",
                "payment_method_types": ["card"],
            }
        },
    }


def test_a_signed_stripe_webhook_completes_the_payment(stub: StripeStub, payable: Payable) -> None:
    payment = services.payment_begin(payable=payable)
    response = _signed(_completed(payment.provider_reference, 1200))
    assert response.json() == {"result": "accepted"}
    assert services.webhook_events_apply() == 1
    payment.refresh_from_db()
    assert (payment.status, payment.method) == ("succeeded", "card")


def test_stripe_webhooks_with_a_bad_signature_stale_time_or_wrong_amount_change_nothing(
    stub: StripeStub, payable: Payable
) -> None:
    payment = services.payment_begin(payable=payable)
    event = _completed(payment.provider_reference, 1200)
    assert _signed(event, secret="whsec_wrong").status_code == 400
    assert _signed(event, at=int(time.time()) - 3600).status_code == 400
    assert _signed(_completed(payment.provider_reference, 100)).status_code == 409
    assert services.webhook_events_apply() == 0  # nothing was stored
    payment.refresh_from_db()
    assert payment.status == Payment.Status.STARTED


@pytest.fixture
def stripe_paid(stub: StripeStub, payable: Payable) -> Payment:
    payment = services.payment_begin(payable=payable)
    stub.pay(payment.provider_reference)
    return services.payment_refresh(payment=payment)


@pytest.fixture
def boss(departments: dict[str, Any]) -> Any:
    from conftest import _staff

    return _staff("boss@city.minato.example", departments["kankyo"], "supervisor")


LOST = (500, {"error": {"type": "api_error", "message": "upstream timeout"}})


def test_a_refund_whose_answer_is_lost_stays_pending_and_cannot_be_made_twice(
    stub: StripeStub, stripe_paid: Payment, boss: Any
) -> None:
    stub.fail["/v1/refunds"] = LOST
    refund = services.refund_request(
        payment=stripe_paid, amount_yen=1200, reason="取消", staff=boss, request_key="r1"
    )
    assert (refund.status, refund.provider_reference) == ("pending", "")
    assert services.refundable_yen(stripe_paid) == 0
    with pytest.raises(services.PaymentError):
        services.refund_request(
            payment=stripe_paid, amount_yen=1200, reason="again", staff=boss, request_key="r2"
        )
    sent = [r for r in stub.requests if r[1] == "/v1/refunds"]
    assert {r[3]["Idempotency-Key"] for r in sent} == {f"minato-refund-{refund.public_id}"}
    assert sent[0][2]["metadata[refund]"] == [str(refund.public_id)]


def test_the_webhook_of_a_refund_whose_answer_was_lost_settles_it(
    stub: StripeStub, stripe_paid: Payment, boss: Any
) -> None:
    stub.fail["/v1/refunds"] = LOST
    refund = services.refund_request(
        payment=stripe_paid, amount_yen=1200, reason="取消", staff=boss, request_key="r1"
    )
    made = next(iter(stub.refunds.values()))
    event = {"id": "evt_r1", "object": "event", "type": "refund.updated", "data": {"object": made}}
    assert _signed(event).json() == {"result": "accepted"}
    assert services.webhook_events_apply() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference) == ("succeeded", made["id"])
    # its audit event names the webhook request that delivered it
    from minato.core.models import AuditEvent
    from minato.payments.models import ProviderEvent

    audited = AuditEvent.objects.get(action="payments.refund_succeeded", object_id=str(refund.pk))
    assert audited.request_id == ProviderEvent.objects.get(event_id="evt_r1").request_id != ""


def test_the_sweep_asks_stripe_about_a_refund_whose_answer_was_lost(
    stub: StripeStub, stripe_paid: Payment, boss: Any, settings: Any
) -> None:
    stub.fail["/v1/refunds"] = LOST
    refund = services.refund_request(
        payment=stripe_paid, amount_yen=500, reason="一部", staff=boss, request_key="r1"
    )
    settings.PAYMENTS_STUCK_AFTER_MINUTES = 0
    assert services.refunds_sweep_pending() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference) == ("succeeded", "re_test_1")
    assert len(stub.refunds) == 1


def test_a_refund_stripe_refuses_fails_and_frees_the_amount(
    stub: StripeStub, stripe_paid: Payment, boss: Any
) -> None:
    stub.fail["/v1/refunds"] = (
        400,
        {"error": {"type": "invalid_request_error", "message": "charge_already_refunded"}},
    )
    refund = services.refund_request(
        payment=stripe_paid, amount_yen=1200, reason="取消", staff=boss, request_key="r1"
    )
    assert refund.status == "failed"
    assert services.refundable_yen(stripe_paid) == 1200


def test_a_checkout_stripe_did_not_open_is_retried_as_a_new_payment_with_a_new_key(
    stub: StripeStub, payable: Payable
) -> None:
    stub.fail["/v1/checkout/sessions"] = LOST
    with pytest.raises(ProviderError):
        services.payment_begin(payable=payable, language="ja")
    first = Payment.objects.get()
    assert (first.status, first.failure_reason) == ("cancelled", "checkout_failed")
    del stub.fail["/v1/checkout/sessions"]
    payment = services.payment_begin(payable=payable, language="en")
    assert (payment.status, payment.provider_reference) == ("started", "cs_test_1")
    assert payment.pk != first.pk
