from __future__ import annotations

from django.db.models import QuerySet

from minato.notifications.models import Notification


def notifications_for_recipient(*, recipient_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=recipient_id).order_by("-created_at")
