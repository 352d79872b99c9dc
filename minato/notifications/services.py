"""Tell a person something. Every module calls ``notify``; nothing else sends messages.

Messages are rendered when queued (so what was sent is kept exactly), delivered by a
background task, retried with exponential backoff, and every status change is audited.
The task is enqueued inside the caller's transaction: with the database task backend the
message and its delivery job commit together or not at all (a transactional outbox).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateDoesNotExist

from minato.core import audit, outbox
from minato.core.context import current as current_context
from minato.notifications.adapters import SUPPORTED_CHANNELS, DeliveryError, adapter_for
from minato.notifications.models import Notification

TEMPLATE_KEY_RE = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")
FALLBACK_LANGUAGE = "ja"
RETRY_BASE_SECONDS = 30


# Messages are plain text: a separate engine without HTML autoescaping, so "&" in a URL
# arrives as "&" and not "&amp;".
_TEXT_ENGINE = Engine(
    dirs=[str(d) for d in settings.TEMPLATES[0]["DIRS"]],  # type: ignore[attr-defined]
    app_dirs=True,
    autoescape=False,
)


class UnknownTemplate(ValueError):
    pass


def _template_language_chain(language: str) -> list[str]:
    return [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]


def render_message(
    *, template_key: str, language: str, context: dict[str, Any]
) -> tuple[str, str, str]:
    """Render a message template: its first line is the subject, the rest the body.

    Returns ``(language_used, subject, body)``; falls back to Japanese where a template has
    no translation yet.
    """
    if not TEMPLATE_KEY_RE.match(template_key):
        raise UnknownTemplate(f"Invalid template key {template_key!r}")
    for candidate in _template_language_chain(language):
        try:
            template = _TEXT_ENGINE.get_template(
                f"notifications/messages/{template_key}/{candidate}.txt"
            )
        except TemplateDoesNotExist:
            continue
        text = template.render(
            Context({**context, "site_url": settings.SITE_URL}, autoescape=False)
        ).strip()
        subject, _, body = text.partition("\n")
        return candidate, subject.strip(), body.strip() + "\n"
    raise UnknownTemplate(f"No template {template_key!r}")


def template_exists(template_key: str) -> bool:
    try:
        render_message(template_key=template_key, language=FALLBACK_LANGUAGE, context={})
    except UnknownTemplate:
        return False
    return True


def context_actor_id() -> int | None:
    return current_context().actor_id


def _preferences(recipient: Any) -> tuple[str, list[str]]:
    profile = getattr(recipient, "profile", None) if recipient is not None else None
    language = getattr(profile, "preferred_language", "") or FALLBACK_LANGUAGE
    channels = list(getattr(profile, "preferred_channels", None) or [])
    return language, channels


def _build(
    *,
    template_key: str,
    context: dict[str, Any],
    recipient: Any = None,
    address: str = "",
    language: str | None = None,
    channel: str | None = None,
    reference: str = "",
) -> Notification:
    preferred_language, preferred_channels = _preferences(recipient)
    language = language or preferred_language
    if channel is None:
        channel = next((c for c in preferred_channels if c in SUPPORTED_CHANNELS), "email")
    address = address or (recipient.email if recipient is not None else "")
    if not address:
        raise ValueError("A notification needs a recipient or an address")
    language_used, subject, body = render_message(
        template_key=template_key, language=language, context=context
    )
    return Notification(
        recipient=recipient,
        address=address,
        channel=channel,
        template_key=template_key,
        language=language_used,
        subject=subject[:300],
        body=body,
        reference=reference[:100],
        created_by_id=context_actor_id(),
    )


def _queued_event(notification: Notification) -> dict[str, Any]:
    return {
        "action": "notifications.queued",
        "obj": notification,
        "subject_id": notification.recipient_id,
        "changes": {
            "status": [None, notification.status],
            "template_key": [None, notification.template_key],
        },
    }


@transaction.atomic
def notify(
    *,
    template_key: str,
    context: dict[str, Any],
    recipient: Any = None,
    address: str = "",
    language: str | None = None,
    channel: str | None = None,
    reference: str = "",
) -> Notification:
    """Queue one message to one person, in their language, on their preferred channel.

    ``recipient`` is a user (preferences come from their profile); ``address`` alone sends
    to someone without an account (a guest applicant).
    """
    notification = _build(
        template_key=template_key,
        context=context,
        recipient=recipient,
        address=address,
        language=language,
        channel=channel,
        reference=reference,
    )
    notification.save(force_insert=True)
    audit.record(**_queued_event(notification))
    outbox.enqueue(NOTIFICATIONS, notification.pk)
    return notification


@transaction.atomic
def notify_many(messages: list[dict[str, Any]]) -> list[Notification]:
    """Queue several messages at once (work done in batches): each dict holds ``notify``'s
    keyword arguments. One insert for the messages, one for their audit events and one
    delivery task for them all; the messages are otherwise exactly as ``notify`` makes them.
    """
    notifications = [_build(**message) for message in messages]
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications)
    audit.record_many([_queued_event(notification) for notification in notifications])
    outbox.enqueue_many(NOTIFICATIONS, [notification.pk for notification in notifications])
    return notifications


class NotificationOutbox(outbox.Outbox[Notification]):
    """Messages, for the core deliverer: sent through their channel's adapter."""

    model = Notification
    task = "minato.notifications.tasks.deliver_notification"
    batch_task = "minato.notifications.tasks.deliver_notifications"
    audit_action = "notifications.{status}"

    @property
    def backoff(self) -> outbox.Backoff:
        return outbox.Backoff(
            base_seconds=RETRY_BASE_SECONDS, max_attempts=settings.NOTIFICATION_MAX_ATTEMPTS
        )

    def send(self, row: Notification) -> outbox.Sent:
        try:
            adapter_for(row.channel).send(address=row.address, subject=row.subject, body=row.body)
        except DeliveryError as exc:
            # Our own DeliveryError messages never quote the address: safe to keep. Any
            # other error is retried by the deliverer, which keeps only its type.
            return outbox.Sent(ok=False, error=str(exc), permanent=exc.permanent)
        return outbox.Sent(ok=True)

    def audit_scope(self, row: Notification) -> outbox.AuditScope:
        return {"subject_id": row.recipient_id}


NOTIFICATIONS = NotificationOutbox()


def notification_deliver(*, notification_id: int) -> str:
    """Try to deliver one queued message once; a temporary failure is retried with backoff
    (see ``minato.core.outbox``). Returns the new status, or "skipped"."""
    return outbox.deliver(NOTIFICATIONS, notification_id)
