"""POST a signed JSON document to a business system (stdlib HTTP: no extra dependency).

Signature: ``X-Minato-Signature: sha256=<hex>`` is HMAC-SHA256 with the shared secret over
``"<timestamp>.<body>"``, and ``X-Minato-Timestamp`` carries the Unix time, so a receiver
can refuse stale or replayed deliveries (the same scheme as Stripe's and GOV.UK Pay's).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from minato.core import outbox

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status_code: int | None
    error: str = ""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + outbox.timestamped_hmac(secret, timestamp, body)


def post(*, url: str, secret: str, body: bytes, timeout: float | None = None) -> WebhookResult:
    timestamp = str(int(time.time()))
    status_code, error = outbox.http_post(
        url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "minato-platform-handoff/1",
            "X-Minato-Timestamp": timestamp,
            "X-Minato-Signature": signature(secret, timestamp, body),
        },
        timeout=timeout or TIMEOUT_SECONDS,
    )
    ok = status_code is not None and 200 <= status_code < 300
    return WebhookResult(ok=ok, status_code=status_code, error="" if ok else error)
