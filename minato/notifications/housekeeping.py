"""Hourly work for notifications (run by ``minato.core.housekeeping``): hand messages whose
delivery task was lost (a worker killed in the middle of a batch task or of a send, a retry
whose task never got queued) to a new task.

Safe to repeat: delivery claims each message under its row lock, so a message whose old task
does turn up after all is still sent once."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from minato.core import outbox
from minato.notifications.models import Notification
from minato.notifications.tasks import deliver_notification

STALE_AFTER = timedelta(minutes=15)
AT_MOST = 500


def requeue_lost_deliveries() -> int:
    cutoff = timezone.now() - STALE_AFTER
    claim_expired = timezone.now() - outbox.CLAIM_TIMEOUT - STALE_AFTER
    lost = Notification.objects.filter(
        Q(status=Notification.Status.QUEUED, created_at__lt=cutoff)
        | Q(status=Notification.Status.RETRYING, next_attempt_at__lt=cutoff)
        # claimed by a worker that died while sending: delivery takes the stale claim again
        | Q(status=Notification.Status.SENDING, updated_at__lt=claim_expired)
    ).order_by("pk")
    ids = list(lost.values_list("pk", flat=True)[:AT_MOST])
    for notification_id in ids:
        deliver_notification.enqueue(notification_id)
    return len(ids)


def run() -> dict[str, int]:
    return {"notifications_requeued": requeue_lost_deliveries()}
