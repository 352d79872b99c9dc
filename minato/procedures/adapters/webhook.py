"""POST a signed JSON document to a business system (stdlib HTTP: no extra dependency).

Signature: ``X-Minato-Signature: sha256=<hex>`` is HMAC-SHA256 with the shared secret over
``"<timestamp>.<body>"``, and ``X-Minato-Timestamp`` carries the Unix time, so a receiver
can refuse stale or replayed deliveries (the same scheme as Stripe's and GOV.UK Pay's).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status_code: int | None
    error: str = ""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post(*, url: str, secret: str, body: bytes, timeout: float | None = None) -> WebhookResult:
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - the URL is an http(s) endpoint set by staff
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "minato-platform-handoff/1",
            "X-Minato-Timestamp": timestamp,
            "X-Minato-Signature": signature(secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout or TIMEOUT_SECONDS) as response:  # noqa: S310
            return WebhookResult(ok=200 <= response.status < 300, status_code=response.status)
    except urllib.error.HTTPError as exc:
        return WebhookResult(ok=False, status_code=exc.code, error=f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return WebhookResult(ok=False, status_code=None, error=type(exc).__name__)
