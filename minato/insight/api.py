"""/api/v1 for insight: published voices with the ward's answers, the indicators (the same
figures as the public page and its CSV), safe statistics tables, and sending a voice (a
signed-in resident; ``Idempotency-Key``)."""

# No ``from __future__ import annotations`` here: ninja evaluates the query parameters'
# annotations where this module's names (Query, Category) are not in scope.
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.accounts.api_auth import AUTH, require_confirmed_resident
from minato.core.api.idempotency import idempotency_key_header, idempotent
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import InputSchema, responses
from minato.core.middleware import limited_per_person
from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.models import Voice
from minato.insight.statistics import selectors as statistics_selectors
from minato.insight.voices import selectors as voice_selectors
from minato.insight.voices import services as voice_services

router = Router(tags=["insight"])

Dimension = Literal["town", "age_band", "month", "area", "category"]
Category = Literal[
    "children", "welfare", "environment", "town", "safety", "services", "culture", "other"
]


class PublishedVoiceOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    kind: str
    category: str
    area: str
    text: str = Field(alias="published_body", description="The voice with personal data removed")
    answer: str = Field(alias="public_answer", description="The ward's answer")
    received_on: date
    published_at: datetime | None

    @staticmethod
    def resolve_received_on(voice: Voice) -> date:
        return timezone.localdate(voice.received_at)


class PointOut(Schema):
    month: str = Field(description="YYYY-MM")
    value: float | None


class IndicatorOut(Schema):
    key: str
    name: str
    unit: str = Field(description="% or count")
    plan_indicator: bool = Field(description="One of the DX plan's outcome indicators (成果指標)")
    target: float | None
    value: float | None
    value_note: str
    source: str
    series: list[PointOut]


class TableOut(Schema):
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]] = Field(description="null where the count is suppressed")
    row_totals: list[int]
    column_totals: list[int]
    total: int | None = Field(description="null when withheld")
    minimum_cell: int
    withheld: bool = Field(description="Too few records in all for any table to be published")


class VoiceIn(InputSchema):
    kind: Literal["opinion", "request", "complaint", "thanks"]
    category: Category
    text: str = Field(min_length=1, max_length=voice_services.MAX_BODY)
    area: Literal["", "shiba", "azabu", "akasaka", "takanawa", "shibaura_konan"] = ""
    wants_reply: bool = False


class VoicesQuery(Schema):
    category: Category | None = None


class VoiceReceivedOut(Schema):
    id: UUID
    reference: str
    status: str


@router.get(
    "/insight/voices",
    response=responses({200: list[PublishedVoiceOut]}),
    summary="Published voices with the ward's answers",
)
@paginate(LimitOffset)
def voices_published(request: HttpRequest, filters: Query[VoicesQuery]) -> Any:
    return voice_selectors.published_voices(category=filters.category or "")


@router.get(
    "/insight/indicators",
    response=list[IndicatorOut],
    summary="The plan's and operational indicators, with twelve months of figures",
)
def indicators(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": indicator.key,
            "name": str(indicator.name),
            "unit": indicator.unit,
            "plan_indicator": indicator.plan,
            "target": indicator.target,
            "value": indicator.value,
            "value_note": str(indicator.value_note),
            "source": str(indicator.source),
            "series": [
                {"month": month.strftime("%Y-%m"), "value": value}
                for month, value in indicator.series
            ],
        }
        for indicator in indicator_selectors.current()
    ]


class TableQuery(Schema):
    rows: Dimension = "town"
    columns: Dimension = "age_band"


@router.get(
    "/insight/statistics/voices",
    response=responses({200: TableOut}),
    summary="Voices counted by two dimensions, with small cells suppressed",
)
def voices_table(request: HttpRequest, query: Query[TableQuery]) -> Any:
    columns: str = query.columns
    if columns == query.rows:  # a table needs two dimensions: take the next one
        columns = "month" if query.rows != "month" else "category"
    table = statistics_selectors.published_table(rows=query.rows, columns=columns)
    return {
        "rows": table.rows,
        "columns": table.columns,
        "cells": table.published(),
        "row_totals": table.row_totals,
        "column_totals": table.column_totals,
        "total": None if table.withheld else table.total,
        "minimum_cell": table.minimum,
        "withheld": table.withheld,
    }


@router.post(
    "/insight/voices",
    response=responses({201: VoiceReceivedOut}),
    auth=AUTH,
    summary="Send a voice (区民の声)",
)
def voice_send(
    request: HttpRequest, payload: VoiceIn, idempotency_key: str | None = idempotency_key_header()
) -> Status:
    person = require_confirmed_resident(
        request, "Voices are sent here by a signed-in resident; the portal takes anonymous ones"
    )

    if limited_per_person(request, "insight:voice", settings.INSIGHT_VOICE_RATE):
        raise HttpError(429, "Too many voices from this account; try again later")

    def run() -> tuple[int, Any]:
        try:
            voice = voice_services.voice_submit(
                body=payload.text,
                kind=payload.kind,
                category=payload.category,
                area=payload.area,
                author=person,
                wants_reply=payload.wants_reply,
                language=get_language() or "ja",
            )
        except voice_services.VoiceError as exc:
            raise HttpError(422, str(exc)) from None
        return 201, {"id": voice.public_id, "reference": voice.reference, "status": voice.status}

    status, body = idempotent(request, scope="insight.voice_send", run=run)
    return Status(status, body)
