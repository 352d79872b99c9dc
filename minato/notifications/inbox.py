"""The resident's messages on the portal (/accounts/messages/) and which of them they have read.

Only messages on the inbox channel are read on this site, so only they can be unread: a
message sent by email, LINE, push or SMS was delivered there and is listed here as a copy.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from minato.core import audit
from minato.notifications.models import Notification
from minato.notifications.selectors import notifications_for_recipient

INBOX = "inbox"
UNREAD = Q(channel=INBOX, read_at__isnull=True, status=Notification.Status.DELIVERED)


def inbox_for_recipient(*, recipient_id: int) -> QuerySet[Notification]:
    """A resident's messages, newest first, each with ``is_unread``."""
    return notifications_for_recipient(recipient_id=recipient_id).annotate(
        is_unread=ExpressionWrapper(UNREAD, output_field=BooleanField())
    )


def inbox_unread_count(*, recipient_id: int) -> int:
    return Notification.objects.filter(UNREAD, recipient_id=recipient_id).count()


def _read_event(notification: Notification, read_at: str) -> dict[str, Any]:
    return {
        "action": "notifications.inbox_read",
        "obj": notification,
        "subject_id": notification.recipient_id,
        "changes": {"read_at": [None, read_at]},
    }


@transaction.atomic
def inbox_mark_read(*, user: Any, public_id: uuid.UUID | str) -> Notification:
    """Open one of ``user``'s own messages: an inbox message not read yet is marked read
    (audited as ``notifications.inbox_read``). Raises ``Notification.DoesNotExist`` for a
    message that is not theirs, so that it cannot be told from one that does not exist."""
    notification = Notification.objects.get(recipient_id=user.pk, public_id=public_id)
    if notification.channel != INBOX or notification.read_at is not None:
        return notification
    now = timezone.now()
    # A conditional update: two tabs opening the message at once mark it (and audit it) once.
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now, updated_at=now
    ):
        notification.read_at = notification.updated_at = now
        audit.record(**_read_event(notification, now.isoformat()))
    else:
        notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def inbox_mark_all_read(*, user: Any) -> int:
    """Mark every unread inbox message of ``user`` read; return how many. One audit event per
    message, as if each had been opened."""
    unread = list(
        Notification.objects.select_for_update()
        .filter(UNREAD, recipient_id=user.pk)
        .only("pk", "public_id", "recipient_id")
    )
    if not unread:
        return 0
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in unread]).update(read_at=now, updated_at=now)
    audit.record_many([_read_event(notification, now.isoformat()) for notification in unread])
    return len(unread)
