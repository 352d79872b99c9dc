"""Reads for the procedure catalogue: Japanese-aware search and the plan's KPI."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from minato.core import search_text as search
from minato.procedures.models import Category, LifeEvent, Procedure


def published_procedures() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_published=True)
        .select_related("department")
        .prefetch_related("categories", "life_events")
    )


def procedures_search(
    *, query: str = "", category: str = "", life_event: str = ""
) -> QuerySet[Procedure]:
    """Published procedures matching every term of the query (by text or by reading)."""
    procedures = published_procedures()
    for text, reading in search.query_terms(query):
        match = Q(search_text__contains=text)
        if len(reading) >= 2:
            match |= Q(search_reading__contains=reading)
        procedures = procedures.filter(match)
    if category:
        procedures = procedures.filter(categories__code=category)
    if life_event:
        procedures = procedures.filter(life_events__code=life_event)
    return procedures.distinct().order_by("slug")


@dataclass(frozen=True)
class OnlineShare:
    """KPI of initiative 1: procedures online, of those the law allows online."""

    online: int
    eligible: int
    kept_offline_by_law: int

    @property
    def percent(self) -> float:
        return round(100 * self.online / self.eligible, 1) if self.eligible else 0.0


def online_share() -> OnlineShare:
    counts = Procedure.objects.filter(is_published=True).aggregate(
        online=Count("pk", filter=Q(availability=Procedure.Availability.ONLINE)),
        not_yet=Count("pk", filter=Q(availability=Procedure.Availability.NOT_YET_ONLINE)),
        by_law=Count("pk", filter=Q(availability=Procedure.Availability.COUNTER_BY_LAW)),
    )
    return OnlineShare(
        online=counts["online"],
        eligible=counts["online"] + counts["not_yet"],
        kept_offline_by_law=counts["by_law"],
    )


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(
        published=Count("procedures", filter=Q(procedures__is_published=True))
    ).filter(published__gt=0)


def life_events_with_counts() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(
        published=Count("procedures", filter=Q(procedures__is_published=True))
    ).filter(published__gt=0)
