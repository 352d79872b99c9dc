"""Hourly clean-up for procedures (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.core import outbox
from minato.procedures.applications.attachments import (
    purge_expired_drafts,
    purge_unclaimed_attachments,
)
from minato.procedures.handoff.services import HANDOFFS


def run() -> dict[str, int]:
    return {
        "unclaimed_attachments": purge_unclaimed_attachments(),
        "expired_drafts": purge_expired_drafts(),
        # hand-off deliveries whose task was lost (a worker killed mid-send, say)
        "handoffs_requeued": outbox.requeue_stranded(HANDOFFS),
    }
