"""Answers that may hold personal data are never stored by a browser or a shared cache:
every response to a signed-in session or to a bearer token is ``private, no-store``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from minato.accounts.models import User

pytestmark = pytest.mark.django_db


def _cache_control(response: object) -> set[str]:
    header = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    return {part.strip() for part in header.split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/profile/", "/en/accounts/messages/", "/"])
def test_pages_for_a_signed_in_resident_are_never_stored(
    resident_client: Callable[[User], Client], alice: User, path: str
) -> None:
    response = resident_client(alice).get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)
    assert "public" not in _cache_control(response)


def test_console_pages_are_never_stored(
    staff_client: Callable[[User], Client], charlie: User, alice: User
) -> None:
    response = staff_client(charlie).get(f"/staff/residents/{alice.public_id}/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_error_pages_for_a_signed_in_visitor_are_never_stored(
    staff_client: Callable[[User], Client], charlie: User
) -> None:
    response = staff_client(charlie).get("/staff/audit/")
    assert response.status_code == 403
    assert "no-store" in _cache_control(response)


def test_api_answers_to_a_session_are_never_stored(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    response = resident_client(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_api_answers_to_a_bearer_token_are_never_stored(client: Client, service_token: str) -> None:
    response = client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {service_token}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)
    refused = client.get("/api/v1/audit-events", HTTP_AUTHORIZATION="Bearer mnt_wrong")
    assert "no-store" in _cache_control(refused)


def test_public_pages_for_anonymous_visitors_keep_their_cache_headers(client: Client) -> None:
    for _ in range(2):  # rendered, then served from the page cache
        response = client.get("/en/")
        assert response.status_code == 200
        assert "no-store" not in _cache_control(response)
    assert "no-store" not in _cache_control(client.get("/api/v1/departments"))


def test_a_page_opened_through_a_secret_link_is_never_stored(client: Client) -> None:
    # Not signed in, but the page is one person's: it shows the address the link was sent to.
    import re

    from django.core import mail

    client.post("/procedures/guest/", {"email": "guest@example.jp"})
    found = re.search(r"https?://[^/\s]+(/procedures/guest/[^\s/]+/)", mail.outbox[-1].body)
    assert found is not None
    response = client.get(found.group(1))
    assert response.status_code == 200
    assert "guest@example.jp" in response.content.decode()
    assert {"private", "no-store"} <= _cache_control(response)
