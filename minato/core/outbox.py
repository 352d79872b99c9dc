"""Outgoing deliveries that must not be lost (emails, hand-off webhooks, a provider's
webhooks): a row is queued in the transaction that makes the change, then a worker claims
it, sends outside any transaction, records the result and retries with exponential backoff.

The rows share ``status`` (queued/pending → sending → delivered, retrying or failed),
``attempts``, ``next_attempt_at`` and ``updated_at``. At least once: a worker that dies after
sending and before recording leaves a stale claim, and the row is sent again after
CLAIM_TIMEOUT; receivers deduplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

SENDING = "sending"
DELIVERED = "delivered"
RETRYING = "retrying"
FAILED = "failed"
# A "sending" claim older than this is from a worker that died mid-send: try again.
CLAIM_TIMEOUT = timedelta(minutes=10)

Row = TypeVar("Row", bound=models.Model)


def claim(
    queryset: models.QuerySet[Row],
    pk: int,
    *,
    mark_sending: Callable[[Row], None] | None = None,
) -> Row | None:
    """Lock the row, take it unless it is finished or another worker holds a fresh claim,
    count the attempt and mark it sending — then commit, so the slow part (SMTP, an HTTP
    call) runs without holding a row lock or, on SQLite, the database's write lock.
    ``mark_sending`` saves the row (and audits) where the default save is not enough."""
    with transaction.atomic():
        row: Any = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None or row.status in (DELIVERED, FAILED):
            return None
        if row.status == SENDING and row.updated_at > timezone.now() - CLAIM_TIMEOUT:
            return None  # another worker is on it
        row.attempts += 1
        row.status = SENDING
        if mark_sending is not None:
            mark_sending(row)
        else:
            row.save(update_fields=["attempts", "status", "updated_at"])
        return row  # type: ignore[no-any-return]


def after_failure(
    *, attempts: int, max_attempts: int, base_seconds: int, permanent: bool = False
) -> tuple[str, datetime | None]:
    """The status after a failed attempt, and when to try again (None when giving up)."""
    if permanent or attempts >= max_attempts:
        return FAILED, None
    return RETRYING, timezone.now() + timedelta(seconds=base_seconds * 2 ** (attempts - 1))


def schedule_retry(task: Any, pk: int, run_after: datetime) -> None:
    """Enqueue the retry for ``run_after``. The database backend the worker uses can defer;
    the immediate backend of tests cannot, so tests call the delivery again themselves."""
    if task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(pk)


def http_post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float
) -> tuple[int | None, str]:
    """POST ``body``; the HTTP status (None when nobody answered) and an error label that
    never quotes the response or the URL (they may hold personal data or secrets)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - http(s) endpoints from settings or staff
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return None, type(exc).__name__


def timestamped_hmac(secret: str, timestamp: int | str, body: bytes) -> str:
    """HMAC-SHA256 (hex) over ``"<timestamp>.<body>"``: the webhook signature scheme of our
    hand-off and of the payment providers (Stripe's and GOV.UK Pay's), which lets a
    receiver refuse stale or replayed deliveries. Each sender puts it in its own header."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
