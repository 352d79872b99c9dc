"""Background work for payments: thin tasks that call one service."""

from __future__ import annotations

from django_tasks import task

from minato.payments.providers import sandbox


@task()
def deliver_sandbox_webhook(webhook_id: int) -> str:
    return sandbox.webhook_deliver(webhook_id=webhook_id)
