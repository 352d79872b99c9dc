"""Reading notices: what the public sees now, and what a member of staff may manage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from minato.accounts import permissions
from minato.information import disaster, shelters
from minato.information.models import Alert, Display, Notice, Shelter
from minato.notifications.services import json_list_has


def notices_current(
    *, kind: str = "", category: str = "", area: str = "", now: Any = None
) -> QuerySet[Notice]:
    """Published notices showing now (started, not ended), newest first. An area filter
    keeps the notices for that area and those for the whole ward."""
    now = now or timezone.now()
    notices = Notice.objects.filter(status=Notice.Status.PUBLISHED, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    if kind:
        notices = notices.filter(kind=kind)
    if category:
        notices = notices.filter(category=category)
    if area:
        notices = notices.filter(Q(areas=[]) | json_list_has("areas", area))
    return notices.select_related("department")


def notice_public(public_id: Any) -> Notice | None:
    """A notice the public may open: published and started (an ended one stays readable,
    marked as ended, so that links to it keep working)."""
    return (
        Notice.objects.filter(
            public_id=public_id, status=Notice.Status.PUBLISHED, starts_at__lte=timezone.now()
        )
        .select_related("department")
        .first()
    )


def notices_for_staff(user: Any) -> QuerySet[Notice]:
    return permissions.in_visible_departments(
        Notice.objects.select_related("department", "created_by", "published_by"), user
    )


def alerts_issued() -> QuerySet[Alert]:
    """Every issued alert, newest first (the CAP feed keeps updates and cancellations too)."""
    return Alert.objects.filter(state=Alert.State.ISSUED).select_related("notice", "previous")


def alert_issued(public_id: Any) -> Alert | None:
    return alerts_issued().filter(public_id=public_id).first()


def alerts_for_staff(user: Any) -> QuerySet[Alert]:
    return permissions.in_visible_departments(
        Alert.objects.select_related("department", "created_by", "issued_by", "notice"), user
    )


def emergency_notices_now() -> list[Notice]:
    """The emergency notices showing now, for the banner on every portal page."""
    return list(notices_current(kind=Notice.Kind.EMERGENCY)[:3])


# A screen that has not polled for this long is shown as offline in the console.
DISPLAY_OFFLINE_AFTER = timedelta(minutes=2)


def displays_with_status() -> list[tuple[Display, bool]]:
    """Every registered screen and whether it is online (polled recently)."""
    since = timezone.now() - DISPLAY_OFFLINE_AFTER
    return [
        (display, display.last_seen_at is not None and display.last_seen_at >= since)
        for display in Display.objects.select_related("created_by")
    ]


def disaster_mode_active() -> bool:
    """Whether disaster mode is on (read at most every few seconds; ``disaster.py``), for
    other modules: community boards offer a safety check only then."""
    return disaster.is_active()


def shelters_of_kind(kind: str) -> QuerySet[Shelter]:
    """Every shelter of one kind (Shelter.Kind), for the open-data catalogue's standard
    datasets 指定緊急避難場所一覧 and 指定避難所一覧."""
    return shelters.shelters_public(kind=kind).select_related("department").order_by("slug")


def events_announced(*, now: Any = None) -> QuerySet[Notice]:
    """Published event notices whose event is still to come, for the open-data イベント一覧."""
    now = now or timezone.now()
    return (
        Notice.objects.filter(
            kind=Notice.Kind.EVENT,
            status=Notice.Status.PUBLISHED,
            event_starts_at__gte=now,
        )
        .select_related("department")
        .order_by("event_starts_at")
    )
