"""Subscribing a browser to Web Push from the preferences page: the services, the JSON
endpoints the page's script posts to (residents only, CSRF-protected, problems for bad
input), the service worker at /sw.js, and a message reaching a browser subscribed that way."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from py_vapid.utils import b64urlencode

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.notifications import services
from minato.notifications.models import Notification, PushSubscription
from minato.notifications.push_subscriptions import (
    MAX_BROWSERS_PER_RESIDENT,
    push_subscribe,
    push_unsubscribe,
)
from minato.notifications.tests.test_push import PushService, push_service  # noqa: F401

pytestmark = pytest.mark.django_db
ENDPOINT = "https://push.example.test/send/browser-1"
SUBSCRIBE = "/notifications/push/subscribe/"
UNSUBSCRIBE = "/notifications/push/unsubscribe/"


def _keys() -> dict[str, str]:
    """A browser's keys as PushSubscription.toJSON() gives them."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64urlencode(point), "auth": b64urlencode(os.urandom(16))}


def _subscription(endpoint: str = ENDPOINT) -> dict[str, Any]:
    return {"endpoint": endpoint, "expirationTime": None, "keys": _keys()}


@pytest.fixture
def push_on(settings: Any) -> None:
    settings.WEBPUSH_VAPID_PUBLIC_KEY = "BPublicKeyForTheTestsOnly"
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "private-key-for-the-tests-only"


def _post(client: Client, path: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **extra)


# The services ---------------------------------------------------------------------------


def test_subscribing_stores_the_browser_and_audits_without_the_endpoint(alice: User) -> None:
    keys = _keys()
    subscription = push_subscribe(user=alice, endpoint=ENDPOINT, **keys)
    assert subscription.user == alice and subscription.p256dh == keys["p256dh"]
    event = AuditEvent.objects.get(action="notifications.push_subscribed")
    assert event.subject_id == alice.pk and event.object_id == str(subscription.pk)
    assert event.changes == {"push_subscription": [None, True]}
    assert "push.example.test" not in json.dumps(event.changes)


def test_subscribing_the_same_browser_again_changes_nothing_and_audits_nothing(
    alice: User,
) -> None:
    keys = _keys()
    push_subscribe(user=alice, endpoint=ENDPOINT, **keys)
    push_subscribe(user=alice, endpoint=ENDPOINT, **keys)
    assert PushSubscription.objects.count() == 1
    assert AuditEvent.objects.filter(action="notifications.push_subscribed").count() == 1


def test_new_keys_for_a_known_browser_replace_the_old_ones_and_are_not_audited_in_clear(
    alice: User,
) -> None:
    push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    keys = _keys()
    push_subscribe(user=alice, endpoint=ENDPOINT, **keys)
    assert PushSubscription.objects.get().p256dh == keys["p256dh"]
    events = AuditEvent.objects.filter(action="notifications.push_subscribed").order_by("pk")
    assert events.count() == 2
    redacted = ["[redacted]", "[redacted]"]
    assert events.last().changes == {"p256dh": redacted, "auth": redacted}  # type: ignore[union-attr]


def test_a_browser_subscribed_for_another_resident_moves_to_the_one_now_signed_in(
    alice: User, bob: User
) -> None:
    push_subscribe(user=bob, endpoint=ENDPOINT, **_keys())
    push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    assert PushSubscription.objects.get().user == alice
    dropped = AuditEvent.objects.get(action="notifications.push_unsubscribed")
    assert dropped.subject_id == bob.pk
    moved = AuditEvent.objects.get(action="notifications.push_subscribed", subject_id=alice.pk)
    assert moved.changes["user"] == [bob.pk, alice.pk]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.test/send/1",  # not https
        "ftp://push.example.test/send/1",
        "https:///no-host",
        "https://user:secret@push.example.test/send/1",
        "https://push.example.test:99999/send/1",
        "https://10.0.0.5/send/1",  # the platform's own network
        "https://169.254.169.254/latest/meta-data",
        "https://127.1/send/1",  # loopback in disguise
        "https://2130706433/send/1",
        "https://0x7f.0x1/send/1",
        "http://127.0.0.1:8000/admin",  # loopback, outside development and these tests
        "https://push.example.test/" + "a" * 1000,
        "not a url",
        "https://push.example.test/send/1\nX-Injected: 1",
        "",
    ],
)
def test_an_endpoint_that_is_not_a_push_service_on_the_internet_is_refused(
    alice: User, endpoint: str
) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        push_subscribe(user=alice, endpoint=endpoint, **_keys())
    assert not PushSubscription.objects.exists()


