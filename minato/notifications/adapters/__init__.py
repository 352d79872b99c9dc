"""Delivery channels. Each adapter sends one rendered message and raises on failure.

``DeliveryError(permanent=True)`` means retrying cannot help (a malformed address);
any other exception is treated as temporary and retried with backoff.
"""

from __future__ import annotations

from typing import Protocol


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ChannelAdapter(Protocol):
    channel: str

    def send(self, *, address: str, subject: str, body: str) -> None: ...


def adapter_for(channel: str) -> ChannelAdapter:
    from minato.notifications.adapters.email import EmailAdapter

    adapters: dict[str, ChannelAdapter] = {"email": EmailAdapter()}
    try:
        return adapters[channel]
    except KeyError:
        raise DeliveryError(f"No adapter for channel {channel!r}", permanent=True) from None


SUPPORTED_CHANNELS = ("email",)
