"""The webhook endpoint: what it refuses, and that any order of events ends right."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
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


def _started_payments(catalogue: dict[str, Any], alice: Any, prefix: str, count: int) -> list:
    """``count`` started payments, each for its own submitted 粗大ごみ application."""
    from minato.payments.payables import for_payer
    from minato.payments.tests.conftest import make_application

    payments = []
    for n in range(count):
        reference = f"{prefix}{n:02d}"
        make_application(
            catalogue["sodai"], alice, reference=reference, fee_yen=400, status="submitted"
        )
        payable = for_payer("procedures.application", reference, alice)
        assert payable is not None
        payments.append(services.payment_begin(payable=payable))
    return payments


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


def test_an_accepted_webhook_is_stored_and_applied_by_the_worker(started: Payment) -> None:
    # the endpoint answers at once; the payment changes when the worker applies the event
    assert _post(_event(started, "payment.succeeded")).json() == {"result": "accepted"}
    started.refresh_from_db()
    assert started.status == Payment.Status.STARTED
    stored = ProviderEvent.objects.get()
    assert (stored.outcome, stored.payment_id) == ("pending", started.pk)
    assert services.webhook_events_apply() == 1
    started.refresh_from_db()
    stored.refresh_from_db()
    assert started.status == Payment.Status.SUCCEEDED
    assert stored.outcome == "applied" and stored.applied_at is not None
    assert services.webhook_events_apply() == 0  # nothing left waiting


def test_a_duplicate_webhook_is_recognised_and_applied_once(started: Payment) -> None:
    event = _event(started, "payment.succeeded")
    assert _post(event).json() == {"result": "accepted"}
    assert _post(event).json() == {"result": "duplicate"}
    services.webhook_events_apply()
    assert _post(event).json() == {"result": "duplicate"}  # also once it has been applied
    services.webhook_events_apply()
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
    # and the worker applies them in batches of any size (each batch one transaction)
    batch_size = data.draw(st.integers(1, 4))
    for event_type in order:
        response = _post(_event(payment, event_type, id=f"evt_{payment.pk}_{event_type}"))
        assert response.status_code == 200
        if data.draw(st.booleans()):
            services.webhook_events_apply(batch_size=batch_size)
    services.webhook_events_apply(batch_size=batch_size)
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


def test_a_refund_event_for_an_unknown_refund_is_rejected(started: Payment) -> None:
    event = _event(started, "refund.succeeded", refund_id="sbx_re_nobody", refund_amount_yen=1)
    assert _post(event).status_code == 404
    _unchanged(started)


def test_a_stored_event_that_can_no_longer_be_applied_is_marked_rejected(
    started: Payment,
) -> None:
    assert _post(_event(started, "payment.succeeded")).json() == {"result": "accepted"}
    ProviderEvent.objects.update(payment=None)  # as if the payment had gone meanwhile
    assert services.webhook_events_apply() == 1
    stored = ProviderEvent.objects.get()
    assert stored.outcome == ProviderEvent.Outcome.REJECTED and stored.error
    started.refresh_from_db()
    assert started.status == Payment.Status.STARTED


def test_a_batch_applies_many_payments_in_a_few_statements(
    catalogue: dict[str, Any], alice: Any
) -> None:
    from django.test.utils import CaptureQueriesContext

    payments = _started_payments(catalogue, alice, "BATCH0", 6)
    for payment in payments:
        assert _post(_event(payment, "payment.succeeded")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert services.webhook_events_apply(batch_size=10) == 6
    # anything waiting?, events, payments, the payments' update, their audit events, the
    # notifications and their audit events, the events' update: the same count for 6 events
    # as for 600 (the tests' task backend then delivers each message at once, not counted)
    ours = [
        q["sql"]
        for q in queries
        if '"payments_' in q["sql"]
        or "payments.payment_" in q["sql"]
        or "notifications.queued" in q["sql"]
        or '"notifications_notification" ("' in q["sql"]
    ]
    assert 6 <= len(ours) <= 8, ours
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED and payment.version == 3
    assert AuditEvent.objects.filter(action="payments.payment_succeeded").count() == len(payments)


def test_the_worker_runs_the_configured_periodic_jobs(settings: Any) -> None:
    import threading

    from minato.core import periodic

    assert "minato.payments.services.webhook_events_apply" in settings.PERIODIC_JOBS
    settings.PERIODIC_JOBS = {
        "minato.payments.services.webhook_events_apply": 0.5,
        "minato.core.audit.seal_waiting": 0,  # turned off
    }
    jobs = periodic.configured_jobs()
    assert [(name, interval) for name, _job, interval in jobs] == [
        ("minato.payments.services.webhook_events_apply", 0.5)
    ]
    # a failing round is logged and the loop goes on until told to stop
    stop = threading.Event()
    calls: list[int] = []

    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database restarting")
        if len(calls) == 3:
            stop.set()
        return 2

    assert periodic.run_every("flaky", flaky, 0, stop) == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent workers (row and advisory locks)",
)
def test_two_workers_applying_at_once_apply_each_payment_once(
    catalogue: dict[str, Any], alice: Any
) -> None:
    import threading

    from django.db import connections

    payments = _started_payments(catalogue, alice, "RACE0", 12)
    # each payment gets its success twice under different event ids, and a decline after it
    for payment in payments:
        for event in (
            _event(payment, "payment.succeeded", id=f"a_{payment.pk}"),
            _event(payment, "payment.succeeded", id=f"b_{payment.pk}"),
            _event(payment, "payment.declined", id=f"c_{payment.pk}"),
        ):
            assert _post(event).status_code == 200
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            while services.webhook_events_apply(batch_size=5):
                pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not ProviderEvent.objects.filter(outcome="pending").exists()
    # one worker applied at a time, in arrival order: each success first, then the decline
    # that contradicts it
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED
    assert AuditEvent.objects.filter(action="payments.payment_succeeded").count() == 12
    outcomes = sorted(ProviderEvent.objects.values_list("outcome", flat=True))
    assert outcomes.count("applied") == 12 and outcomes.count("conflict") == 12


def test_an_event_that_breaks_its_batch_is_retried_alone_then_rejected_without_blocking_others(
    catalogue: dict[str, Any], alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    payments = _started_payments(catalogue, alice, "POISON", 3)
    for payment in payments:
        assert _post(_event(payment, "payment.succeeded")).status_code == 200
    poison = payments[1]
    real = services._state_change

    def broken(current: Payment, state: Any) -> Any:
        if current.pk == poison.pk:
            raise RuntimeError("a bug")
        return real(current, state)

    monkeypatch.setattr(services, "_state_change", broken)
    # the batch fails; its events are applied one by one, the broken one is counted
    assert services.webhook_events_apply() == 2
    statuses = []
    for payment in payments:
        payment.refresh_from_db()
        statuses.append(payment.status)
    assert statuses == ["succeeded", "started", "succeeded"]
    stored = ProviderEvent.objects.get(payment=poison)
    assert (stored.outcome, stored.attempts) == ("pending", 1)
    assert stored.error == "RuntimeError (attempt 1)"
    # failing round after round, it stays waiting while it is young (a deploy may fix it)
    for _ in range(services.MAX_EVENT_ATTEMPTS):
        services.webhook_events_apply()
    stored.refresh_from_db()
    assert (stored.outcome, stored.attempts) == ("pending", services.MAX_EVENT_ATTEMPTS + 1)
    # once it is old as well, it is rejected, and the queue is empty
    ProviderEvent.objects.filter(pk=stored.pk).update(
        created_at=stored.created_at - services.EVENT_GIVE_UP_AFTER
    )
    services.webhook_events_apply()
    stored.refresh_from_db()
    assert (stored.outcome, stored.attempts) == ("rejected", services.MAX_EVENT_ATTEMPTS + 2)
    assert services.webhook_events_apply() == 0


def test_a_database_error_while_applying_is_not_counted_against_the_event(
    started: Payment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    _post(_event(started, "payment.succeeded"))

    def lost(current: Payment, state: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_state_change", lost)
    services.webhook_events_apply()
    stored = ProviderEvent.objects.get()
    assert (stored.outcome, stored.attempts) == ("pending", 0)


def test_the_audit_event_of_an_applied_webhook_names_the_request_that_delivered_it(
    started: Payment,
) -> None:
    _post(_event(started, "payment.succeeded"))
    stored = ProviderEvent.objects.get()
    assert stored.request_id
    services.webhook_events_apply()
    event = AuditEvent.objects.get(action="payments.payment_succeeded", object_id=str(started.pk))
    assert event.request_id == stored.request_id


def test_readyz_fails_while_stored_events_wait_too_long(started: Payment, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from minato.core.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w", hostname="h", pid=1, started_at=now, last_seen_at=now
    )
    assert Client().get("/readyz").json()["checks"]["payment_events"] == {"ok": True, "pending": 0}
    _post(_event(started, "payment.succeeded"))
    assert Client().get("/readyz").status_code == 200  # just stored: the worker has time
    ProviderEvent.objects.update(created_at=now - timedelta(minutes=10))  # nobody applied it
    response = Client().get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["payment_events"]
    assert (check["ok"], check["pending"]) == (False, 1) and check["oldest_age_seconds"] >= 600
    services.webhook_events_apply()
    assert Client().get("/readyz").status_code == 200
