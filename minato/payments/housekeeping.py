"""Hourly work for payments (run by ``minato.core.housekeeping``): ask the provider about
payments stuck in "started" and refunds still pending, and hand sandbox webhooks whose
delivery task was lost to a new task."""

from __future__ import annotations

from minato.core import context, outbox
from minato.payments.providers.sandbox import SANDBOX_WEBHOOKS
from minato.payments.services import payments_sweep_stuck, refunds_sweep_pending


def run() -> dict[str, int]:
    with context.acting_as(actor_label="system:payments_sweep"):
        return {
            "stuck_payments_resolved": payments_sweep_stuck(),
            "pending_refunds_settled": refunds_sweep_pending(),
            "sandbox_webhooks_requeued": outbox.requeue_stranded(SANDBOX_WEBHOOKS),
        }
