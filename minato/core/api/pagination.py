"""Limit/offset pagination with bounds, so no query string can reach the database unchecked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class LimitOffset(PaginationBase):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=1_000_000)

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    items_attribute = "items"

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], pagination: Input, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        return {
            "items": queryset[offset : offset + limit],
            "count": self._items_count(queryset),
            "limit": limit,
            "offset": offset,
        }
