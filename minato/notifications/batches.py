"""Delivering a batch of messages together: a broadcast's deliveries on one channel in one
language (``Notification.batch_key``). The same states and rules as one message
(``minato.core.outbox``), done for the whole batch at once:

1. claim: under the rows' locks, withdraw those on a topic the person has since left, hold
   those in the person's quiet hours (they go on their own when the hours end), and mark
   the rest ``sending``;
2. hand them to the channel with no transaction open: LINE gets one multicast of up to 500
   users whose ``X-Line-Retry-Key`` is derived from the batch key, so a retry after a crash
   is answered 409 (already accepted) and nobody gets it twice; email goes over one SMTP
   connection; other channels message by message;
3. record: delivered, retrying with backoff (one task for the batch), or failed, which moves
   each person's message to their next channel.

One audit event per batch and state, with the count, stands for the batch's rows: a
broadcast to a million residents writes thousands of events, not millions.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from minato.core import audit, outbox
from minato.notifications import line
from minato.notifications.adapters import DeliveryError, adapter_for, enabled_channels
from minato.notifications.adapters.email import EmailAdapter
from minato.notifications.models import LineAccount, Notification, Preference
from minato.notifications.services import (
    DEFAULT_TOPICS,
    INTERRUPTING_CHANNELS,
    NOTIFICATIONS,
    broadcast_cancelled,
    fall_back,
    quiet_hours_end,
)

Status = Notification.Status
BATCH_SIZES = {"line": line.MULTICAST_LIMIT, "email": 200}
DEFAULT_BATCH_SIZE = 100
# Derives a batch's LINE retry key: the same batch always has the same key.
RETRY_KEY_NAMESPACE = uuid.UUID("6f1b0d4e-2c1a-4a55-9c55-6d1f8a3b7e21")


DELIVER_BATCH_TASK = "minato.notifications.tasks.deliver_batch"


def batch_size(channel: str) -> int:
    return BATCH_SIZES.get(channel, DEFAULT_BATCH_SIZE)


def enqueue(batch_key: str, *, run_after: datetime | None = None) -> None:
    """Enqueue a batch's delivery, in the transaction that creates or retries it."""
    deliver_batch = import_string(DELIVER_BATCH_TASK)
    if run_after is None:
        deliver_batch.enqueue(batch_key)
    elif deliver_batch.get_backend().supports_defer:
        deliver_batch.using(run_after=run_after).enqueue(batch_key)


def _audit(batch_key: str, old: str, new: str, count: int, error: str = "") -> None:
    changes: dict[str, list[Any]] = {"status": [old, new], "deliveries": [None, count]}
    if error:
        changes["error"] = [None, error]
    audit.record(
        action=f"notifications.batch_{new}",
        object_type="notifications.batch",
        object_id=batch_key,
        changes=changes,
    )


