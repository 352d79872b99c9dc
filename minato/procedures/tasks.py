"""Background work for procedures: thin tasks that call the hand-off service."""

from __future__ import annotations

from django_tasks import task

from minato.procedures.handoff import services as handoff


@task()
def deliver_handoff(delivery_id: int) -> str:
    return handoff.handoff_deliver(delivery_id=delivery_id)
