from __future__ import annotations

import json

import pytest
from django.test import Client

from minato.accounts import services as account_services
from minato.accounts.models import User
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _post(client: Client, token: str, body: dict[str, object], key: str | None = None) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/v1/notifications", data=json.dumps(body), content_type="application/json", **headers
    )


def _body(user: User) -> dict[str, object]:
    return {
        "recipient_id": str(user.public_id),
        "template_key": "general/message",
        "context": {"title": "t", "message": "m"},
        "reference": "R-1",
    }


def test_a_service_account_sends_a_notification(
    client: Client, service_token: str, alice: User
) -> None:
    response = _post(client, service_token, _body(alice))
    assert response.status_code == 201
    assert response.json()["status"] == "delivered"
    detail = client.get(
        f"/api/v1/notifications/{response.json()['id']}",
        HTTP_AUTHORIZATION=f"Bearer {service_token}",
    )
    assert detail.json()["reference"] == "R-1"


def test_a_retry_with_the_same_idempotency_key_sends_nothing_twice(
    client: Client, service_token: str, alice: User
) -> None:
    first = _post(client, service_token, _body(alice), key="k-1")
    second = _post(client, service_token, _body(alice), key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Notification.objects.filter(reference="R-1").count() == 1


def test_reusing_a_key_for_a_different_request_is_refused(
    client: Client, service_token: str, alice: User, bob: User
) -> None:
    _post(client, service_token, _body(alice), key="k-2")
    response = _post(client, service_token, _body(bob), key="k-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_failed_request_does_not_consume_its_idempotency_key(
    client: Client, service_token: str, alice: User
) -> None:
    body = {**_body(alice), "template_key": "general/unknown"}
    assert _post(client, service_token, body, key="k-3").status_code == 422
    assert _post(client, service_token, _body(alice), key="k-4").status_code == 201


def test_bad_input_gets_problem_details_and_creates_nothing(
    client: Client, service_token: str, alice: User
) -> None:
    cases = [
        {"recipient_id": "not-a-uuid", "template_key": "general/message"},
        {**_body(alice), "unexpected": 1},
        {**_body(alice), "context": {"title": "\x00"}},
    ]
    for body in cases:
        response = _post(client, service_token, body)
        assert response.status_code == 422, body
        assert response.json()["status"] == 422
    malformed = client.post(
        "/api/v1/notifications",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token}",
    )
    assert malformed.status_code in (400, 422)
    assert Notification.objects.filter(reference="R-1").count() == 0


def test_requests_without_a_valid_token_are_unauthorised(client: Client, alice: User) -> None:
    response = _post(client, "mnt_wrong", _body(alice))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(client: Client, service_token: str, alice: User) -> None:
    from minato.accounts.models import ApiToken

    account_services.api_token_revoke(api_token=ApiToken.objects.get())
    assert _post(client, service_token, _body(alice)).status_code == 401


def test_a_token_cannot_read_another_callers_notifications(
    client: Client, service_token: str, alice: User
) -> None:
    created = _post(client, service_token, _body(alice)).json()
    other_user = account_services.service_account_get_or_create(
        email="other@city.minato.example", display_name="Other"
    )
    _token, other = account_services.api_token_create(
        user=other_user, name="other", scopes=["notifications:send"]
    )
    response = client.get(
        f"/api/v1/notifications/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert response.status_code == 404


def test_account_emails_cannot_be_sent_through_the_api(
    client: Client, service_token: str, alice: User
) -> None:
    body = {
        **_body(alice),
        "template_key": "accounts/password_reset",
        "context": {"reset_url": "https://evil.example/"},
    }
    response = _post(client, service_token, body)
    assert response.status_code == 422
    assert not Notification.objects.filter(template_key="accounts/password_reset").exists()
