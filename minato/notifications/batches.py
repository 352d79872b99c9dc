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
from typing import Any, NamedTuple

from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
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
    json_list_has,
    quiet_hours_end,
)

Status = Notification.Status
BATCH_SIZES = {"line": line.MULTICAST_LIMIT, "email": 200}
DEFAULT_BATCH_SIZE = 100
# Derives a batch's LINE retry key: the same batch always has the same key.
RETRY_KEY_NAMESPACE = uuid.UUID("6f1b0d4e-2c1a-4a55-9c55-6d1f8a3b7e21")


DELIVER_BATCH_TASK = "minato.notifications.tasks.deliver_batch"
DELIVER_BATCHES_TASK = "minato.notifications.tasks.deliver_batches"


def batch_size(channel: str) -> int:
    return BATCH_SIZES.get(channel, DEFAULT_BATCH_SIZE)


def enqueue(*batch_keys: str, run_after: datetime | None = None) -> None:
    """Enqueue the delivery of batches, in the transaction that creates or retries them.
    Several batches (a fan-out chunk's) share one task: each task costs the worker a few
    commits of its own, which for a broadcast to the whole ward add up to more than the
    sending."""
    if len(batch_keys) > 1:
        task = import_string(DELIVER_BATCHES_TASK)
        arguments: tuple[Any, ...] = (list(batch_keys),)
    else:
        task = import_string(DELIVER_BATCH_TASK)
        arguments = batch_keys
    if run_after is None:
        task.enqueue(*arguments)
    elif task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(*arguments)


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


class Claimed(NamedTuple):
    """A row of the batch as the claim returned it: what sending and recording need, without
    building a model instance per row."""

    pk: int
    public_id: uuid.UUID
    recipient_id: int | None
    address: str
    channel: str
    subject: str
    body: str
    attempts: int
    topic: str
    is_emergency: bool
    dedupe_key: str


CLAIMED_COLUMNS = [field for field in Claimed._fields if field != "pk"]


