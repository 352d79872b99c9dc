"""POST a signed JSON document to a business system (stdlib HTTP: no extra dependency).

Signature: ``X-Minato-Signature: sha256=<hex>`` is HMAC-SHA256 with the shared secret over
``"<timestamp>.<body>"``, and ``X-Minato-Timestamp`` carries the Unix time, so a receiver
can refuse stale or replayed deliveries (the same scheme as Stripe's and GOV.UK Pay's).

Staff choose the URL, so it goes through ``minato.core.webhooks``: loopback and private
addresses are refused unless ``private_targets_allowed()``, link-local and metadata addresses
always, both when the endpoint is saved and after DNS resolution when sending; redirects
are not followed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from minato.core import webhooks

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status_code: int | None
    error: str = ""


def private_targets_allowed() -> bool:
    """Loopback and private receivers: in development, in the tests (whose receiver listens
    on 127.0.0.1) and where ``HANDOFF_ALLOW_PRIVATE_TARGETS`` says the business systems sit
    on a private network."""
    return bool(settings.DEBUG or settings.HANDOFF_ALLOW_PRIVATE_TARGETS)


def check_url(url: str) -> None:
    """Raise ``webhooks.UnsafeTarget`` (a ValueError) for a URL we would not send to."""
    webhooks.check_url(url, allow_private=private_targets_allowed())


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + webhooks.timestamped_hmac(secret, timestamp, body)


def post(*, url: str, secret: str, body: bytes, timeout: float | None = None) -> WebhookResult:
    timestamp = str(int(time.time()))
    answer = webhooks.post(
        url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "minato-platform-handoff/1",
            "X-Minato-Timestamp": timestamp,
            "X-Minato-Signature": signature(secret, timestamp, body),
        },
        timeout=timeout or TIMEOUT_SECONDS,
        allow_private=private_targets_allowed(),
    )
    return WebhookResult(ok=answer.ok, status_code=answer.status_code, error=answer.error)
