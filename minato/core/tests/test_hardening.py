"""Regression tests for the review of the foundation: bad input never answers 500, client
addresses cannot be forged, the audit chain survives every JSON value."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory, override_settings

from minato.accounts.models import User
from minato.core import audit
from minato.core.middleware import client_ip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31", "action=%00"])
def test_audit_filters_reject_extreme_or_unstorable_values(
    client: Client, service_token: str, query: str
) -> None:
    response = client.get(
        f"/api/v1/audit-events?{query}", HTTP_AUTHORIZATION=f"Bearer {service_token}"
    )
    assert response.status_code in (400, 422)


def test_console_audit_filter_rejects_dates_out_of_range(
    staff_client: Callable[[User], Client], sam: User
) -> None:
    page = staff_client(sam).get("/staff/audit/?date_from=0001-01-01&date_to=9999-12-31")
    assert page.status_code == 200
    assert {"date_from", "date_to"} <= set(page.context["form"].errors)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_api_bodies_over_the_parse_limit_get_413(client: Client, service_token: str) -> None:
    body = json.dumps(
        {"recipient_id": "x", "template_key": "general/message", "context": {"message": "x" * 5000}}
    )
    response = client.post(
        "/api/v1/notifications",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token}",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary="],
)
def test_a_malformed_multipart_body_is_a_400_problem_not_a_500(
    client: Client, alice: User, catalogue: dict[str, object], content_type: str
) -> None:
    client.force_login(alice)
    response = client.generic(
        "POST",
        "/api/v1/procedures/sodai-gomi/attachments?question=photo",
        b"--b\r\ngarbage",
        content_type=content_type,
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "boundary" in response.json()["detail"]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_comes_from_the_trusted_proxy_not_the_client() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="x" * 80)
    assert client_ip(forged) == ""


def test_without_proxies_forwarded_headers_are_ignored() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "198.51.100.9"


def test_a_bearer_header_does_not_lift_the_limit_on_portal_forms(client: Client) -> None:
    with override_settings(ANONYMOUS_POST_RATE="2/m"):
        statuses = [
            client.post(
                "/accounts/login/",
                {"email": "a@example.jp", "password": "x"},
                REMOTE_ADDR="10.8.8.8",
                HTTP_AUTHORIZATION="Bearer junk",
            ).status_code
            for _ in range(3)
        ]
    assert statuses[-1] == 429


def test_floats_in_audit_changes_keep_the_chain_valid() -> None:
    audit.record(action="test.float", object_type="t", changes={"ratio": [0.1, 1e16]})
    assert audit.seal() == 1
    assert list(audit.verify_chain()) == []


def test_nul_in_the_query_string_is_refused(client: Client) -> None:
    assert client.get("/procedures/?q=%00").status_code == 400
