"""Run django-tasks-db's worker with a heartbeat that /readyz can see.

The heartbeat comes from a small thread while the worker loop runs; the row also counts
the tasks this process finished, so a stuck worker shows a heartbeat but no progress. The
same thread runs the hourly housekeeping (expired idempotency records, dead heartbeats).
Other threads run the PERIODIC_JOBS (``minato.core.periodic``): sealing audit events every
AUDIT_SEAL_SECONDS, so they join the hash chain about a second after their transaction
commits (decision 0005), and applying stored payment webhook events (decision 0006).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from minato.core import periodic
from minato.core.housekeeping import run_housekeeping
from minato.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class HeartbeatWorker(Worker):
    def run_task(self, db_task_result: Any) -> None:
        super().run_task(db_task_result)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            last_seen_at=timezone.now(), tasks_run=self._run_tasks
        )


HOUSEKEEPING_EVERY_SECONDS = 3600


def _beat(worker_id: str, stop: threading.Event) -> None:
    started = timezone.now()
    last_housekeeping = 0.0
    while not stop.is_set():
        if time.monotonic() - last_housekeeping > HOUSEKEEPING_EVERY_SECONDS:
            try:
                run_housekeeping()
            except Exception:
                logger.exception("Housekeeping failed")
            last_housekeeping = time.monotonic()
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname()[:200],
                    "pid": os.getpid(),
                    "last_seen_at": timezone.now(),
                },
                create_defaults={
                    "hostname": socket.gethostname()[:200],
                    "pid": os.getpid(),
                    "started_at": started,
                    "last_seen_at": timezone.now(),
                },
            )
        except Exception:  # a busy database must not kill the heartbeat thread
            close_old_connections()
        stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
    connection.close()


class Command(DbWorkerCommand):
    help = "Run the background task worker (django-tasks-db) with a readiness heartbeat."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options.get("worker_id") or get_random_string(32)
        options["worker_id"] = worker_id
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, stop), daemon=True)
        beat.start()
        jobs = periodic.start_threads(stop)
        import django_tasks_db.management.commands.db_worker as db_worker

        original = db_worker.Worker
        db_worker.Worker = HeartbeatWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
            stop.set()
            beat.join(timeout=5)
            for job in jobs:
                job.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