def _claim(batch_key: str) -> list[Notification]:
    now = timezone.now()
    with transaction.atomic():
        claimable = Notification.objects.filter(batch_key=batch_key).filter(
            Q(status=Status.QUEUED)
            | Q(status=Status.RETRYING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, updated_at__lt=now - outbox.CLAIM_TIMEOUT)
        )
        rows = list(claimable.select_for_update().order_by("pk"))
        if not rows:
            return []
        preferences = {
            preference.user_id: preference
            for preference in Preference.objects.filter(
                user_id__in=[row.recipient_id for row in rows if row.recipient_id]
            )
        }
        claimed, withdrawn, held = [], [], []
        local_now = timezone.localtime(now)
        if broadcast_cancelled(rows[0].dedupe_key):
            rows, withdrawn = [], [row.pk for row in rows]
        for row in rows:
            preference = preferences.get(row.recipient_id or 0)
            topics = preference.topics if preference is not None else list(DEFAULT_TOPICS)
            if row.topic and row.recipient_id and row.topic not in topics:
                withdrawn.append(row.pk)
                continue
            interrupts = not row.is_emergency and row.channel in INTERRUPTING_CHANNELS
            hold = quiet_hours_end(preference, local_now) if interrupts and preference else None
            if hold is not None:
                held.append((row.pk, hold))
                continue
            claimed.append(row)
        if withdrawn:
            Notification.objects.filter(pk__in=withdrawn).update(
                status=Status.CANCELLED, last_error="unsubscribed", updated_at=now
            )
            _audit(batch_key, Status.QUEUED, Status.CANCELLED, len(withdrawn))
        for row_id, hold in held:
            # Out of the batch: it goes on its own when the person's quiet hours end.
            Notification.objects.filter(pk=row_id).update(
                status=Status.RETRYING, next_attempt_at=hold, batch_key="", updated_at=now
            )
            outbox.enqueue(NOTIFICATIONS, row_id, run_after=hold)
        if held:
            _audit(batch_key, Status.QUEUED, Status.RETRYING, len(held), "quiet hours")
        if claimed:
            # Usually the whole batch: the rows just locked, without a list of 500 ids. The
            # claimable condition is repeated so that a worker that lost the race (SQLite
            # has no row locks) updates fewer rows than it selected and backs off.
            whole = len(claimed) == len(rows)
            targets = claimable if whole else claimable.filter(pk__in=[row.pk for row in claimed])
            updated = targets.update(
                status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
            )
            if updated != len(claimed):
                transaction.set_rollback(True)
                return []
            for row in claimed:
                row.attempts += 1
                row.status = Status.SENDING
            _audit(batch_key, Status.QUEUED, Status.SENDING, len(claimed))
        return claimed


def _send(batch_key: str, rows: list[Notification]) -> dict[int, outbox.Sent]:
    """Hand the rows to their channel; the outcome of each."""
    channel = rows[0].channel
    if channel not in enabled_channels():
        failed = outbox.Sent(ok=False, error=f"Channel {channel!r} is not enabled", permanent=True)
        return {row.pk: failed for row in rows}
    if channel == "line":
        return _send_line(batch_key, rows)
    outcomes: dict[int, outbox.Sent] = {}
    connection = get_connection() if channel == "email" else None
    try:
        if connection is not None:
            connection.open()
        for row in rows:
            try:
                if connection is not None:
                    EmailAdapter().send(
                        address=row.address,
                        subject=row.subject,
                        body=row.body,
                        key=str(row.public_id),
                        connection=connection,
                    )
                else:
                    adapter_for(channel).send(
                        address=row.address,
                        subject=row.subject,
                        body=row.body,
                        key=str(row.public_id),
                    )
            except DeliveryError as exc:
                outcomes[row.pk] = outbox.Sent(ok=False, error=str(exc), permanent=exc.permanent)
            except Exception as exc:  # temporary: only its type is kept (no addresses)
                outcomes[row.pk] = outbox.Sent(ok=False, error=type(exc).__name__)
            else:
                outcomes[row.pk] = outbox.Sent(ok=True)
    finally:
        if connection is not None:
            connection.close()
    return outcomes


def _send_line(batch_key: str, rows: list[Notification]) -> dict[int, outbox.Sent]:
    outcomes: dict[int, outbox.Sent] = {}
    # The LINE user was chosen at fan-out: someone who unlinked or blocked the ward's account
    # since gets it on their next channel instead.
    still_linked = set(
        LineAccount.objects.filter(
            user_id__in=[row.recipient_id for row in rows], is_following=True
        ).values_list("user_id", "line_user_id")
    )
    gone = outbox.Sent(ok=False, error="LINE no longer linked", permanent=True)
    by_text: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.recipient_id is not None and (row.recipient_id, row.address) not in still_linked:
            outcomes[row.pk] = gone
            continue
        by_text[line.text_of(row.subject, row.body)].append(row)
    for index, (text, same) in enumerate(sorted(by_text.items())):
        retry_key = str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{batch_key}:{index}"))
        try:
            line.multicast(user_ids=[row.address for row in same], text=text, retry_key=retry_key)
        except line.LineError as exc:
            sent = outbox.Sent(ok=False, error=str(exc), permanent=exc.permanent)
        except Exception as exc:
            sent = outbox.Sent(ok=False, error=type(exc).__name__)
        else:
            sent = outbox.Sent(ok=True)
        outcomes.update({row.pk: sent for row in same})
    return outcomes


