"""The sandbox provider's webhook outbox, delivered by the core deliverer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from minato.payments import housekeeping
from minato.payments.models import SandboxWebhook
from minato.payments.providers import sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The statuses the platform's endpoint answers with, first to last (then 200)."""
    queue: list[int] = []

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return queue.pop(0) if queue else 200

    monkeypatch.setattr(sandbox, "post_webhook", post)
    return queue


def _webhook() -> SandboxWebhook:
    return SandboxWebhook.objects.create(event_id="sbx_evt_1", payload={"id": "sbx_evt_1"})


def test_a_webhook_the_endpoint_refuses_is_retried_then_delivered(answers: list[int]) -> None:
    answers.append(503)
    webhook = _webhook()
    assert sandbox.webhook_deliver(webhook_id=webhook.pk) == "retrying"
    webhook.refresh_from_db()
    assert (webhook.last_status_code, webhook.attempts) == (503, 1)
    assert webhook.next_attempt_at is not None
    assert sandbox.webhook_deliver(webhook_id=webhook.pk) == "delivered"
    webhook.refresh_from_db()
    assert (webhook.status, webhook.last_status_code, webhook.attempts) == ("delivered", 200, 2)


def test_a_webhook_fails_after_its_last_attempt(answers: list[int]) -> None:
    answers.extend([500] * sandbox.MAX_ATTEMPTS)
    webhook = _webhook()
    for _ in range(sandbox.MAX_ATTEMPTS):
        sandbox.webhook_deliver(webhook_id=webhook.pk)
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == ("failed", sandbox.MAX_ATTEMPTS)


def test_housekeeping_hands_webhooks_whose_task_was_lost_to_a_new_task(
    answers: list[int],
) -> None:
    # given a webhook whose task was never enqueued (lost between commit and enqueue)
    lost = _webhook()
    SandboxWebhook.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = _webhook()  # its task may yet run
    # when housekeeping runs
    assert housekeeping.run()["sandbox_webhooks_requeued"] == 1
    # then it is delivered, and the fresh one is left to its own task
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("delivered", "pending")
