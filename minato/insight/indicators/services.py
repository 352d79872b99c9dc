"""Writes for the indicators: recording a security incident (the plan's indicator counts the
serious ones)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from minato.core import audit
from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.models import Incident


@transaction.atomic
def incident_record(*, occurred_on: date, severity: str, title: str, recorded_by: Any) -> Incident:
    incident = Incident.objects.create(
        occurred_on=occurred_on, severity=severity, title=title, recorded_by=recorded_by
    )
    audit.record(
        action="insight.incident_recorded", obj=incident, changes={"severity": [None, severity]}
    )
    transaction.on_commit(indicator_selectors.forget)
    return incident