def _ours(batch_key: str, rows: list[Notification], row_ids: list[int]) -> list[Any]:
    """Querysets of the rows this worker still holds among ``row_ids``: still ``sending`` with
    the attempt count its claim gave them (a worker that took a stale claim over counted
    another attempt, so its rows are not touched). One queryset per attempt count."""
    attempts = {row.pk: row.attempts for row in rows}
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row_id in row_ids:
        by_attempts[attempts[row_id]].append(row_id)
    held = Notification.objects.filter(status=Status.SENDING)
    if len(by_attempts) == 1 and len(row_ids) == len(rows):
        # The usual case, the whole batch: no list of 500 ids.
        [(count, _ids)] = by_attempts.items()
        return [held.filter(batch_key=batch_key, attempts=count)]
    return [held.filter(pk__in=ids, attempts=count) for count, ids in by_attempts.items()]


def _record(batch_key: str, rows: list[Notification], outcomes: dict[int, outbox.Sent]) -> str:
    now = timezone.now()
    cancelled = broadcast_cancelled(rows[0].dedupe_key)
    delivered = [row.pk for row in rows if outcomes[row.pk].ok]
    failed: list[int] = []
    retrying: list[int] = []
    errors: dict[int, str] = {}
    for row in rows:
        sent = outcomes[row.pk]
        if sent.ok:
            continue
        errors[row.pk] = sent.error[: outbox.ERROR_LENGTH]
        (failed if sent.permanent else retrying).append(row.pk)
    # One retry time for the batch (it goes again as one), from its most tried row.
    retry_at = NOTIFICATIONS.backoff.retry_at(max(row.attempts for row in rows))
    if retry_at is None or cancelled:
        failed, retrying = failed + retrying, []
    with transaction.atomic():
        if delivered:
            for mine in _ours(batch_key, rows, delivered):
                mine.update(
                    status=Status.DELIVERED,
                    delivered_at=now,
                    next_attempt_at=None,
                    last_error="",
                    updated_at=now,
                )
            _audit(batch_key, Status.SENDING, Status.DELIVERED, len(delivered))
        if retrying:
            error = errors[retrying[0]]
            for mine in _ours(batch_key, rows, retrying):
                mine.update(
                    status=Status.RETRYING,
                    next_attempt_at=retry_at,
                    last_error=error,
                    updated_at=now,
                )
            _audit(batch_key, Status.SENDING, Status.RETRYING, len(retrying), error)
            enqueue(batch_key, run_after=retry_at)
        if failed:
            # A cancelled broadcast's failures end as cancelled: nothing of it goes again.
            status = Status.CANCELLED if cancelled else Status.FAILED
            for mine in _ours(batch_key, rows, failed):
                mine.update(status=status, last_error=errors[failed[0]], updated_at=now)
            _audit(batch_key, Status.SENDING, status, len(failed), errors[failed[0]])
    if cancelled:
        failed = []
    for row_id in failed:
        fall_back(notification_id=row_id)
    if failed:
        return Status.FAILED
    return Status.RETRYING if retrying else Status.DELIVERED


def batch_deliver(batch_key: str) -> str:
    """Claim, send and record a batch. Returns the outcome, or "skipped" when there was
    nothing to claim (already delivered, or another worker holds it)."""
    rows = _claim(batch_key)
    if not rows:
        return outbox.SKIPPED
    return _record(batch_key, rows, _send(batch_key, rows))
