"""Periodic clean-up, run by every task worker about once an hour (and by a command).

Besides the jobs here, each app may have a ``housekeeping`` module with a ``run()``
returning ``{what: count}``; it is found and run with the rest."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
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
    counts = {
        "idempotency_records": purge_expired_idempotency_records(),
        "worker_heartbeats": purge_dead_worker_heartbeats(),
    }
    for config in apps.get_app_configs():
        module_name = f"{config.name}.housekeeping"
        if module_name != __name__ and config.name.startswith("minato.") and find_spec(module_name):
            counts.update(import_module(module_name).run())
    return counts
