from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.payments.models import Payment
from minato.procedures.models import Application

pytestmark = pytest.mark.django_db
BODY = {"purpose": "procedures.application", "object_ref": "SODAI234"}


def _client(user: User, resident_client: Callable[[User], Client]) -> Client:
    client = resident_client(user)
    client.get("/")  # no CSRF enforcement in the test client; a session is enough
    return client


def test_a_resident_creates_a_payment_with_an_idempotency_key_once(
    sodai_application: Application, alice: User, resident_client: Callable[[User], Client]
) -> None:
    client = _client(alice, resident_client)
    first = client.post(
        "/api/v1/payments",
        BODY,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    again = client.post(
        "/api/v1/payments",
        BODY,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["amount_yen"] == 1200
    assert Payment.objects.count() == 1
    payment_id = first.json()["id"]
    started = client.post(f"/api/v1/payments/{payment_id}/checkout")
    assert started.status_code == 200
    assert started.json()["status"] == "started"
    assert "/payments/sandbox/" in started.json()["checkout_url"]
    assert client.get(f"/api/v1/payments/{payment_id}").json()["status"] == "started"


def test_the_amount_cannot_be_given_by_the_client(
    sodai_application: Application, alice: User, resident_client: Callable[[User], Client]
) -> None:
    response = _client(alice, resident_client).post(
        "/api/v1/payments", {**BODY, "amount_yen": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Payment.objects.exists()


def test_bob_cannot_create_or_read_alices_payment(
    sodai_application: Application,
    alice: User,
    bob: User,
    resident_client: Callable[[User], Client],
) -> None:
    created = _client(alice, resident_client).post(
        "/api/v1/payments", BODY, content_type="application/json"
    )
    client = _client(bob, resident_client)
    assert client.post("/api/v1/payments", BODY, content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/payments/{created.json()['id']}").status_code == 404


def test_the_payment_endpoints_are_in_the_openapi_document() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/payments" in paths
    assert "/api/v1/payments/{payment_id}" in paths
    assert "/api/v1/payments/webhooks/{provider}" in paths


def test_a_resident_confirms_their_email_before_paying(
    sodai_application: Application, alice: User, resident_client: Callable[[User], Client]
) -> None:
    User.objects.filter(pk=alice.pk).update(email_verified_at=None)
    client = _client(alice, resident_client)
    api = client.post("/api/v1/payments", BODY, content_type="application/json")
    assert api.status_code == 422 and "メールアドレスを確認" in api.json()["detail"]
    page = client.get("/en/payments/pay/procedures.application/SODAI234/").content.decode()
    assert "Confirm your email address before paying" in page
    client.post("/payments/pay/procedures.application/SODAI234/")
    assert not Payment.objects.exists()
