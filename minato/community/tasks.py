"""Background work of the circular boards: telling the members of a circular's households."""

from __future__ import annotations

from django_tasks import task

from minato.community import services


@task()
def tell_members(circular_id: int, template: str, only_waiting: bool = False) -> str:
    queued = services.tell_members(
        circular_id=circular_id, template=template, only_waiting=only_waiting
    )
    return f"messages queued: {queued}"
