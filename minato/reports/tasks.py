"""Background work of community reports: telling the people who follow an area."""

from __future__ import annotations

from django_tasks import task

from minato.reports import services


@task()
def tell_area_followers(report_id: int) -> str:
    return f"messages queued: {services.tell_area_followers(report_id=report_id)}"
