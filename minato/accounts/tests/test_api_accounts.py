from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from minato.accounts.models import User

pytestmark = pytest.mark.django_db


def test_me_returns_only_the_signed_in_residents_profile(
    resident_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    body = resident_client(bob).get("/api/v1/me").json()
    assert body["email"] == bob.email
    assert body["id"] == str(bob.public_id)
    assert alice.email not in json.dumps(body)


def test_me_update_validates_and_audits(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    client.get("/")  # obtain a CSRF cookie
    csrf = client.cookies["csrftoken"].value
    ok = client.patch(
        "/api/v1/me",
        data=json.dumps({"given_name": "花"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert ok.status_code == 200 and ok.json()["given_name"] == "花"
    bad = client.patch(
        "/api/v1/me",
        data=json.dumps({"phone": "123"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"


def test_session_writes_without_csrf_are_refused(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.patch(
        "/api/v1/me", data=json.dumps({"given_name": "x"}), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    alice.profile.refresh_from_db()
    assert alice.profile.given_name == "アリス"


def test_postal_codes_are_looked_up_from_bundled_data(client: Client) -> None:
    assert client.get("/api/v1/postal-codes/1058511").json()["town"] == "芝公園"
    assert client.get("/api/v1/postal-codes/0000000").status_code == 404


def test_lists_are_paginated_with_bounds(client: Client, departments: object) -> None:
    page = client.get("/api/v1/departments?limit=2&offset=1").json()
    assert page["count"] == 5 and len(page["items"]) == 2 and page["offset"] == 1
    assert client.get("/api/v1/departments?limit=1000").status_code == 422
    assert client.get("/api/v1/departments?offset=-1").status_code == 422


def test_audit_events_need_the_scope_or_an_admin_session(
    client: Client, service_token: str, resident_client: Callable[[User], Client], alice: User
) -> None:
    ok = client.get("/api/v1/audit-events?limit=5", HTTP_AUTHORIZATION=f"Bearer {service_token}")
    assert ok.status_code == 200 and ok.json()["count"] > 0
    assert ok.json()["items"][0]["occurred_at"].endswith("+09:00")
    assert resident_client(alice).get("/api/v1/audit-events").status_code == 403


def test_an_event_not_yet_sealed_has_no_sequence_yet(client: Client, service_token: str) -> None:
    from minato.core import audit

    audit.seal()
    audit.record(action="tests.pending", object_type="test", object_id="1")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {service_token}"}
    pending = client.get("/api/v1/audit-events?action=tests.pending", **headers).json()
    assert pending["items"][0]["sealed"] is False and pending["items"][0]["sequence"] is None
    audit.seal()
    sealed = client.get("/api/v1/audit-events?action=tests.pending", **headers).json()
    assert sealed["items"][0]["sealed"] is True and sealed["items"][0]["sequence"] > 0


def test_openapi_documents_problem_json_errors(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    response_422 = schema["paths"]["/api/v1/notifications"]["post"]["responses"]["422"]
    assert "application/problem+json" in response_422["content"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_resident_cannot_reach_another_residents_data_by_id(
    resident_client: Callable[[User], Client], alice: User, bob: User, service_token: str
) -> None:
    client = resident_client(bob)
    # The staff look-up is closed to residents, whatever the id.
    assert client.get(f"/staff/residents/{alice.public_id}/").status_code == 302
    # Notifications are read by the service that sent them, never by a session.
    sent = (
        Client()
        .post(
            "/api/v1/notifications",
            data=json.dumps(
                {
                    "recipient_id": str(alice.public_id),
                    "template_key": "general/message",
                    "context": {"title": "t", "message": "m"},
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {service_token}",
        )
        .json()
    )
    assert client.get(f"/api/v1/notifications/{sent['id']}").status_code == 401
    assert alice.email not in client.get("/api/v1/me").content.decode()
    assert alice.email not in client.get("/accounts/messages/").content.decode()