def test_an_endpoint_on_loopback_is_accepted_where_allowed(alice: User, settings: Any) -> None:
    settings.WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS = True
    push_subscribe(user=alice, endpoint="http://127.0.0.1:8123/push/1", **_keys())
    push_subscribe(user=alice, endpoint="http://localhost:8123/push/2", **_keys())
    assert PushSubscription.objects.count() == 2


@pytest.mark.parametrize(
    ("p256dh", "auth", "problem"),
    [
        ("not base64!", None, "p256dh must be base64url"),
        (b64urlencode(b"\x04" + b"\x00" * 63), None, "p256dh must be 65 bytes"),
        (b64urlencode(b"\x04" + b"\x01" * 64), None, "P-256 public key"),  # not on the curve
        (None, b64urlencode(b"\x01" * 8), "auth must be 16 bytes"),
        (None, "a/b+c", "auth must be base64url"),
        (None, "=", "auth must be base64url"),
        (None, "AAAAAAAAAAAAAAAAAAAAAA\n", "auth must be base64url"),
    ],
)
def test_keys_that_are_not_a_p256_public_key_and_a_16_byte_secret_are_refused(
    alice: User, p256dh: str | None, auth: str | None, problem: str
) -> None:
    keys = _keys()
    with pytest.raises(ValueError, match=problem):
        push_subscribe(
            user=alice,
            endpoint=ENDPOINT,
            p256dh=p256dh or keys["p256dh"],
            auth=auth or keys["auth"],
        )
    assert not PushSubscription.objects.exists()


def test_padded_keys_are_stored_without_their_padding(alice: User) -> None:
    keys = _keys()
    subscription = push_subscribe(
        user=alice, endpoint=ENDPOINT, p256dh=keys["p256dh"] + "=", auth=keys["auth"] + "=="
    )
    assert (subscription.p256dh, subscription.auth) == (keys["p256dh"], keys["auth"])


def test_past_the_limit_of_browsers_the_oldest_is_forgotten(alice: User) -> None:
    for number in range(MAX_BROWSERS_PER_RESIDENT + 1):
        push_subscribe(user=alice, endpoint=f"{ENDPOINT}-{number}", **_keys())
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(endpoints) == MAX_BROWSERS_PER_RESIDENT and f"{ENDPOINT}-0" not in endpoints


def test_unsubscribing_forgets_the_browser_and_audits_it(alice: User) -> None:
    subscription = push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    assert push_unsubscribe(user=alice, endpoint=ENDPOINT) is True
    assert not PushSubscription.objects.exists()
    event = AuditEvent.objects.get(action="notifications.push_unsubscribed")
    assert event.subject_id == alice.pk and event.object_id == str(subscription.pk)


def test_a_resident_cannot_unsubscribe_another_residents_browser(alice: User, bob: User) -> None:
    push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    assert push_unsubscribe(user=bob, endpoint=ENDPOINT) is False
    assert PushSubscription.objects.get().user == alice
    assert not AuditEvent.objects.filter(action="notifications.push_unsubscribed").exists()


# The endpoints ---------------------------------------------------------------------------


def test_a_resident_subscribes_this_browser_with_its_subscription_json(
    push_on: None, resident_client: Callable[[User], Client], alice: User
) -> None:
    response = _post(resident_client(alice), SUBSCRIBE, _subscription())
    assert response.status_code == 201
    assert PushSubscription.objects.get().user == alice
    assert AuditEvent.objects.filter(
        action="notifications.push_subscribed", subject_id=alice.pk
    ).exists()


def test_the_endpoints_need_a_signed_in_resident(
    push_on: None, client: Client, staff_client: Callable[[User], Client], charlie: User
) -> None:
    for who in (client, staff_client(charlie)):
        for path in (SUBSCRIBE, UNSUBSCRIBE):
            response = _post(who, path, _subscription())
            assert response.status_code == 403
            assert response["Content-Type"] == "application/problem+json"
    assert not PushSubscription.objects.exists()


