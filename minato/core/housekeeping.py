"""Periodic clean-up, run by every task worker about once an hour (and by a command)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from minato.core.models import IdempotencyRecord, WorkerHeartbeat


def purge_expired_idempotency_records() -> int:
    """Delete stored responses older than IDEMPOTENCY_KEY_TTL_HOURS; a later retry with
    such a key is treated as a new request."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def purge_dead_worker_heartbeats() -> int:
    """Forget workers that stopped without saying so (killed, machine lost) a day ago."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen_at__lt=cutoff).delete()
    return deleted


def run_housekeeping() -> dict[str, int]:
    return {
        "idempotency_records": purge_expired_idempotency_records(),
        "worker_heartbeats": purge_dead_worker_heartbeats(),
    }
