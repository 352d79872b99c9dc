from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.notifications import services
from minato.notifications.adapters import DeliveryError
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_renders_in_the_recipients_language_and_delivers(bob: User) -> None:
    bob.profile.preferred_language = "en"
    bob.profile.save()
    notification = services.notify(
        recipient=bob,
        template_key="general/message",
        context={"title": "Road works", "message": "A & B"},
    )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.DELIVERED
    assert notification.language == "en"
    assert mail.outbox[-1].subject == "Minato City: Road works"
    assert "A & B" in mail.outbox[-1].body  # plain text: no HTML escaping


def test_easy_japanese_has_its_own_template(alice: User) -> None:
    alice.profile.preferred_language = "ja-easy"
    alice.profile.save()
    services.notify(
        recipient=alice,
        template_key="general/message",
        context={"title": "おしらせ", "message": "こんにちは"},
    )
    assert mail.outbox[-1].subject.startswith("【みなとく】")


def test_unknown_templates_are_refused_and_nothing_is_queued(alice: User) -> None:
    count = Notification.objects.count()
    for key in ("general/nope", "../../etc/passwd", "general/message/../x"):
        with pytest.raises(services.UnknownTemplate):
            services.notify(recipient=alice, template_key=key, context={})
    assert Notification.objects.count() == count


def test_a_temporary_failure_is_retried_with_backoff(alice: User) -> None:
    with mock.patch(
        "minato.notifications.adapters.email.EmailAdapter.send",
        side_effect=OSError("connection refused"),
    ):
        notification = services.notify(
            recipient=alice, template_key="general/message", context={"title": "t", "message": "m"}
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.RETRYING
    assert notification.attempts == 1
    assert notification.next_attempt_at is not None
    assert services.notification_deliver(notification_id=notification.pk) == "delivered"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.DELIVERED
    assert notification.attempts == 2


def test_a_permanent_failure_stops_retrying(alice: User) -> None:
    with mock.patch(
        "minato.notifications.adapters.email.EmailAdapter.send",
        side_effect=DeliveryError("bad address", permanent=True),
    ):
        notification = services.notify(
            recipient=alice, template_key="general/message", context={"title": "t", "message": "m"}
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert services.notification_deliver(notification_id=notification.pk) == "skipped"


def test_every_status_change_is_audited(alice: User) -> None:
    notification = services.notify(
        recipient=alice, template_key="general/message", context={"title": "t", "message": "m"}
    )
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(notification.pk), object_type="notifications.notification"
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["notifications.queued", "notifications.sending", "notifications.delivered"]


def test_a_message_another_worker_is_sending_is_not_sent_twice(alice: User) -> None:
    with mock.patch("minato.notifications.services.adapter_for") as adapter:
        adapter.return_value.send.side_effect = OSError("down")
        notification = services.notify(
            recipient=alice, template_key="general/message", context={"title": "t", "message": "m"}
        )
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENDING)
    assert services.notification_deliver(notification_id=notification.pk) == "skipped"


def test_notify_many_queues_each_message_as_notify_would_and_delivers_them(
    alice: User, bob: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bob.profile.preferred_language = "en"
    bob.profile.save()
    message = {"template_key": "general/message", "context": {"title": "T", "message": "M"}}
    with CaptureQueriesContext(connection) as queries:
        queued = services.notify_many(
            [{**message, "recipient": alice}, {**message, "recipient": bob}]
        )
    # one insert for the messages and one for their audit events, whatever their number
    # (the tests' task backend then delivers at once, which writes more)
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert sum('"notifications_notification"' in sql for sql in inserts) == 1
    assert sum("notifications.queued" in sql for sql in inserts) == 1
    assert [n.language for n in queued] == ["ja", "en"]
    assert (
        AuditEvent.objects.filter(
            action="notifications.queued", object_id__in=[str(n.pk) for n in queued]
        ).count()
        == 2
    )
    for notification in queued:
        notification.refresh_from_db()
        assert notification.status == Notification.Status.DELIVERED
    assert sorted(m.to[0] for m in mail.outbox[-2:]) == sorted([alice.email, bob.email])
    assert services.notify_many([]) == []


def test_a_message_whose_delivery_crashes_gets_its_own_task(alice: User) -> None:
    from minato.notifications import tasks

    first, second = (
        services.notify(
            recipient=alice, template_key="general/message", context={"title": t, "message": t}
        )
        for t in ("one", "two")
    )
    Notification.objects.filter(pk__in=[first.pk, second.pk]).update(status="queued")
    real = services.notification_deliver
    crashed: list[int] = []

    def deliver(*, notification_id: int) -> str:
        if notification_id == first.pk and not crashed:
            crashed.append(notification_id)
            raise RuntimeError("database went away")
        return real(notification_id=notification_id)

    with mock.patch.object(services, "notification_deliver", deliver):
        result = tasks.deliver_notifications.call([first.pk, second.pk])
    # the crash did not stop the second message; the first was handed to its own task
    assert result == "delivered: 1, requeued: 1"
    first.refresh_from_db()
    assert crashed == [first.pk] and first.status == Notification.Status.DELIVERED


def test_housekeeping_hands_messages_whose_task_was_lost_to_a_new_task(alice: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from minato.notifications import housekeeping

    notification = services.notify(
        recipient=alice, template_key="general/message", context={"title": "t", "message": "m"}
    )
    # as if its worker died before delivering it: still queued, 20 minutes later
    Notification.objects.filter(pk=notification.pk).update(
        status="queued", created_at=timezone.now() - timedelta(minutes=20)
    )
    fresh = services.notify(
        recipient=alice, template_key="general/message", context={"title": "u", "message": "n"}
    )
    Notification.objects.filter(pk=fresh.pk).update(status="queued")  # its task may yet run
    # claimed by a worker that died while sending, long enough ago that the claim is stale
    stuck = services.notify(
        recipient=alice, template_key="general/message", context={"title": "v", "message": "o"}
    )
    Notification.objects.filter(pk=stuck.pk).update(
        status="sending", updated_at=timezone.now() - timedelta(minutes=30)
    )
    sent = len(mail.outbox)
    assert housekeeping.run() == {"notifications_requeued": 2}
    for message in (notification, stuck):
        message.refresh_from_db()
        assert message.status == Notification.Status.DELIVERED
    assert len(mail.outbox) == sent + 2
    assert housekeeping.requeue_lost_deliveries() == 0