def test_the_endpoints_need_the_csrf_token(
    push_on: None, alice: User, resident_client: Callable[[User], Client]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = _post(client, SUBSCRIBE, _subscription())
    assert refused.status_code == 403 and not PushSubscription.objects.exists()
    page = client.get("/notifications/settings/").content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    accepted = _post(client, SUBSCRIBE, _subscription(), HTTP_X_CSRFTOKEN=match.group(1))
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[" * 100_000,
        json.dumps([ENDPOINT]),
        json.dumps({"endpoint": ENDPOINT}),
        json.dumps({"endpoint": ENDPOINT, "keys": "p256dh"}),
        json.dumps({"endpoint": 42, "keys": _keys()}),
        json.dumps({"endpoint": ENDPOINT, "keys": {"p256dh": 1, "auth": 2}}),
        json.dumps({"endpoint": "http://push.example.test/", "keys": _keys()}),
        json.dumps({"endpoint": ENDPOINT, "keys": {**_keys(), "auth": "c2hvcnQ"}}),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "nested-too-deep",
        "an-array",
        "no-keys",
        "keys-not-an-object",
        "endpoint-not-a-string",
        "keys-not-strings",
        "http-endpoint",
        "short-auth",
    ],
)
def test_a_bad_subscription_is_answered_with_a_problem_and_saves_nothing(
    push_on: None, resident_client: Callable[[User], Client], alice: User, body: str | bytes
) -> None:
    response = _post(resident_client(alice), SUBSCRIBE, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert not PushSubscription.objects.exists()
    assert not AuditEvent.objects.filter(action="notifications.push_subscribed").exists()


def test_subscribing_is_refused_where_the_site_does_not_send_push(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    response = _post(resident_client(alice), SUBSCRIBE, _subscription())
    assert response.status_code == 404 and not PushSubscription.objects.exists()


def test_the_endpoints_take_only_post(
    push_on: None, resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    assert client.get(SUBSCRIBE).status_code == 405
    assert client.get(UNSUBSCRIBE).status_code == 405


def test_a_resident_turns_off_this_browser(
    push_on: None, resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    _post(client, SUBSCRIBE, _subscription())
    assert _post(client, UNSUBSCRIBE, {"endpoint": ENDPOINT}).status_code == 204
    assert not PushSubscription.objects.exists()
    assert _post(client, UNSUBSCRIBE, {"endpoint": ENDPOINT}).status_code == 204  # again
    assert _post(client, UNSUBSCRIBE, {"keys": {}}).status_code == 400


def test_bob_cannot_turn_off_alices_browser(
    push_on: None, resident_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    assert _post(resident_client(bob), UNSUBSCRIBE, {"endpoint": ENDPOINT}).status_code == 204
    assert PushSubscription.objects.get().user == alice


def test_the_endpoint_never_reaches_the_logs(
    push_on: None,
    resident_client: Callable[[User], Client],
    alice: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = resident_client(alice)
    with caplog.at_level(logging.DEBUG):
        _post(client, SUBSCRIBE, _subscription())
        _post(client, SUBSCRIBE, {"endpoint": "http://push.example.test/x", "keys": _keys()})
        _post(client, UNSUBSCRIBE, {"endpoint": ENDPOINT})
    assert "push.example.test" not in caplog.text


# The preferences page and the service worker ---------------------------------------------


def test_the_preferences_page_offers_push_only_where_the_site_sends_it(
    settings: Any, resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    assert 'id="push-control"' not in client.get("/en/notifications/settings/").content.decode()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = "BPublicKeyForTheTestsOnly"
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "private-key-for-the-tests-only"
    push_subscribe(user=alice, endpoint=ENDPOINT, **_keys())
    page = client.get("/en/notifications/settings/").content.decode()
    assert 'data-vapid-key="BPublicKeyForTheTestsOnly"' in page
    assert 'data-service-worker="/sw.js"' in page
    assert "Turn on notifications on this device" in page
    assert "needs JavaScript" in page  # what the page says until the script runs
    assert "Notifications are on in 1 browser." in page
    assert "<script>" not in page  # the CSP allows no inline script
    assert "private-key-for-the-tests-only" not in page


def test_the_service_worker_is_served_at_the_root_for_the_whole_site(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    source = response.content.decode()
    assert 'addEventListener("push"' in source and "showNotification" in source
    assert 'addEventListener("notificationclick"' in source and "openWindow" in source


def test_the_service_worker_is_not_under_a_language_prefix(client: Client) -> None:
    assert client.get("/en/sw.js").status_code == 404


def test_a_browser_subscribed_through_the_endpoint_gets_the_next_message(
    push_service: tuple[PushService, str],  # noqa: F811
    settings: Any,
    resident_client: Callable[[User], Client],
    alice: User,
) -> None:
    service, base = push_service
    settings.WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS = True
    alice.profile.preferred_channels = ["push", "email"]
    alice.profile.save()
    response = _post(resident_client(alice), SUBSCRIBE, _subscription(f"{base}/push/phone"))
    assert response.status_code == 201
    notification = services.notify(
        recipient=alice,
        template_key="general/message",
        context={"title": "避難所の開設", "message": "芝公園に避難所を開設しました。"},
    )
    notification.refresh_from_db()
    assert notification.channel == "push" and notification.status == Notification.Status.DELIVERED
    assert [path for path, _headers, _body in service.requests] == ["/push/phone"]
