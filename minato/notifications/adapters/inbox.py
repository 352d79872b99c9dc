"""The inbox on the portal (/accounts/messages/): the message is stored, which is all
delivering it takes; the person reads it when they next sign in."""

from __future__ import annotations


class InboxAdapter:
    channel = "inbox"

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        return None
