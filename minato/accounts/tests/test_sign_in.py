"""Signing in: limits per account (however the address is written) and per client network,
shared by both sign-in pages; every failed sign-in is audited without the address."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory

from conftest import PASSWORD
from minato.accounts.models import User
from minato.core.middleware import ip_key
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _attempt(path: str, email: str, ip: str) -> int:
    response = Client().post(path, {"email": email, "password": "not-the-password"}, REMOTE_ADDR=ip)
    return response.status_code


def test_sign_in_attempts_at_one_address_share_a_limit_however_it_is_written(
    settings: Any,
) -> None:
    settings.LOGIN_RATE = "3/m"
    spellings = [
        "Hanako@example.jp",
        "HANAKO@example.jp",
        " hanako@example.jp ",
        "ＨＡＮＡＫＯ@example.jp",
    ]
    statuses = [
        _attempt("/accounts/login/", email, f"10.0.0.{n}") for n, email in enumerate(spellings)
    ]
    assert statuses == [200, 200, 200, 429]


def test_both_sign_in_pages_count_against_the_same_limits(settings: Any) -> None:
    settings.LOGIN_RATE = "3/m"
    statuses = [
        _attempt("/accounts/login/", "hanako@example.jp", "10.0.1.1"),
        _attempt("/staff/login/", "Hanako@example.jp", "10.0.1.2"),
        _attempt("/en/accounts/login/", "hanako@example.jp", "10.0.1.3"),
        _attempt("/en/staff/login/", "hanako@example.jp", "10.0.1.4"),
    ]
    assert statuses == [200, 200, 200, 429]


def test_sign_in_attempts_from_one_ipv6_network_share_a_limit(settings: Any) -> None:
    settings.LOGIN_RATE = "3/m"
    statuses = [
        _attempt("/accounts/login/", f"person{n}@example.jp", f"2001:db8:1:2::{n:x}")
        for n in range(1, 5)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another /64 has its own counter.
    assert _attempt("/accounts/login/", "other@example.jp", "2001:db8:1:3::1") == 200


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "unknown"),
    ],
)
def test_clients_are_counted_per_ipv4_address_and_per_ipv6_64(address: str, key: str) -> None:
    assert ip_key("any", RequestFactory().get("/", REMOTE_ADDR=address)) == key


def test_a_failed_sign_in_is_audited_with_the_account_id_not_the_address(
    client: Client, alice: User
) -> None:
    client.post("/accounts/login/", {"email": "ALICE@example.jp", "password": "wrong-password"})
    event = AuditEvent.objects.get(action="accounts.sign_in_failed")
    assert (event.object_type, event.object_id) == ("accounts.user", str(alice.pk))
    assert event.changes == {"console": [None, "portal"], "reason": [None, "credentials"]}
    assert event.actor_id is None and event.actor_label == "anonymous"
    assert "alice" not in json.dumps(event.changes).lower()


def test_a_failed_sign_in_at_an_unknown_address_is_linked_by_a_keyed_hash_only(
    client: Client,
) -> None:
    client.post("/accounts/login/", {"email": "Nobody@Example.jp", "password": "wrong-password"})
    client.post("/accounts/login/", {"email": "nobody@example.jp", "password": "wrong-password"})
    first, second = AuditEvent.objects.filter(action="accounts.sign_in_failed").order_by("id")
    assert first.object_id == ""
    digest = first.changes["address_hmac"][1]
    assert len(digest) >= 32 and second.changes["address_hmac"][1] == digest
    assert "nobody" not in json.dumps(first.changes).lower()


def test_a_successful_sign_in_records_no_failure(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="accounts.sign_in_failed").exists()


def test_an_incomplete_form_is_not_a_sign_in_attempt(client: Client) -> None:
    client.post("/accounts/login/", {"email": "nobody@example.jp", "password": ""})
    assert not AuditEvent.objects.filter(action="accounts.sign_in_failed").exists()
