"""The core deliverer, against a fake outbox over the Notification table: a sender the test
controls, and a task backend that records what is enqueued instead of running it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from minato.core import outbox
from minato.core.models import AuditEvent
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class FakeOutbox(outbox.Outbox[Notification]):
    model = Notification
    task = "minato.core.tests.test_outbox.deliver_fake"
    audit_action = "tests.outbox_{status}"
    backoff = outbox.Backoff(base_seconds=30, max_attempts=3)

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.sent: list[int] = []
        self.answer: Callable[[Notification], outbox.Sent] = lambda row: outbox.Sent(ok=True)

    def send(self, row: Notification) -> outbox.Sent:
        self.sent.append(row.pk)
        return self.answer(row)


FAKE = FakeOutbox()


@task()
def deliver_fake(row_id: int) -> str:
    return outbox.deliver(FAKE, row_id)


class WorkerKilled(BaseException):
    """What a worker killed mid-task looks like from inside: nothing after it runs."""


@pytest.fixture
def fake() -> FakeOutbox:
    FAKE.reset()
    return FAKE


@pytest.fixture
def row() -> Notification:
    return Notification.objects.create(
        address="someone@example.org",
        template_key="general/message",
        language="ja",
        subject="件名",
        body="本文",
    )


@pytest.fixture
def enqueued() -> Iterator[list[Any]]:
    """The tasks enqueued meanwhile (not run)."""
    with override_settings(TASKS=DUMMY_TASKS):
        default_task_backend.clear()  # type: ignore[attr-defined]
        yield default_task_backend.results  # type: ignore[attr-defined]


def _actions(row: Notification) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="notifications.notification", object_id=str(row.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_row_is_claimed_sent_and_recorded_as_delivered(
    fake: FakeOutbox, row: Notification
) -> None:
    assert outbox.deliver(fake, row.pk) == outbox.DELIVERED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, "")
    assert row.delivered_at is not None and row.next_attempt_at is None
    assert fake.sent == [row.pk]


def test_a_row_claimed_twice_at_once_is_sent_once(fake: FakeOutbox, row: Notification) -> None:
    second_worker: list[str] = []

    def answer(claimed: Notification) -> outbox.Sent:
        # a second worker gets the same row while the first is still sending it
        second_worker.append(outbox.deliver(fake, claimed.pk))
        return outbox.Sent(ok=True)

    fake.answer = answer
    assert outbox.deliver(fake, row.pk) == outbox.DELIVERED
    assert second_worker == [outbox.SKIPPED]
    assert fake.sent == [row.pk]
    assert outbox.deliver(fake, row.pk) == outbox.SKIPPED  # and once delivered, never again


def test_a_failed_attempt_is_retried_later_with_exponential_backoff(
    fake: FakeOutbox, row: Notification, enqueued: list[Any]
) -> None:
    fake.answer = lambda claimed: outbox.Sent(ok=False, error="HTTP 503", status_code=503)
    for attempt, wait in ((1, 30), (2, 60)):
        before = timezone.now()
        assert outbox.deliver(fake, row.pk) == outbox.RETRYING
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == ("retrying", attempt, "HTTP 503")
        assert row.next_attempt_at is not None
        assert before + timedelta(seconds=wait) <= row.next_attempt_at
        assert row.next_attempt_at <= timezone.now() + timedelta(seconds=wait)
        # the retry is the row's own task again, enqueued for then
        retry = enqueued[-1]
        assert retry.task.module_path == FakeOutbox.task
        assert (retry.args, retry.task.run_after) == ([row.pk], row.next_attempt_at)
    assert len(enqueued) == 2


def test_a_row_fails_once_its_attempts_are_used_up(
    fake: FakeOutbox, row: Notification, enqueued: list[Any]
) -> None:
    fake.answer = lambda claimed: outbox.Sent(ok=False, error="HTTP 500", status_code=500)
    results = [outbox.deliver(fake, row.pk) for _ in range(4)]
    assert results == ["retrying", "retrying", "failed", "skipped"]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert len(enqueued) == 2  # no retry after the last attempt


def test_a_permanent_failure_fails_at_once_without_a_retry(
    fake: FakeOutbox, row: Notification, enqueued: list[Any]
) -> None:
    fake.answer = lambda claimed: outbox.Sent(ok=False, error="bad address", permanent=True)
    assert outbox.deliver(fake, row.pk) == outbox.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "bad address")
    assert enqueued == []


def test_an_error_the_sender_did_not_expect_is_retried_and_only_its_type_is_kept(
    fake: FakeOutbox, row: Notification
) -> None:
    def answer(claimed: Notification) -> outbox.Sent:
        raise ConnectionResetError("reset by someone@example.org")

    fake.answer = answer
    assert outbox.deliver(fake, row.pk) == outbox.RETRYING
    row.refresh_from_db()
    assert row.last_error == "ConnectionResetError"


def test_every_state_change_is_audited_with_the_attempt(
    fake: FakeOutbox, row: Notification
) -> None:
    fake.answer = lambda claimed: outbox.Sent(ok=False, error="down")
    outbox.deliver(fake, row.pk)
    fake.answer = lambda claimed: outbox.Sent(ok=True)
    outbox.deliver(fake, row.pk)
    assert _actions(row) == [
        "tests.outbox_sending",
        "tests.outbox_retrying",
        "tests.outbox_sending",
        "tests.outbox_delivered",
    ]
    last = AuditEvent.objects.filter(action="tests.outbox_delivered").get()
    assert last.changes == {"status": ["sending", "delivered"], "attempts": [None, 2]}


def test_a_worker_killed_between_send_and_record_leaves_a_claim_that_is_sent_again_later(
    fake: FakeOutbox, row: Notification
) -> None:
    # given a worker that sent the row and died before recording it
    def killed(claimed: Notification) -> outbox.Sent:
        raise WorkerKilled

    fake.answer = killed
    with pytest.raises(WorkerKilled):
        outbox.deliver(fake, row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 1)
    # then while its claim is fresh nobody sends it again
    fake.answer = lambda claimed: outbox.Sent(ok=True)
    assert outbox.deliver(fake, row.pk) == outbox.SKIPPED
    # and once the claim is stale it is sent again (at least once: receivers deduplicate)
    Notification.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert outbox.deliver(fake, row.pk) == outbox.DELIVERED
    row.refresh_from_db()
    assert (row.status, row.attempts, fake.sent) == ("delivered", 2, [row.pk, row.pk])


def test_the_outcome_of_a_claim_taken_over_meanwhile_is_not_recorded(
    fake: FakeOutbox, row: Notification
) -> None:
    def slow_then_failing(claimed: Notification) -> outbox.Sent:
        if len(fake.sent) == 1:
            # so slow that its claim went stale and another worker took and delivered it
            Notification.objects.filter(pk=claimed.pk).update(
                updated_at=timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1)
            )
            assert outbox.deliver(fake, claimed.pk) == outbox.DELIVERED
            return outbox.Sent(ok=False, error="timed out")
        return outbox.Sent(ok=True)

    fake.answer = slow_then_failing
    assert outbox.deliver(fake, row.pk) == outbox.SKIPPED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, "")


def test_rows_whose_task_was_lost_get_a_new_one(
    fake: FakeOutbox, row: Notification, enqueued: list[Any]
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(pk=row.pk).update(created_at=long_ago)
    fresh = Notification.objects.create(
        address="b@example.org", template_key="general/message", language="ja", subject="s"
    )
    delivered = Notification.objects.create(
        address="c@example.org", template_key="general/message", language="ja", subject="s"
    )
    Notification.objects.filter(pk=delivered.pk).update(status="delivered", created_at=long_ago)
    assert outbox.requeue_stranded(fake) == 1
    assert [result.args for result in enqueued] == [[row.pk]]
    assert fresh.pk not in fake.sent
