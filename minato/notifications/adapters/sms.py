"""SMS: the interface only. No provider is bundled (each ward contracts its own); this adapter
writes one log line per message, without the number or the text, so a deployment can see
what would be sent. A real adapter raises ``DeliveryError(permanent=True)`` for a number the
provider refuses."""

from __future__ import annotations

import logging

from minato.notifications.adapters import DeliveryError

logger = logging.getLogger(__name__)


class LogOnlySmsAdapter:
    channel = "sms"

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        digits = address.replace("-", "")
        if not digits.isdigit() or not 10 <= len(digits) <= 11:
            raise DeliveryError("Malformed phone number", permanent=True)
        logger.info("SMS not sent (log-only adapter)", extra={"key": key, "length": len(body)})
