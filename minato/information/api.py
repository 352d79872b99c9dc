"""/api/v1/notices: the ward's current notices (news, events, emergencies) with every
translation, for apps, signage and other sites; /api/v1/shelters: shelters with their status
and headcount. Public, read only."""

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
from minato.information import selectors, shelters
from minato.information.models import Notice, Shelter

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


# --- /api/v1/shelters -----------------------------------------------------------------------


class ShelterOut(Schema):
    id: str  # the shelter's slug, as in its page's address and the open-data files
    name: dict[str, str]
    kinds: list[Literal["shelter", "evacuation_site", "temporary_stay"]]
    hazards: list[str]
    area: str
    address: str
    latitude: float
    longitude: float
    phone: str
    capacity: int
    status: Literal["closed", "preparing", "open", "full"]
    headcount: int
    status_changed_at: datetime | None
    headcount_updated_at: datetime | None
    url: str


class ShelterQuery(Schema):
    status: Literal["", "closed", "preparing", "open", "full"] = ""
    kind: Literal["", "shelter", "evacuation_site", "temporary_stay"] = ""
    area: Literal["", "shiba", "azabu", "akasaka", "takanawa", "shibaura_konan"] = ""


def _shelter(shelter: Shelter) -> dict[str, Any]:
    return {
        "id": shelter.slug,
        "name": shelter.name,
        "kinds": shelter.kinds,
        "hazards": shelter.hazards,
        "area": shelter.area,
        "address": shelter.address,
        "latitude": float(shelter.latitude),
        "longitude": float(shelter.longitude),
        "phone": shelter.phone,
        "capacity": shelter.capacity,
        "status": shelter.status,
        "headcount": shelter.headcount,
        "status_changed_at": shelter.status_changed_at,
        "headcount_updated_at": shelter.headcount_updated_at,
        "url": absolute_url(reverse("shelters:shelter", args=[shelter.slug])),
    }


@router.get(
    "/shelters",
    response=responses({200: list[ShelterOut]}),
    auth=None,
    tags=["shelters"],
    summary="Shelters, evacuation sites and temporary-stay facilities, open ones first",
    description="`status` is kept by the shelter's staff; `headcount` is the people there "
    "now (staff's count, moved by each check-in and check-out). `hazards`: the disasters an "
    "evacuation site is designated for (flood, landslide, storm_surge, earthquake, tsunami, "
    "fire, inland_flood).",
)
@paginate(LimitOffset)
def shelter_list(request: HttpRequest, filters: Query[ShelterQuery]) -> Any:
    return [
        _shelter(shelter)
        for shelter in shelters.shelters_public(
            status=filters.status, kind=filters.kind, area=filters.area
        )
    ]


@router.get(
    "/shelters/{shelter_id}",
    response=responses({200: ShelterOut}),
    auth=None,
    tags=["shelters"],
    summary="One shelter",
)
def shelter_detail(request: HttpRequest, shelter_id: Path[str]) -> Any:
    shelter = shelters.shelter_public(shelter_id)
    if shelter is None:
        raise HttpError(404, "No shelter has this id")
    return _shelter(shelter)