def _claimable(batch_key: str, now: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(batch_key=batch_key).filter(
        Q(status=Status.QUEUED)
        | Q(status=Status.RETRYING, next_attempt_at__lte=now)
        | Q(status=Status.SENDING, updated_at__lt=now - outbox.CLAIM_TIMEOUT)
    )


def _mark_sending(batch_key: str, now: datetime) -> list[Claimed]:
    """Mark the batch's claimable rows ``sending`` and return them, in one statement: the
    UPDATE locks each row as it changes it, so a second worker claiming the same batch waits
    and then finds nothing left to claim (on SQLite, one writer at a time does the same)."""
    claimable = _claimable(batch_key, now)
    compiler = claimable.query.get_compiler(connection=connection)
    where, params = compiler.compile(claimable.query.where)
    table = connection.ops.quote_name(Notification._meta.db_table)
    names = {field.attname: field.column for field in Notification._meta.concrete_fields}
    returning = ", ".join(
        connection.ops.quote_name(names["id" if name == "pk" else name]) for name in Claimed._fields
    )
    assignments = ", ".join(
        f"{connection.ops.quote_name(column)} = %s" for column in ("status", "updated_at")
    )
    attempts = connection.ops.quote_name("attempts")
    sql = (
        f"UPDATE {table} SET {assignments}, {attempts} = {attempts} + 1 "  # noqa: S608
        f"WHERE {where} RETURNING {returning}"
    )
    updated_at = Notification._meta.get_field("updated_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.SENDING, updated_at, *params])
        values = cursor.fetchall()
    if connection.vendor != "postgresql":  # SQLite gives UUIDs as hex digits, booleans as 0/1
        values = [
            (pk, uuid.UUID(public_id), *middle, bool(is_emergency), dedupe_key)
            for pk, public_id, *middle, is_emergency, dedupe_key in values
        ]
    return sorted(Claimed(*row) for row in values)


_keeps_quiet_hours = Q(quiet_from__isnull=False, quiet_until__isnull=False)


def _claim(batch_key: str) -> list[Claimed]:
    now = timezone.now()
    with transaction.atomic():
        rows = _mark_sending(batch_key, now)
        if not rows:
            return []
        if broadcast_cancelled(rows[0].dedupe_key):
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Status.CANCELLED, last_error="broadcast cancelled", updated_at=now
            )
            _audit(batch_key, Status.QUEUED, Status.CANCELLED, len(rows))
            return []
        # Only the recipients who left the batch's topic or keep quiet hours, found through
        # the batch (no list of ids): usually few of the 500.
        topic = rows[0].topic
        concerned = Preference.objects.filter(user__notifications__batch_key=batch_key)
        if topic:
            concerned = concerned.filter(~json_list_has("topics", topic) | _keeps_quiet_hours)
        else:
            concerned = concerned.filter(_keeps_quiet_hours)
        preferences = {
            user_id: (
                topics,
                Preference(quiet_from=quiet_from, quiet_until=quiet_until)
                if quiet_from is not None and quiet_until is not None
                else None,
            )
            for user_id, topics, quiet_from, quiet_until in concerned.values_list(
                "user_id", "topics", "quiet_from", "quiet_until"
            )
        }
        # Nobody's choices say otherwise: they hear about the topic...
        unconcerned: tuple[Any, None] = ((topic,), None)
        if topic and topic not in DEFAULT_TOPICS:
            # ...except those with no choices at all, who hear only about the default topics.
            preferences.update(
                (user_id, (DEFAULT_TOPICS, None))
                for user_id in Notification.objects.filter(
                    batch_key=batch_key, recipient__notification_preference__isnull=True
                ).values_list("recipient_id", flat=True)
            )
        claimed, withdrawn, held = [], [], []
        local_now = timezone.localtime(now)
        for row in rows:
            topics, preference = preferences.get(row.recipient_id or 0, unconcerned)
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
            # Out of the batch: it goes on its own when the person's quiet hours end. The
            # claim's attempt is given back: nothing was tried.
            Notification.objects.filter(pk=row_id).update(
                status=Status.RETRYING,
                attempts=F("attempts") - 1,
                next_attempt_at=hold,
                batch_key="",
                updated_at=now,
            )
            outbox.enqueue(NOTIFICATIONS, row_id, run_after=hold)
        if held:
            _audit(batch_key, Status.QUEUED, Status.RETRYING, len(held), "quiet hours")
        if claimed:
            _audit(batch_key, Status.QUEUED, Status.SENDING, len(claimed))
        return claimed


def _send(batch_key: str, rows: list[Claimed]) -> dict[int, outbox.Sent]:
    """Hand the rows to their channel; the outcome of each."""
    channel = rows[0].channel
    if channel not in enabled_channels():
        failed = outbox.Sent(ok=False, error=f"Channel {channel!r} is not enabled", permanent=True)
        return {row.pk: failed for row in rows}
    if channel == "line":
        return _send_line(batch_key, rows)
    outcomes: dict[int, outbox.Sent] = {}
    smtp = get_connection() if channel == "email" else None
    try:
        if smtp is not None:
            smtp.open()
        for row in rows:
            try:
                if smtp is not None:
                    EmailAdapter().send(
                        address=row.address,
                        subject=row.subject,
                        body=row.body,
                        key=str(row.public_id),
                        connection=smtp,
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
        if smtp is not None:
            smtp.close()
    return outcomes


def _send_line(batch_key: str, rows: list[Claimed]) -> dict[int, outbox.Sent]:
    outcomes: dict[int, outbox.Sent] = {}
    # The LINE user was chosen at fan-out: someone who unlinked or blocked the ward's account
    # since gets it on their next channel instead.
    still_linked = set(
        LineAccount.objects.filter(
            user__notifications__batch_key=batch_key, is_following=True
        ).values_list("user_id", "line_user_id")
    )
    gone = outbox.Sent(ok=False, error="LINE no longer linked", permanent=True)
    by_text: dict[str, list[Claimed]] = defaultdict(list)
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


def _ours(batch_key: str, rows: list[Claimed], row_ids: list[int]) -> list[Any]:
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


def _record(batch_key: str, rows: list[Claimed], outcomes: dict[int, outbox.Sent]) -> str:
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
