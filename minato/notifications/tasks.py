"""Background delivery: thin tasks that hand straight to the service."""

from __future__ import annotations

from django_tasks import task

from minato.notifications import services


@task()
def deliver_notification(notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)
