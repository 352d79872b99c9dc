"""Hourly work for notifications (run by ``minato.core.housekeeping``): hand messages whose
delivery task was lost (a worker killed in the middle of a batch task or of a send, a retry
whose task never got queued) to a new task. Delivery's row claim keeps each message sent once."""

from __future__ import annotations

from minato.core import outbox
from minato.notifications.services import NOTIFICATIONS


def requeue_lost_deliveries() -> int:
    return outbox.requeue_stranded(NOTIFICATIONS)


def run() -> dict[str, int]:
    return {"notifications_requeued": requeue_lost_deliveries()}
