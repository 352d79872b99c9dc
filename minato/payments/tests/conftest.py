"""Fixtures for payment tests: a submitted 粗大ごみ application with a fee, and the sandbox's
webhooks delivered in-process through the real endpoint (signature and all)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.payments.models import Payment
from minato.payments.payables import Payable, for_payer
from minato.payments.providers import sandbox
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Procedure
from minato.procedures.tests.form_factories import waste_collection_form

APPLICATION = "procedures.application"


def make_application(
    procedure: Procedure, applicant: User, *, reference: str, fee_yen: int | None, status: str
) -> Application:
    version = procedure.form_versions.order_by("-version").first() or form_publish(
        procedure=procedure, definition=waste_collection_form()
    )
    return Application.objects.create(
        procedure=procedure,
        form_version=version,
        applicant=applicant,
        department_id=procedure.department_id,
        status=status,
        reference=reference,
        fee_yen=fee_yen,
        answers={},
    )


@pytest.fixture
def sodai_application(catalogue: dict[str, Procedure], alice: User) -> Application:
    return make_application(
        catalogue["sodai"], alice, reference="SODAI234", fee_yen=1200, status="submitted"
    )


@pytest.fixture
def payable(sodai_application: Application, alice: User) -> Payable:
    found = for_payer(APPLICATION, sodai_application.reference, alice)
    assert found is not None
    return found


class WebhookLog:
    def __init__(self) -> None:
        self.responses: list[tuple[int, dict[str, Any]]] = []


@pytest.fixture
def webhooks(monkeypatch: pytest.MonkeyPatch) -> WebhookLog:
    """Send the sandbox's webhooks to the real endpoint with the test client; the worker's
    job then applies what the endpoint stored, as it would within a second."""
    from minato.payments import services

    log = WebhookLog()
    client = Client()

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        response = client.post(
            "/api/v1/payments/webhooks/sandbox",
            data=body,
            content_type="application/json",
            headers={sandbox.SIGNATURE_HEADER: headers[sandbox.SIGNATURE_HEADER]},
        )
        log.responses.append((response.status_code, response.json()))
        services.webhook_events_apply()
        return response.status_code

    monkeypatch.setattr(sandbox, "post_webhook", post)
    return log


@pytest.fixture
def pay(django_capture_on_commit_callbacks: Any, webhooks: WebhookLog) -> Callable[..., Payment]:
    """Start a payment and choose the sandbox outcome; webhooks are delivered at commit."""
    from minato.payments import services

    def run(payable: Payable, outcome: str) -> Payment:
        payment = services.payment_begin(payable=payable)
        with django_capture_on_commit_callbacks(execute=True):
            sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome=outcome)
        payment.refresh_from_db()
        return payment

    return run
