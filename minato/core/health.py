"""Readiness checks: the database answers, every migration is applied, a worker is alive,
and the checks apps add in READINESS_CHECKS ({name: dotted path of a function returning
``{"ok": bool, …}``}) pass — e.g. the worker keeps up with stored payment webhook events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import import_string

from minato.core.models import WorkerHeartbeat


def check_database() -> dict[str, Any]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready", never a 500
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


_migrations_applied = False


def check_migrations() -> dict[str, Any]:
    # Loading the migration graph is slow; once everything is applied in this process,
    # it stays applied (a deploy with new migrations starts new processes).
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True, "unapplied": 0}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    _migrations_applied = not plan
    return {"ok": not plan, "unapplied": len(plan)}


def check_worker() -> dict[str, Any]:
    try:
        latest = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if latest is None:
        return {"ok": False, "error": "no worker has reported"}
    age = (timezone.now() - latest.last_seen_at).total_seconds()
    fresh_after = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=fresh_after).count()
    return {
        "ok": age <= settings.WORKER_STALE_SECONDS,
        "last_heartbeat_age_seconds": round(age, 1),
        "workers_alive": alive,
    }


def readiness() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    checks = {"database": database}
    extra = getattr(settings, "READINESS_CHECKS", {})
    if database["ok"]:
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker()
        for name, path in extra.items():
            try:
                checks[name] = import_string(path)()
            except Exception as exc:  # a failing check means "not ready", never a 500
                checks[name] = {"ok": False, "error": type(exc).__name__}
    else:
        for name in ("migrations", "worker", *extra):
            checks[name] = {"ok": False, "error": "database unreachable"}
    return all(check.get("ok") is True for check in checks.values()), checks
