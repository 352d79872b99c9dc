"""The hub's channels: LINE through the fake LINE server, the inbox, SMS (log only), the
order a resident chose, fallback on a permanent failure, dedupe keys, topics and quiet
hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from minato.accounts.models import User
from minato.notifications import services
from minato.notifications.fake_line import FakeLine, serve
from minato.notifications.models import LineAccount, Notification, Preference, Topic

pytestmark = pytest.mark.django_db
S = Notification.Status
LINE_USER = "U" + "1" * 32
TOKEN = "test-channel-access-token"


@pytest.fixture
def fake_line(settings: Any) -> Iterator[FakeLine]:
    app = FakeLine(token=TOKEN)
    server, url = serve(app)
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    settings.LINE_CHANNEL_SECRET = "test-channel-secret"
    settings.LINE_API_BASE = url
    yield app
    server.shutdown()


def _prefers(user: User, *channels: str, line_user: str = LINE_USER) -> None:
    user.profile.preferred_channels = list(channels)
    user.profile.save()
    if "line" in channels:
        LineAccount.objects.create(user=user, line_user_id=line_user)


def _send(user: User, **extra: Any) -> Notification:
    notification = services.notify(
        recipient=user,
        template_key="general/message",
        context={"title": "道路工事", "message": "芝公園の道路を工事します。"},
        **extra,
    )
    notification.refresh_from_db()
    return notification


def test_a_linked_resident_gets_a_line_push_with_a_retry_key(
    fake_line: FakeLine, alice: User
) -> None:
    _prefers(alice, "line", "email")
    sent = len(mail.outbox)
    notification = _send(alice)
    assert notification.channel == "line" and notification.status == S.DELIVERED
    [push] = fake_line.sent
    assert push.kind == "push" and push.to == [LINE_USER]
    assert "道路工事" in push.texts[0] and push.retry_key == str(notification.public_id)
    assert len(mail.outbox) == sent


def test_a_retry_whose_key_line_already_accepted_is_not_sent_twice(
    fake_line: FakeLine, alice: User
) -> None:
    _prefers(alice, "line")
    notification = _send(alice)
    # The worker died after LINE accepted it and before recording: sent again, same key.
    Notification.objects.filter(pk=notification.pk).update(status=S.RETRYING)
    assert services.notification_deliver(notification_id=notification.pk) == S.DELIVERED
    assert len(fake_line.sent) == 1


def test_a_rate_limit_is_retried_and_an_unknown_user_falls_back_to_email(
    fake_line: FakeLine, alice: User
) -> None:
    _prefers(alice, "line", "email")
    fake_line.fail_next.append(429)
    notification = _send(alice)
    assert notification.status == S.RETRYING and notification.channel == "line"
    assert services.notification_deliver(notification_id=notification.pk) == S.DELIVERED
    # A user LINE does not know (400): permanent, so the next channel takes it.
    fake_line.blocked.add(LINE_USER)
    sent = len(mail.outbox)
    failed = _send(alice)
    assert failed.status == S.FAILED
    fallback = Notification.objects.get(fallback_of=failed)
    assert fallback.channel == "email" and fallback.status == S.DELIVERED
    assert len(mail.outbox) == sent + 1
    # Once per failed message.
    assert services.fall_back(notification_id=failed.pk) is None


def test_the_inbox_is_the_last_resort_and_sms_only_logs(settings: Any, bob: User) -> None:
    settings.NOTIFICATION_SMS_LOG_ONLY = True
    bob.profile.phone = "0335782111"
    _prefers(bob, "sms", "inbox")
    assert _send(bob).channel == "sms"
    bob.profile.preferred_channels = ["line", "inbox"]  # LINE not configured here
    bob.profile.save()
    inbox = _send(bob)
    assert inbox.channel == "inbox" and inbox.status == S.DELIVERED


def test_a_dedupe_key_queues_a_message_once(alice: User) -> None:
    first = _send(alice, dedupe_key="broadcast:1")
    again = _send(alice, dedupe_key="broadcast:1")
    assert first.pk == again.pk
    assert Notification.objects.filter(dedupe_key="broadcast:1").count() == 1


def test_unsubscribing_from_a_topic_stops_messages_already_queued(alice: User) -> None:
    Preference.objects.create(user=alice, topics=[Topic.EVENTS])
    delivered = _send(alice, topic=Topic.EVENTS)
    assert delivered.status == S.DELIVERED
    Preference.objects.filter(user=alice).update(topics=[])
    Notification.objects.filter(pk=delivered.pk).update(status=S.QUEUED)
    services.notification_deliver(notification_id=delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == S.CANCELLED and delivered.last_error == "unsubscribed"
    # Without preferences, only disaster news comes.
    assert services.topics_of(alice.pk + 1000) == [Topic.DISASTER]


def test_quiet_hours_hold_interrupting_channels_but_not_emergencies(
    fake_line: FakeLine, alice: User
) -> None:
    _prefers(alice, "line")
    now = timezone.localtime()
    start = (datetime.combine(now.date(), now.time()).replace(second=0, microsecond=0)).time()
    until = time((start.hour + 2) % 24, start.minute)
    Preference.objects.create(
        user=alice, topics=[Topic.DISASTER], quiet_from=start, quiet_until=until
    )
    held = _send(alice)
    assert held.status == S.RETRYING and held.attempts == 0 and held.next_attempt_at is not None
    assert fake_line.sent == []
    urgent = _send(alice, is_emergency=True, topic=Topic.DISASTER)
    assert urgent.status == S.DELIVERED and len(fake_line.sent) == 1


def test_quiet_hours_across_midnight_end_the_next_morning() -> None:
    preference = Preference(quiet_from=time(22), quiet_until=time(7))
    tz = timezone.get_current_timezone()
    late = timezone.make_aware(datetime(2026, 12, 5, 23, 30), tz)
    end = services.quiet_hours_end(preference, late)
    assert end is not None and (end.day, end.hour) == (6, 7)
    early = timezone.make_aware(datetime(2026, 12, 6, 6, 0), tz)
    end = services.quiet_hours_end(preference, early)
    assert end is not None and (end.day, end.hour) == (6, 7)
    assert services.quiet_hours_end(preference, late.replace(hour=12)) is None
