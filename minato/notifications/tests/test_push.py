"""Web Push through pywebpush, against a push service on loopback: the request carries VAPID
and an aes128gcm payload; a subscription the service says is gone (410) is forgotten and
the message falls back to the next channel."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from py_vapid import Vapid02
from py_vapid.utils import b64urlencode

from minato.accounts.models import User
from minato.notifications import services
from minato.notifications.models import Notification, PushSubscription

pytestmark = pytest.mark.django_db


class PushService:
    """Records what it is sent; answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 201

    def handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.requests.append((self.path, dict(self.headers), body))
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        return Handler


@pytest.fixture
def push_service(settings: Any) -> Iterator[tuple[PushService, str]]:
    vapid = Vapid02()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    settings.WEBPUSH_VAPID_PRIVATE_KEY = b64urlencode(private)
    settings.WEBPUSH_VAPID_PUBLIC_KEY = b64urlencode(public)
    service = PushService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), service.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield service, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _subscribe(user: User, base: str, name: str = "browser-1") -> PushSubscription:
    """A browser's subscription: its ECDH public key and auth secret, as PushManager gives."""
    browser_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return PushSubscription.objects.create(
        user=user,
        endpoint=f"{base}/push/{name}",
        p256dh=b64urlencode(
            browser_key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        auth=b64urlencode(os.urandom(16)),
    )


def _send(user: User) -> Notification:
    notification = services.notify(
        recipient=user,
        template_key="general/message",
        context={"title": "避難所の開設", "message": "芝公園に避難所を開設しました。"},
    )
    notification.refresh_from_db()
    return notification


def test_a_subscribed_browser_gets_an_encrypted_push_signed_with_vapid(
    push_service: tuple[PushService, str], alice: User, settings: Any
) -> None:
    service, base = push_service
    alice.profile.preferred_channels = ["push", "email"]
    alice.profile.save()
    _subscribe(alice, base)
    sent = len(mail.outbox)
    notification = _send(alice)
    assert notification.channel == "push" and notification.status == Notification.Status.DELIVERED
    [(path, raw_headers, body)] = service.requests
    headers = {name.lower(): value for name, value in raw_headers.items()}
    assert path == "/push/browser-1"
    assert headers["authorization"].startswith("vapid t=")
    assert headers["authorization"].endswith(f"k={settings.WEBPUSH_VAPID_PUBLIC_KEY}")
    assert headers["content-encoding"] == "aes128gcm" and int(headers["ttl"]) > 0
    assert "避難所".encode() not in body  # encrypted for the browser alone
    assert len(mail.outbox) == sent


def test_a_subscription_the_service_says_is_gone_is_forgotten_and_email_takes_over(
    push_service: tuple[PushService, str], alice: User
) -> None:
    service, base = push_service
    alice.profile.preferred_channels = ["push", "email"]
    alice.profile.save()
    _subscribe(alice, base)
    service.status = 410
    sent = len(mail.outbox)
    failed = _send(alice)
    assert failed.status == Notification.Status.FAILED
    assert not PushSubscription.objects.exists()
    assert Notification.objects.get(fallback_of=failed).channel == "email"
    assert len(mail.outbox) == sent + 1


def test_a_push_service_that_fails_is_retried(
    push_service: tuple[PushService, str], alice: User
) -> None:
    service, base = push_service
    alice.profile.preferred_channels = ["push"]
    alice.profile.save()
    _subscribe(alice, base)
    service.status = 503
    notification = _send(alice)
    assert notification.status == Notification.Status.RETRYING
    assert PushSubscription.objects.count() == 1
