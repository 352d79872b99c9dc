"""Background delivery: thin tasks that hand straight to the service."""

from __future__ import annotations

import logging

from django_tasks import task

from minato.notifications import batches, broadcasts, services

logger = logging.getLogger(__name__)


@task()
def deliver_notification(notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)


@task()
def deliver_notifications(notification_ids: list[int]) -> str:
    """Deliver the messages ``notify_many`` queued together. A message whose delivery
    breaks this task (not a failed send: those are retried by the service) gets its own
    task, so one bad message never holds back the others."""
    results: dict[str, int] = {}
    for notification_id in notification_ids:
        try:
            result = services.notification_deliver(notification_id=notification_id)
        except Exception:
            logger.exception("Delivery crashed", extra={"notification_id": notification_id})
            deliver_notification.enqueue(notification_id)
            result = "requeued"
        results[result] = results.get(result, 0) + 1
    return ", ".join(f"{name}: {count}" for name, count in sorted(results.items()))


@task()
def fan_out_broadcast(broadcast_id: int) -> str:
    created = broadcasts.broadcast_fan_out(broadcast_id)
    return f"deliveries created: {created}"


@task()
def deliver_batch(batch_key: str) -> str:
    return batches.batch_deliver(batch_key)


@task()
def deliver_batches(batch_keys: list[str]) -> str:
    """Deliver a fan-out chunk's batches one after another. A batch whose delivery breaks
    this task gets its own task, so that it does not hold back the others."""
    results: dict[str, int] = {}
    for batch_key in batch_keys:
        try:
            result = batches.batch_deliver(batch_key)
        except Exception:
            logger.exception("Batch delivery crashed", extra={"batch_key": batch_key})
            deliver_batch.enqueue(batch_key)
            result = "requeued"
        results[result] = results.get(result, 0) + 1
    return ", ".join(f"{name}: {count}" for name, count in sorted(results.items()))
