"""The webhook endpoint: what it refuses, and that any order of events ends right."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from minato.core.models import AuditEvent
from minato.payments import services
from minato.payments.models import Payment, ProviderEvent
from minato.payments.payables import Payable
from minato.payments.providers import sandbox

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/webhooks/sandbox"


def _event(payment: Payment, event_type: str, *, amount: int | None = None, **data: Any) -> dict:
    return {
        "id": data.pop("id", f"evt_{event_type}_{payment.pk}"),
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "checkout_id": payment.provider_reference,
            "amount_yen": payment.amount_yen if amount is None else amount,
            "transaction_id": f"sbx_pi_{payment.pk}",
            "decline_code": "card_declined" if event_type == "payment.declined" else "",
            **data,
        },
    }


def _post(body: dict, *, secret: str = "", timestamp: int | None = None) -> Any:
    raw = json.dumps(body).encode()
    header = sandbox.sign(
        secret or settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET, timestamp or int(time.time()), raw
    )
    return Client().post(
        URL,
        data=raw,
        content_type="application/json",
        headers={sandbox.SIGNATURE_HEADER: header},
    )


@pytest.fixture
def started(payable: Payable) -> Payment:
    return services.payment_begin(payable=payable)


def _unchanged(payment: Payment) -> None:
    before = AuditEvent.objects.count()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.STARTED
    assert not ProviderEvent.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_webhook_with_a_bad_signature_is_rejected_and_changes_nothing(started: Payment) -> None:
    response = _post(_event(started, "payment.succeeded"), secret="not-the-secret")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "bad signature" in response.json()["detail"]
    _unchanged(started)


def test_a_webhook_with_a_stale_timestamp_is_rejected(started: Payment) -> None:
    response = _post(_event(started, "payment.succeeded"), timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert "stale timestamp" in response.json()["detail"]
    _unchanged(started)


def test_a_webhook_without_a_signature_is_rejected(started: Payment) -> None:
    response = Client().post(URL, data=b"{}", content_type="application/json")
    assert response.status_code == 400
    _unchanged(started)


def test_a_webhook_for_an_unknown_payment_is_rejected(started: Payment) -> None:
    response = _post(_event(started, "payment.succeeded", checkout_id="sbx_cs_nobody"))
    assert response.status_code == 404
    _unchanged(started)


def test_a_webhook_with_a_different_amount_is_rejected(started: Payment) -> None:
    response = _post(_event(started, "payment.succeeded", amount=1))
    assert response.status_code == 409
    _unchanged(started)


def test_a_webhook_for_an_unknown_provider_is_404() -> None:
    assert (
        Client()
        .post("/api/v1/payments/webhooks/paypal", data=b"{}", content_type="application/json")
        .status_code
        == 404
    )


def test_a_duplicate_webhook_is_recognised_and_applied_once(started: Payment) -> None:
    event = _event(started, "payment.succeeded")
    assert _post(event).json() == {"result": "applied"}
    assert _post(event).json() == {"result": "duplicate"}
    started.refresh_from_db()
    assert started.status == Payment.Status.SUCCEEDED
    assert (
        AuditEvent.objects.filter(
            action="payments.payment_succeeded", object_id=str(started.pk)
        ).count()
        == 1
    )


FINAL_OF = {"success": "succeeded", "decline": "failed", "abandon": "expired"}
EVENTS_OF = {
    "success": ["checkout.processing", "checkout.challenge_required", "payment.succeeded"],
    "decline": ["checkout.processing", "payment.declined"],
    "abandon": ["checkout.expired"],
}


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    outcome=st.sampled_from(sorted(FINAL_OF)),
    data=st.data(),
)
def test_duplicated_and_out_of_order_events_end_in_the_right_state(
    payable: Payable, outcome: str, data: st.DataObject
) -> None:
    # given a started payment (each example starts from a fresh one)
    Payment.objects.exclude(status="cancelled").update(status="cancelled")
    payment = services.payment_begin(payable=payable)
    types = EVENTS_OF[outcome]
    # when its events arrive in any order, each any number of times (1–3)
    sent = [t for t in types for _ in range(data.draw(st.integers(1, 3)))]
    order = data.draw(st.permutations(sent))
    for event_type in order:
        response = _post(_event(payment, event_type, id=f"evt_{payment.pk}_{event_type}"))
        assert response.status_code == 200
    # then it ends in the one final state, applied once
    payment.refresh_from_db()
    assert payment.status == FINAL_OF[outcome]
    assert (
        AuditEvent.objects.filter(
            action=f"payments.payment_{FINAL_OF[outcome]}", object_id=str(payment.pk)
        ).count()
        == 1
    )


def test_sandbox_webhooks_are_refused_when_the_sandbox_is_turned_off(
    started: Payment, settings: Any
) -> None:
    settings.PAYMENTS_SANDBOX_ENABLED = False
    assert _post(_event(started, "payment.succeeded")).status_code == 400
    _unchanged(started)
