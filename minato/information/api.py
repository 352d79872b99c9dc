"""/api/v1/notices: the ward's current notices (news, events, emergencies) with every
translation, for apps, signage and other sites. Public, read only."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.accounts.services import absolute_url
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import responses
from minato.information import selectors
from minato.information.models import Notice

router = Router(tags=["notices"])


class NoticeText(Schema):
    title: str
    body: str


class NoticeOut(Schema):
    id: UUID
    kind: str
    category: str
    areas: list[str]
    content: dict[str, NoticeText]
    starts_at: datetime
    ends_at: datetime | None
    event_starts_at: datetime | None
    event_place: str
    department: str
    updated_at: datetime
    url: str


class NoticeQuery(Schema):
    kind: Literal["", "news", "event", "emergency"] = ""
    category: Literal[
        "",
        "disaster",
        "childcare",
        "health",
        "tax",
        "garbage",
        "events",
        "community",
        "town",
        "ward",
    ] = ""
    area: Literal["", "shiba", "azabu", "akasaka", "takanawa", "shibaura_konan"] = ""


def _notice(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.public_id,
        "kind": notice.kind,
        "category": notice.category,
        "areas": notice.areas,
        "content": notice.content,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "event_starts_at": notice.event_starts_at,
        "event_place": notice.event_place,
        "department": notice.department.name_ja,
        "updated_at": notice.updated_at,
        "url": absolute_url(reverse("information:notice", args=[notice.public_id])),
    }


@router.get(
    "/notices",
    response=responses({200: list[NoticeOut]}),
    auth=None,
    summary="The notices showing now, newest first",
    description="`content` holds every language the notice is written in (`ja` always; `en`, "
    "`ja-easy`, `zh`, `ko` when written). An `area` filter keeps the notices for that 地区 "
    "and those for the whole ward.",
)
@paginate(LimitOffset)
def notice_list(request: HttpRequest, filters: Query[NoticeQuery]) -> Any:
    return [
        _notice(notice)
        for notice in selectors.notices_current(
            kind=filters.kind, category=filters.category, area=filters.area
        )
    ]


@router.get(
    "/notices/{notice_id}",
    response=responses({200: NoticeOut}),
    auth=None,
    summary="One published notice (also after it ended)",
)
def notice_detail(request: HttpRequest, notice_id: Path[UUID]) -> Any:
    notice = selectors.notice_public(notice_id)
    if notice is None:
        raise HttpError(404, "No published notice has this id")
    return _notice(notice)
