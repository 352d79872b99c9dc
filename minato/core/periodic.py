"""Work the worker does every few seconds beside its tasks: a thread per job, each calling a
function that finishes what is waiting and returns how many it did.

The jobs come from the PERIODIC_JOBS setting ({dotted path: seconds}; 0 turns one off), so
an app adds its own without the worker knowing it: sealing audit events (decision 0005) and
applying stored payment webhook events (decision 0006). Several workers may run the same
job: each job takes a lock, so one worker does a round and the others skip it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def configured_jobs() -> list[tuple[str, Callable[[], int], float]]:
    jobs = getattr(settings, "PERIODIC_JOBS", {})
    return [
        (path, import_string(path), float(seconds))
        for path, seconds in jobs.items()
        if float(seconds) > 0
    ]


def run_every(name: str, job: Callable[[], int], interval: float, stop: threading.Event) -> int:
    """Call ``job`` every ``interval`` seconds until ``stop`` is set; return the total done.
    A failing call is logged and the loop goes on: a busy or restarting database must not
    end it."""
    total = 0
    while not stop.is_set():
        close_old_connections()  # honour CONN_MAX_AGE and health checks in this thread
        try:
            total += job()
        except Exception:
            logger.exception("Periodic job failed", extra={"job": name})
            close_old_connections()
        stop.wait(interval)
    connection.close()
    return total


def run_until_signalled(name: str, job: Callable[[], int], interval: float) -> int:
    """``run_every`` in the foreground until SIGINT or SIGTERM (a management command's
    ``--loop``); return the total done."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return run_every(name, job, interval, stop)


def start_threads(stop: threading.Event) -> list[threading.Thread]:
    threads = []
    for name, job, interval in configured_jobs():
        thread = threading.Thread(
            target=run_every, args=(name, job, interval, stop), name=name, daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads
