"""Reads of voices: staff lists scoped to the departments a person may see, a resident's own
voices, and the published ones."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from minato.accounts import permissions
from minato.insight.models import Voice


def is_analyst(user: Any) -> bool:
    """Who reads the voices of every department, masked, as topics: system admins and the
    広聴 staff (``INSIGHT_ANALYST_DEPARTMENTS``, 区長室 by default). Others read the voices of
    their departments only."""
    if permissions.has_role(user, "system_admin"):
        return True
    profile = permissions.staff_profile_of(user)
    return bool(
        profile
        and profile.department_id
        and permissions.has_role(user, "clerk")
        and profile.department.code in settings.INSIGHT_ANALYST_DEPARTMENTS
    )


def staff_voices(
    user: Any,
    *,
    status: str = "",
    category: str = "",
    query: str = "",
    department_id: int | None = None,
) -> QuerySet[Voice]:
    voices = Voice.objects.select_related("department")
    visible = permissions.visible_department_ids(user)
    if visible is not None:
        # Voices not yet sent to a department are 広聴's to route.
        unrouted = Q(department__isnull=True) if is_analyst(user) else Q(pk__in=[])
        voices = voices.filter(Q(department_id__in=visible) | unrouted)
    if status:
        voices = voices.filter(status=status)
    if category:
        voices = voices.filter(category=category)
    if department_id:
        voices = voices.filter(department_id=department_id)
    if query:
        # The masked text: a search never matches on (or shows) what masking removed.
        voices = voices.filter(Q(masked_body__icontains=query) | Q(reference__iexact=query))
    return voices


def staff_voice(user: Any, public_id: Any) -> Voice | None:
    return staff_voices(user).prefetch_related("replies").filter(public_id=public_id).first()


def status_counts(user: Any) -> dict[str, int]:
    rows = staff_voices(user).order_by().values("status").annotate(count=Count("id"))
    return {row["status"]: row["count"] for row in rows}


def voices_of(user: Any) -> QuerySet[Voice]:
    return Voice.objects.filter(author=user).prefetch_related("replies")


def published_voices(*, category: str = "") -> QuerySet[Voice]:
    voices = Voice.objects.filter(is_published=True).order_by("-published_at", "-id")
    if category:
        voices = voices.filter(category=category)
    return voices.only(
        "public_id",
        "reference",
        "kind",
        "category",
        "area",
        "published_body",
        "public_answer",
        "published_at",
        "received_at",
        "department__name_ja",
        "department__name_en",
    ).select_related("department")


def published_voice(public_id: Any) -> Voice | None:
    return published_voices().filter(public_id=public_id).first()
