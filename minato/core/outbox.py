"""Outgoing deliveries that must not be lost (emails, hand-off webhooks, a provider's
webhooks): a transactional outbox, delivered by one function for every kind of row.

A row is queued in the transaction that makes the change, and its delivery task with it
(``enqueue``). The task calls ``deliver``, which

1. claims the row: under a short row lock it skips a finished row or one another worker
   holds a fresh claim on, counts the attempt, marks it ``sending`` and commits;
2. sends it with no transaction open: SMTP or an HTTP call can take seconds, and a lock
   held meanwhile would stall other writers (on SQLite, the whole site);
3. records the outcome, if its claim still stands: ``delivered``; ``retrying`` with
   ``next_attempt_at`` from the backoff schedule and the task enqueued again for then; or
   ``failed`` once the attempts are used up or the failure is permanent.

Each app describes its model once, with a subclass of ``Outbox``: how to load and send a
row, its backoff, its audit action and its task. The task is named by dotted path, so a
service enqueues it without importing its app's ``tasks`` module, which imports the service.

The rows share ``status`` (queued or pending → sending → delivered, retrying or failed;
``cancelled`` when ``Outbox.withhold`` says it must no longer go),
``attempts``, ``next_attempt_at``, ``created_at`` and ``updated_at``; ``last_error``,
``last_status_code`` and ``delivered_at`` are written where the model has them.

At least once: a worker that dies after sending and before recording leaves a ``sending``
claim. After CLAIM_TIMEOUT the row is claimed and sent again (``requeue_stranded`` gives it
a new task), so receivers deduplicate. If the first worker does record after all, its
outcome is dropped: the row shows the latest attempt.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypedDict, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from minato.core import audit

logger = logging.getLogger(__name__)

QUEUED = ("queued", "pending")  # waiting for the first attempt (notifications say "queued")
SENDING = "sending"
DELIVERED = "delivered"
RETRYING = "retrying"
FAILED = "failed"
CANCELLED = "cancelled"  # withheld before sending (the person no longer wants it)
SKIPPED = "skipped"  # what ``deliver`` returns when it did not claim the row
# A "sending" claim older than this is from a worker that died mid-send: try again.
CLAIM_TIMEOUT = timedelta(minutes=10)
# A row whose task should have run this long ago lost it (a worker killed mid-task, a retry
# never enqueued): ``requeue_stranded`` gives it a new one.
STRANDED_AFTER = timedelta(minutes=15)
REQUEUE_AT_MOST = 500
ERROR_LENGTH = 300

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Sent:
    """What one attempt to send came to. ``error`` is stored and logged: a short label that
    never quotes the response, the address or the URL (they may hold personal data)."""

    ok: bool
    error: str = ""
    status_code: int | None = None
    permanent: bool = False  # retrying cannot help (a malformed address): fail at once


@dataclass(frozen=True)
class Backoff:
    """Retry after ``base_seconds × 2^(attempts−1)``; fail after ``max_attempts`` in all."""

    base_seconds: int
    max_attempts: int

    def retry_at(self, attempts: int) -> datetime | None:
        """When to try again after the ``attempts``-th failed attempt; None to give up."""
        if attempts >= self.max_attempts:
            return None
        return timezone.now() + timedelta(seconds=self.base_seconds * 2 ** (attempts - 1))


class AuditScope(TypedDict, total=False):
    subject_id: int | None  # the resident whose data it is
    department_id: int | None  # so that department's admins see it


class Outbox(ABC, Generic[Row]):
    """One outbox model, described for ``deliver``. Subclass it once per model, next to the
    service that queues its rows, and keep one instance."""

    model: type[Row]
    # Dotted path of the @task that delivers one row: ``def task(row_id: int) -> str``,
    # calling a service that calls ``deliver``.
    task: str
    # Dotted path of a task that delivers a list of rows queued together; "" for none.
    batch_task: str = ""
    # The audit action of each state change, e.g. "notifications.{status}"; "" for rows
    # that are not the ward's records (the sandbox provider's), which are not audited.
    audit_action: str = ""

    @property
    @abstractmethod
    def backoff(self) -> Backoff: ...

    @abstractmethod
    def send(self, row: Row) -> Sent:
        """Send one row. Runs with no transaction open. An exception counts as a temporary
        failure whose type alone is kept."""

    def rows(self) -> models.QuerySet[Row]:
        """The rows, with what ``send`` and ``audit_scope`` read (override to join)."""
        return self.model._default_manager.all()

    def audit_scope(self, row: Row) -> AuditScope:
        return {}

    def withhold(self, row: Row) -> str:
        """Why the row must no longer be sent at all (the person unsubscribed meanwhile), or
        "" to send it. Checked under the row's lock when it is claimed."""
        return ""

    def hold_until(self, row: Row) -> datetime | None:
        """A time before which the row must not be sent (the person's quiet hours), or None
        to send it now. A held row waits as ``retrying`` without counting an attempt."""
        return None

    def requeue(self, row_ids: list[int]) -> None:
        """Give stranded rows new tasks (override where rows are delivered in batches)."""
        for row_id in row_ids:
            enqueue(self, row_id)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def enqueue(box: Outbox[Any], row_id: int, *, run_after: datetime | None = None) -> None:
    """Enqueue the delivery of one row. Call it in the transaction that queues the row: with
    the database task backend the row and its task commit together or not at all.

    A retry for later needs a backend that can defer; the immediate backend of the tests
    cannot, so there the retry is recorded on the row and tests deliver again themselves."""
    task = import_string(box.task)
    if run_after is None:
        task.enqueue(row_id)
    elif task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(row_id)


