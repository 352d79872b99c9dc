"""/api/v1/reports: community reports of problems in public places (道路・公園の不具合通報),
for maps, apps and open data; /api/v1/reports/services: the kinds of problem. Public and read
only, and never who reported: the reporter, their contact details and the report's private
key and Open311 token are not read by these endpoints at all.

The list is the hot read (a map asks for the reports in its viewport as it moves), so it reads
columns (``.values``), not model instances, pages with an exact count as every list of the
API does, and skips the count on a last page; its benchmark is the ``reports_bbox`` scenario
(docs/benchmarks.md).
"""

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BaseModel, field_validator

from minato.accounts.services import absolute_url
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import responses
from minato.core.prepared import Statement
from minato.core.translated import localized
from minato.reports import selectors
from minato.reports.models import Report, Service

router = Router(tags=["reports"])

# The columns the list reads: public ones only (never the reporter or their contact).
LIST_COLUMNS = (
    "reference",
    "service__code",
    "service__name",
    "status",
    "description",
    "latitude",
    "longitude",
    "area",
    "place_hint",
    "status_note",
    "support_count",
    "requested_at",
    "status_changed_at",
)
# The list counts this many matching reports at most (docs/decisions/0009): as many as
# Open311's GET requests gives, and cheap to count whatever the box.
COUNT_CAP = 1000
# A bounding box as the document describes it (so that every box it allows is answered):
# four plain numbers, longitudes within ±180 and latitudes within ±90.
_LONGITUDE = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[0-9]{1,2})(?:\.[0-9]+)?)"
_LATITUDE = r"-?(?:90(?:\.0+)?|[0-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = re.compile(
    rf"^(?: *{_LONGITUDE} *, *{_LATITUDE} *, *{_LONGITUDE} *, *{_LATITUDE} *)?$"
)
ISO_DATE = re.compile(r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")
SERVICE_CODE = re.compile(r"^[-a-z0-9_]{1,50}$")
REFERENCE = re.compile(r"^[A-Za-z0-9]{1,12}$")
MAX_SERVICES = 20
# Filters over reports the platform holds: nothing is from before 2000 or after 2999, so a
# time outside them is taken as that bound (one near year 1 would overflow on its way to UTC).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999

StatusValue = Literal["open", "accepted", "in_progress", "fixed", "closed", "referred", "duplicate"]
AreaValue = Literal["", "shiba", "azabu", "akasaka", "takanawa", "shibaura_konan"]


class ReportOut(BaseModel):
    # A plain pydantic model, not ninja's Schema: the list validates 20 of these a request,
    # and Schema's per-object wrapper (for reading model attributes) cost about a millisecond
    # of CPU a page. The list and the detail hand it dicts.
    reference: str = Field(..., description="The report's reference, as on its page")
    service_code: str = Field(..., description="The kind of problem (`/reports/services`)")
    service_name: str = Field(..., description="The kind of problem, in the request's language")
    status: StatusValue = Field(
        ...,
        description="`open` (received), `accepted`, `in_progress`, `fixed`, `closed` (not "
        "fixed), `referred` (not the ward's), `duplicate` (already reported)",
    )
    status_label: str = Field(..., description="The status in the request's language")
    description: str
    latitude: float
    longitude: float
    area: AreaValue = Field(..., description="The 地区 it is in (approximate near an edge)")
    place_hint: str = Field(..., description="What the reporter said about the place")
    status_note: str = Field(..., description="Why it was closed, referred or merged")
    support_count: int = Field(..., description="How many others said “me too”")
    requested_at: datetime
    updated_at: datetime = Field(..., description="When its status last changed")
    url: str = Field(..., description="The report's page on the portal")


class PhotoOut(Schema):
    kind: Literal["report", "before", "after"] = Field(
        ..., description="The reporter's photo, or staff's before or after the work"
    )
    url: str


class UpdateOut(Schema):
    kind: Literal["status", "reply", "note", "routed", "reopened"]
    status: StatusValue | Literal[""]
    status_label: str
    text: str
    created_at: datetime


class ReportDetailOut(ReportOut):
    expected_at: datetime | None = Field(..., description="When the ward expects to fix it")
    referral: Literal[
        "", "national_road", "metropolitan_road", "private_land", "police", "other"
    ] = Field(..., description="Whose it is, when `status` is `referred`")
    duplicate_of: str | None = Field(
        ..., description="The reference of the report this one repeats"
    )
    photo_urls: list[str] = Field(..., description="Its public photos (checked by staff)")
    photos: list[PhotoOut]
    updates: list[UpdateOut] = Field(..., description="Its public history, oldest first")


class CappedLimitOffset(LimitOffset):
    """``LimitOffset`` whose count stops at COUNT_CAP (docs/decisions/0009): ``count`` is
    exact up to it, and ``count_exact`` is false when there are more (page on with
    ``offset`` until a page is short)."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=f"How many match: exact up to {COUNT_CAP:,}")
        count_exact: bool = Field(
            ...,
            description=f"False when more than {COUNT_CAP:,} match (`count` is then {COUNT_CAP:,})",
        )
        limit: int
        offset: int

    def paginate_queryset(  # type: ignore[override]
        self, queryset: Any, pagination: LimitOffset.Input, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, **params)
        page["count_exact"] = page["count"] <= COUNT_CAP
        page["count"] = min(page["count"], COUNT_CAP)
        return page


class ServiceOut(Schema):
    code: str
    group: Literal["roads", "parks", "town"]
    group_name: str
    name: str = Field(..., description="In the request's language")
    description: str = Field(..., description="In the request's language")


class ReportQuery(Schema):
    bbox: str = Field(
        "",
        max_length=200,
        description="A bounding box `west,south,east,north` in degrees (WGS 84, GeoJSON's "
        "order): the reports inside it, edges included. Corners given the other way round "
        "are taken in order.",
        examples=["139.745,35.652,139.757,35.661"],
        json_schema_extra={"pattern": BBOX_PATTERN.pattern},
    )
    status: Literal["", "open", "fixed", "closed"] = Field(
        "",
        description="`open`: received, accepted or being fixed; `fixed`; `closed`: closed "
        "without a fix, referred elsewhere or already reported",
    )
    service: list[str] = Field(
        default_factory=list,
        max_length=MAX_SERVICES,
        description="Kinds of problem (codes of `/reports/services`): repeat the parameter "
        "for several",
        json_schema_extra={"items": {"type": "string", "pattern": SERVICE_CODE.pattern}},
    )
    area: AreaValue = ""
    since: datetime | None = Field(
        None, description="Sent at or after this time (ISO 8601; without an offset: Japan time)"
    )
    until: datetime | None = Field(
        None, description="Sent at or before this time (ISO 8601; without an offset: Japan time)"
    )

    @field_validator("bbox", mode="before")
    @classmethod
    def _bbox_is_a_box(cls, value: Any) -> Any:
        if isinstance(value, str) and not BBOX_PATTERN.match(value):
            raise ValueError(
                "bbox must be four numbers west,south,east,north in degrees, longitudes from "
                "-180 to 180 and latitudes from -90 to 90 (e.g. 139.745,35.652,139.757,35.661)"
            )
        return value

    @field_validator("service", mode="before")
    @classmethod
    def _service_codes(cls, value: Any) -> list[str]:
        codes = [str(item) for item in (value if isinstance(value, list) else [value])]
        if len(codes) > MAX_SERVICES:
            raise ValueError(f"give at most {MAX_SERVICES} kinds of problem")
        for code in codes:
            if not SERVICE_CODE.match(code):
                raise ValueError("a kind of problem is a code of lowercase letters, digits and -")
        return list(dict.fromkeys(codes))

    @field_validator("since", "until", mode="before")
    @classmethod
    def _time_is_iso_8601(cls, value: Any) -> Any:
        # Pydantic would take a bare number as seconds since 1970: the document says an
        # ISO 8601 time, so only that is one.
        if value is not None and not (isinstance(value, str) and ISO_DATE.match(value)):
            raise ValueError("must be an ISO 8601 time, e.g. 2026-04-01T09:00:00+09:00")
        return value

    @field_validator("since", "until")
    @classmethod
    def _time_in_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        # No report is from before 2000 or after 2999: a time outside them filters as its
        # bound does (and a year-1 time would overflow on its way to UTC).
        if value.year < EARLIEST_YEAR:
            return datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
        if value.year > LATEST_YEAR:
            return datetime(LATEST_YEAR, 12, 31, tzinfo=UTC)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


def request_language(request: HttpRequest) -> str:
    """The language a client asks for (``Accept-Language``, or the portal's language
    cookie): the API's addresses have no language prefix, so the middleware leaves every
    API request in Japanese."""
    return translation.get_language_from_request(request)


def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Report.Status.choices}


def box_of(value: str) -> selectors.BoundingBox | None:
    """The box of a ``bbox`` that matched BBOX_PATTERN, its corners taken in order (a box of
    no width holds what lies on its line)."""
    if not value.strip():
        return None
    west, south, east, north = (float(part) for part in value.split(","))
    return selectors.BoundingBox(
        south=min(south, north), west=min(west, east), north=max(south, north), east=max(west, east)
    )


class _PortalLinks:
    """The portal page of each report: reversed once per request (in its language), then
    filled in (references are letters and digits: nothing to escape)."""

    PLACEHOLDER = "REFERENCE"

    def __init__(self) -> None:
        path = reverse("reports:report", args=[self.PLACEHOLDER])
        self.prefix, self.suffix = absolute_url(path).rsplit(self.PLACEHOLDER, 1)

    def __call__(self, reference: str) -> str:
        return f"{self.prefix}{reference}{self.suffix}"


@dataclass(frozen=True)
class _Filters:
    """A list request's filters, cleaned: what ``selectors.public_reports`` takes."""

    status: str = ""
    services: tuple[str, ...] = ()
    area: str = ""
    bbox: selectors.BoundingBox | None = None
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of(cls, query: ReportQuery) -> "_Filters":
        return cls(
            status=query.status,
            services=tuple(query.service),
            area=query.area,
            bbox=box_of(query.bbox),
            since=query.since,
            until=query.until,
        )

    def queryset(self) -> QuerySet[Report]:
        return selectors.public_reports(
            status_group=self.status,
            service_codes=list(self.services) or None,
            area=self.area,
            bbox=self.bbox,
            since=self.since,
            until=self.until,
        )

    @property
    def shape(self) -> tuple[Any, ...]:
        """What the SQL depends on, apart from the values it is run with."""
        return (
            self.status,
            len(self.services),
            bool(self.area),
            self.bbox is not None,
            self.since is not None,
            self.until is not None,
        )

    def values(self) -> list[Any]:
        """The values that are parameters of the SQL, in a fixed order (as ``placeholders``
        gives them)."""
        box = self.bbox
        return [
            *((box.south, box.north, box.west, box.east) if box is not None else ()),
            *self.services,
            *((self.area,) if self.area else ()),
            *((self.since,) if self.since is not None else ()),
            *((self.until,) if self.until is not None else ()),
        ]

    @classmethod
    def placeholders(cls, shape: tuple[Any, ...]) -> "_Filters":
        """Filters of this shape whose every value is one no request can give (they are
        only compiled, never run): where each lands among the SQL's parameters is where a
        request's value goes."""
        status, services, area, bbox, since, until = shape
        return cls(
            status=status,
            services=tuple(f"\x00service-{n}" for n in range(services)),
            area="\x00area" if area else "",
            bbox=selectors.BoundingBox(south=-1001.5, west=-1003.5, north=-1002.5, east=-1004.5)
            if bbox
            else None,
            since=datetime(1901, 1, 1, 0, 0, 1, tzinfo=UTC) if since else None,
            until=datetime(1901, 1, 1, 0, 0, 2, tzinfo=UTC) if until else None,
        )


def capped_count(reports: QuerySet[Report]) -> int:
    """How many of ``reports`` there are, counted no further than COUNT_CAP + 1
    (docs/decisions/0009): counting a whole ward's 100,000 reports cost more than everything
    else a request does."""
    # No ORDER BY: any 1,001 rows tell "more than 1,000" (ordered, all would be sorted).
    return reports.order_by().values("pk")[: COUNT_CAP + 1].count()


class _Captured(Exception):
    """Raised by ``_ListSql.compile``'s wrapper: the count's SQL is kept, never run."""


@dataclass(frozen=True)
class _ListSql:
    """The list's two statements for one shape of filters, as the ORM writes them from
    ``selectors.public_reports``: the page (``LIST_COLUMNS``, newest first, then ``LIMIT``
    and ``OFFSET``) and its capped count. Building and compiling the two querysets took
    more CPU than running them (about 1.2 ms a request, against 0.4 ms): each process
    compiles each shape once, and ``core.prepared.Statement`` binds each request's values
    into the SQL, as ``PreparedLookup`` does for the signed-in user. The SQL is the ORM's,
    so it follows changes to the selector; a shape it cannot bind is left to the ORM
    (``None``), and the tests compare what it reads with what the selector's queryset
    reads."""

    page: Statement
    count: Statement
    compiler: Any
    converters: dict[int, Any]

    @classmethod
    def compile(cls, shape: tuple[Any, ...]) -> "_ListSql | None":
        placeholders = _Filters.placeholders(shape)
        values = placeholders.values()
        reports = placeholders.queryset()
        compiler = reports.values(*LIST_COLUMNS).query.get_compiler(using=DEFAULT_DB_ALIAS)
        try:
            page_sql, page_params = compiler.as_sql()
        except EmptyResultSet:
            return None
        if len(compiler.select) != len(LIST_COLUMNS):
            return None
        converters = compiler.get_converters([column[0] for column in compiler.select])
        captured: list[tuple[str, Any]] = []

        def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            captured.append((sql, params))
            raise _Captured

        connection = connections[DEFAULT_DB_ALIAS]
        logged = len(connection.queries_log)
        with connection.execute_wrapper(capture), contextlib.suppress(_Captured):
            capped_count(reports)
        # It never ran: out of the debug log too (DEBUG, the tests' query counts).
        while len(connection.queries_log) > logged:
            connection.queries_log.pop()
        if len(captured) != 1:
            return None
        page = Statement.of(f"{page_sql} LIMIT %s OFFSET %s", page_params, values)
        count = Statement.of(captured[0][0], captured[0][1], values)
        if page is None or count is None:
            return None
        return cls(page=page, count=count, compiler=compiler, converters=converters)


_LIST_SQL: dict[tuple[Any, ...], _ListSql | None] = {}


def _list_sql(filters: _Filters) -> _ListSql | None:
    shape = filters.shape
    if shape not in _LIST_SQL:
        _LIST_SQL[shape] = _ListSql.compile(shape)
    return _LIST_SQL[shape]


class _PublicReports:
    """What ``CappedLimitOffset`` pages through: the filtered reports, read a page at a time
    as columns (no model instances, no related objects) with SQL compiled once
    (``_ListSql``), and counted (to COUNT_CAP + 1) only when the page does not already tell
    how many there are."""

    def __init__(self, filters: _Filters, language: str) -> None:
        self._filters = filters
        self._sql = _list_sql(filters)
        self._language = language
        self._count: int | None = None

    def all(self) -> "_PublicReports":
        return self

    def count(self) -> int:
        """The number of reports, exact up to COUNT_CAP; COUNT_CAP + 1 means "more"."""
        if self._count is None:
            if self._sql is None:
                self._count = capped_count(self._filters.queryset())
            else:
                statement = self._sql.count
                with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                    cursor.execute(statement.sql, statement.bind(self._filters.values()))
                    row = cursor.fetchone()
                self._count = int(row[0]) if row else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self._sql is None:
            return list(self._filters.queryset().values(*LIST_COLUMNS)[offset : offset + limit])
        statement = self._sql.page
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(statement.sql, statement.bind(self._filters.values(), limit, offset))
            rows = cursor.fetchall()
        if self._sql.converters:
            rows = list(self._sql.compiler.apply_converters(rows, self._sql.converters))
        return [dict(zip(LIST_COLUMNS, row, strict=True)) for row in rows]

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        start = window.start or 0
        if window.stop is None or window.step is not None:
            raise TypeError("the list is read a page at a time")
        wanted = window.stop - start
        rows = self._rows(start, wanted)
        if len(rows) < wanted and (rows or start == 0):
            self._count = start + len(rows)  # the last page: the count is known
        language = self._language
        with translation.override(language):
            labels = _status_labels()
            link = _PortalLinks()
        return [
            {
                "reference": row["reference"],
                "service_code": row["service__code"],
                "service_name": localized(row["service__name"], language),
                "status": row["status"],
                "status_label": labels.get(row["status"], row["status"]),
                "description": row["description"],
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "area": row["area"],
                "place_hint": row["place_hint"],
                "status_note": row["status_note"],
                "support_count": row["support_count"],
                "requested_at": row["requested_at"],
                "updated_at": row["status_changed_at"],
                "url": link(row["reference"]),
            }
            for row in rows
        ]


@router.get(
    "/reports/services",
    response=responses({200: list[ServiceOut]}),
    auth=None,
    summary="The kinds of problem people can report",
    description="Each `code` is what `service` filters the reports by (and Open311's "
    "`service_code`).",
)
def service_list(request: HttpRequest) -> Any:
    language = request_language(request)
    with translation.override(language):
        groups = {value: str(label) for value, label in Service.Group.choices}
    return [
        {
            "code": service.code,
            "group": service.group,
            "group_name": groups.get(service.group, service.group),
            "name": localized(service.name, language),
            "description": localized(service.description, language),
        }
        for service in selectors.active_services()
    ]


@router.get(
    "/reports",
    response=responses({200: list[ReportOut]}),
    auth=None,
    summary="Reported problems, newest first, filtered by place, status, kind and time",
    description="Public fields only: who reported is never shown. A map asks with `bbox` "
    "(its viewport). `service_name` and `status_label` are in the request's language "
    "(`Accept-Language`: `ja`, `en`, `ja-easy`). Photos and the history are in "
    "`/reports/{reference}`.",
)
@paginate(CappedLimitOffset)
def report_list(request: HttpRequest, filters: Query[ReportQuery]) -> Any:
    return _PublicReports(_Filters.of(filters), request_language(request))


class ReferencePath(Schema):
    # Any text but "services": /reports/services lists the kinds of problem, and a schema that
    # also described it as a report misled a fuzzer. Only documented (pydantic's regex engine
    # has no lookahead); a malformed reference is a 404, as before.
    reference: str = Field(
        ...,
        description="The report's reference",
        json_schema_extra={"pattern": r"^(?!services$)[^/]+$"},
    )


@router.get(
    "/reports/{reference}",
    response=responses({200: ReportDetailOut}),
    auth=None,
    summary="One report, with its public photos and history",
)
def report_detail(request: HttpRequest, path: Path[ReferencePath]) -> Any:
    reference = path.reference
    report = selectors.report_by_reference(reference) if REFERENCE.match(reference) else None
    if report is None:
        raise HttpError(404, "No report has this reference")
    language = request_language(request)
    with translation.override(language):
        labels = _status_labels()
        link = _PortalLinks()
    photos = [
        {
            "kind": photo.kind,
            "url": absolute_url(reverse("reports:photo", args=[report.reference, photo.public_id])),
        }
        for photo in selectors.public_photos(report).only("public_id", "kind")
    ]
    updates = [
        {
            "kind": update.kind,
            "status": update.status,
            "status_label": labels.get(update.status, ""),
            "text": update.text,
            "created_at": update.created_at,
        }
        for update in selectors.public_updates(report).only("kind", "status", "text", "created_at")
    ]
    return {
        "reference": report.reference,
        "service_code": report.service.code,
        "service_name": localized(report.service.name, language),
        "status": report.status,
        "status_label": labels.get(report.status, report.status),
        "description": report.description,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "area": report.area,
        "place_hint": report.place_hint,
        "status_note": report.status_note,
        "support_count": report.support_count,
        "requested_at": report.requested_at,
        "updated_at": report.status_changed_at,
        "expected_at": report.expected_at,
        "referral": report.referral,
        "duplicate_of": report.duplicate_of.reference if report.duplicate_of else None,
        "url": link(report.reference),
        "photo_urls": [photo["url"] for photo in photos],
        "photos": photos,
        "updates": updates,
    }
