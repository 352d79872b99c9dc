"""/api/v1/opendata: the catalogue's download statistics (the plan's KPI, initiative 37) for
dashboards. The catalogue itself is read through CKAN's Action API (/api/3/action/) and
DCAT (/catalog.ttl), the standards harvesters already speak."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from minato.core.api.schemas import responses
from minato.opendata import selectors

router = Router(tags=["opendata"])


class MonthOut(Schema):
    month: date = Field(description="The first day of the month (Asia/Tokyo)")
    downloads: int


class DownloadsOut(Schema):
    target_per_month: int
    months: list[MonthOut]


class DownloadsQuery(Schema):
    months: int = Field(12, ge=1, le=120, description="How many months back, newest first")


class DatasetPath(Schema):
    name: str = Field(pattern=r"^[a-z0-9_-]{2,100}$", description="The dataset's name")


def _months(rows: list[selectors.MonthCount]) -> list[dict[str, Any]]:
    return [{"month": row.month, "downloads": row.downloads} for row in rows]


@router.get(
    "/opendata/downloads",
    response=responses({200: DownloadsOut}),
    auth=None,
    summary="Downloads per month of the whole catalogue (bots excluded)",
)
def downloads(request: HttpRequest, filters: Query[DownloadsQuery]) -> Any:
    return {
        "target_per_month": selectors.MONTHLY_DOWNLOADS_TARGET,
        "months": _months(selectors.monthly_downloads(months=filters.months)),
    }


@router.get(
    "/opendata/datasets/{name}/downloads",
    response=responses({200: list[MonthOut]}),
    auth=None,
    summary="Downloads per month of one dataset (bots excluded)",
)
def dataset_downloads(
    request: HttpRequest, path: Path[DatasetPath], filters: Query[DownloadsQuery]
) -> Any:
    dataset = selectors.dataset_public(path.name)
    if dataset is None:
        raise HttpError(404, "No published dataset has this name")
    return _months(selectors.dataset_downloads(dataset, months=filters.months))
