"""Delivery channels. Each adapter sends one rendered message and raises on failure.

``DeliveryError(permanent=True)`` means retrying cannot help (a malformed address, a LINE
user who blocked the account, a browser that dropped its subscription): the message fails at
once and goes to the person's next channel. Any other exception is temporary and retried
with backoff.

``key`` is the message's own id, the same on every attempt: adapters hand it to services
that deduplicate (LINE's ``X-Line-Retry-Key``, the email's ``Message-ID``), so a retry after
a crash between sending and recording does not arrive twice where the service can tell.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ChannelAdapter(Protocol):
    channel: str

    def send(self, *, address: str, subject: str, body: str, key: str) -> None: ...


def enabled_channels() -> tuple[str, ...]:
    """The channels configured on this site, in the order offered to residents."""
    channels = ["line"] if settings.LINE_CHANNEL_ACCESS_TOKEN else []
    if settings.WEBPUSH_VAPID_PRIVATE_KEY and settings.WEBPUSH_VAPID_PUBLIC_KEY:
        channels.append("push")
    channels += ["email", "inbox"]
    if settings.NOTIFICATION_SMS_LOG_ONLY:
        channels.append("sms")
    return tuple(channels)


def adapter_for(channel: str) -> ChannelAdapter:
    from minato.notifications.adapters.email import EmailAdapter
    from minato.notifications.adapters.inbox import InboxAdapter
    from minato.notifications.adapters.line import LineAdapter
    from minato.notifications.adapters.push import PushAdapter
    from minato.notifications.adapters.sms import LogOnlySmsAdapter

    adapters: dict[str, type[ChannelAdapter]] = {
        "email": EmailAdapter,
        "inbox": InboxAdapter,
        "line": LineAdapter,
        "push": PushAdapter,
        "sms": LogOnlySmsAdapter,
    }
    if channel not in enabled_channels() or channel not in adapters:
        raise DeliveryError(f"Channel {channel!r} is not enabled", permanent=True)
    return adapters[channel]()
