"""LINE: a push message to the resident's linked LINE user (``address``: LINE's user id)."""

from __future__ import annotations

from minato.notifications import line
from minato.notifications.adapters import DeliveryError


class LineAdapter:
    channel = "line"

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        try:
            line.push(user_id=address, text=line.text_of(subject, body), retry_key=key)
        except line.LineError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent) from None
