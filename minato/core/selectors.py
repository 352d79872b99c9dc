"""Reads of shared-kernel data: the audit log, scoped by department for staff."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from minato.core.models import AuditEvent


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit_events(
    *,
    department_ids: set[int] | None,
    action: str = "",
    object_type: str = "",
    actor_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first. ``department_ids=None`` means every department."""
    events = AuditEvent.objects.order_by("-sequence")
    if department_ids is not None:
        events = events.filter(department_id__in=department_ids)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if date_from:
        events = events.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_local_midnight(date_to + timedelta(days=1)))
    return events
