"""Small factory functions with Minato-like defaults for bookings tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from minato.accounts.models import Department
from minato.bookings import services
from minato.bookings.models import Facility, Lottery, Offering, Session


def _t(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, "en": en}


def make_facility(
    department: Department, slug: str = "shiba-kumin-center", **overrides: Any
) -> Facility:
    data: dict[str, Any] = {
        "name": _t("芝地区総合支所 区民協働スペース", "Shiba Community Space"),
        "area": "shiba",
        "address": "東京都港区芝公園1-5-25",
        "latitude": "35.658068",
        "longitude": "139.751599",
        "department": department,
    }
    data.update(overrides)
    return Facility.objects.create(slug=slug, **data)


def make_offering(facility: Facility, slug: str = "meeting-room-a", **overrides: Any) -> Offering:
    data: dict[str, Any] = {
        "department": facility.department,
        "kind": Offering.Kind.ROOM,
        "mode": Offering.Mode.FIRST_COME,
        "name": _t("会議室A", "Meeting room A"),
        "description": _t("定員12名の会議室です。", "A meeting room for up to 12 people."),
    }
    data.update(overrides)
    return Offering.objects.create(facility=facility, slug=slug, **data)


def make_session(
    offering: Offering,
    *,
    starts_in: timedelta = timedelta(days=3),
    capacity: int = 1,
    hours: int = 2,
) -> Session:
    starts = timezone.now().replace(microsecond=0) + starts_in
    return Session.objects.create(
        offering=offering,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        capacity=capacity,
    )


def make_lottery(
    offering: Offering,
    sessions: list[Session],
    *,
    opened: timedelta = timedelta(days=1),
    closes_in: timedelta = timedelta(hours=1),
    seed: str | None = None,
    **overrides: Any,
) -> Lottery:
    now = timezone.now()
    close: datetime = now + closes_in
    return services.lottery_create(
        offering=offering,
        sessions=sessions,
        entries_open_at=now - opened,
        entries_close_at=close,
        draw_at=overrides.pop("draw_at", close),
        confirm_by=overrides.pop("confirm_by", close + timedelta(days=5)),
        seed=seed,
        **overrides,
    )