def enqueue_many(box: Outbox[Any], row_ids: list[int]) -> None:
    """Enqueue the delivery of rows queued together: one batch task, where the outbox has
    one, for them all."""
    if box.batch_task and row_ids:
        import_string(box.batch_task).enqueue(row_ids)
        return
    for row_id in row_ids:
        enqueue(box, row_id)


def deliver(box: Outbox[Row], row_id: int) -> str:
    """Claim, send and record one row. Returns its new status, or ``SKIPPED`` when the row
    was not claimed (finished, or another worker holds it) or lost its claim meanwhile."""
    row = _claim(box, row_id)
    if row is None:
        return SKIPPED
    try:
        sent = box.send(row)
    except Exception as exc:
        # An error the sender did not expect is treated as temporary. Its message may quote
        # an address or a response, so only its type is kept.
        sent = Sent(ok=False, error=type(exc).__name__)
        logger.warning(
            "Delivery attempt failed",
            extra={"outbox": box.label, "row_id": row.pk, "error": sent.error},
        )
    return _record(box, row, sent)


def _claim(box: Outbox[Row], row_id: int) -> Row | None:
    # Its own transaction, committed before the send: the send holds no row lock.
    with transaction.atomic():
        row: Any = box.rows().select_for_update(of=("self",)).filter(pk=row_id).first()
        if row is None or row.status in (DELIVERED, FAILED, CANCELLED):
            return None
        if row.status == SENDING and row.updated_at > timezone.now() - CLAIM_TIMEOUT:
            return None  # another worker is on it
        old = row.status
        reason = box.withhold(row)
        if reason:
            row.status = CANCELLED
            row.last_error = reason[:ERROR_LENGTH]
            row.save(update_fields=["status", "last_error", "updated_at"])
            _audit(box, row, old, {})
            return None
        hold = box.hold_until(row)
        if hold is not None:
            row.status = RETRYING
            row.next_attempt_at = hold
            row.save(update_fields=["status", "next_attempt_at", "updated_at"])
            enqueue(box, row.pk, run_after=hold)
            return None
        row.attempts += 1
        row.status = SENDING
        row.save(update_fields=["status", "attempts", "updated_at"])
        _audit(box, row, old, {})
        return row  # type: ignore[no-any-return]


def _record(box: Outbox[Row], row: Any, sent: Sent) -> str:
    now = timezone.now()
    retry_at = None
    if sent.ok:
        status = DELIVERED
    else:
        retry_at = None if sent.permanent else box.backoff.retry_at(row.attempts)
        status = RETRYING if retry_at is not None else FAILED
    values: dict[str, Any] = {"status": status, "next_attempt_at": retry_at, "updated_at": now}
    fields = {field.name for field in box.model._meta.concrete_fields}
    if "last_error" in fields:
        values["last_error"] = sent.error[:ERROR_LENGTH]
    if "last_status_code" in fields:
        values["last_status_code"] = sent.status_code
    if "delivered_at" in fields and sent.ok:
        values["delivered_at"] = now
    with transaction.atomic():
        # Only while this worker's claim stands: once a stale claim is taken over (which
        # counts another attempt), the row belongs to the worker that took it.
        claimed = box.model._default_manager.filter(
            pk=row.pk, status=SENDING, attempts=row.attempts
        )
        if not claimed.update(**values):
            logger.warning(
                "Delivery outcome dropped: the claim was taken over",
                extra={"outbox": box.label, "row_id": row.pk, "status": status},
            )
            return SKIPPED
        for name, value in values.items():
            setattr(row, name, value)
        extra = {"http_status": [None, sent.status_code]} if "last_status_code" in fields else {}
        _audit(box, row, SENDING, extra)
        if retry_at is not None:
            enqueue(box, row.pk, run_after=retry_at)
    return status


def _audit(box: Outbox[Any], row: Any, old: str, extra: dict[str, list[Any]]) -> None:
    if not box.audit_action:
        return
    audit.record(
        action=box.audit_action.format(status=row.status),
        obj=row,
        changes={"status": [old, row.status], "attempts": [None, row.attempts], **extra},
        **box.audit_scope(row),
    )


def requeue_stranded(box: Outbox[Any], *, at_most: int = REQUEUE_AT_MOST) -> int:
    """Give a new task to rows whose task was lost: still queued, or retrying, well after
    they should have been sent, or claimed by a worker that died while sending. Run hourly by
    each app's housekeeping.

    Safe to repeat: delivery claims each row under its lock, so a row whose old task turns
    up after all is still sent once."""
    cutoff = timezone.now() - STRANDED_AFTER
    stranded = (
        box.model._default_manager.filter(
            Q(status__in=QUEUED, created_at__lt=cutoff)
            | Q(status=RETRYING, next_attempt_at__lt=cutoff)
            # the delivery takes such a stale claim over
            | Q(status=SENDING, updated_at__lt=cutoff - CLAIM_TIMEOUT)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    row_ids = list(stranded[:at_most])
    box.requeue(row_ids)
    return len(row_ids)
