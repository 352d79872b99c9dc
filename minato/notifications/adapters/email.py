"""Email through Django's configured backend (SMTP in production, files in the demo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from minato.notifications.adapters import DeliveryError


class EmailAdapter:
    channel = "email"

    def send(
        self, *, address: str, subject: str, body: str, key: str, connection: Any = None
    ) -> None:
        """``connection``: an open mail connection to reuse (a batch sends many over one)."""
        if "\n" in address or "@" not in address:
            raise DeliveryError("Malformed email address", permanent=True)
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "minato"
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The same id on every attempt: mail systems drop a resent copy of a message.
            headers={"Message-ID": f"<{key}@{domain}>"},
            connection=connection,
        )
        sent = message.send(fail_silently=False)
        if sent != 1:
            raise DeliveryError("The mail backend accepted no message")
