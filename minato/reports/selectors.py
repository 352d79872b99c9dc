"""Reads of community reports: the public map and list (never who reported), nearby open
reports of a kind, a reporter's own view, the staff queue scoped to their departments, and
the dashboard's figures."""

from __future__ import annotations

import hashlib
import hmac
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse

from minato.accounts import permissions
from minato.reports import geo
from minato.reports.models import OPEN_STATUSES, Follow, Photo, Report, Service, Update

# Reports "nearby" for "me too": the same problem seen from across the street.
NEARBY_METRES = 150
NEARBY_LIMIT = 5
# Filters of the public list: a group of statuses people think in.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "fixed": (Report.Status.FIXED,),
    "closed": (
        Report.Status.CLOSED,
        Report.Status.REFERRED,
        Report.Status.DUPLICATE,
    ),
}


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("order", "code")


def service_by_code(code: str, *, active_only: bool = True) -> Service | None:
    services = Service.objects.all()
    if active_only:
        services = services.filter(is_active=True)
    return services.filter(code=code).first()


@dataclass(frozen=True)
class BoundingBox:
    """(south, west, north, east) in degrees."""

    south: float
    west: float
    north: float
    east: float


def parse_bbox(value: str) -> BoundingBox | None:
    """``west,south,east,north`` (GeoJSON's and OpenStreetMap's order) into a box; None when
    it is not four finite numbers with west < east and south < north inside the globe."""
    parts = [part.strip() for part in (value or "").split(",")]
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    values = (west, south, east, north)
    if any(v != v or v in (float("inf"), float("-inf")) for v in values):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return BoundingBox(south=south, west=west, north=north, east=east)


def public_reports(
    *,
    status_group: str = "",
    service_codes: list[str] | None = None,
    area: str = "",
    bbox: BoundingBox | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Report]:
    """Reports as the public sees them, newest first. Reporter and contact fields are the
    caller's to leave out: the API and Open311 read named public columns only."""
    reports = Report.objects.select_related("service")
    if status_group in STATUS_GROUPS:
        reports = reports.filter(status__in=STATUS_GROUPS[status_group])
    if service_codes:
        reports = reports.filter(service__code__in=service_codes)
    if area:
        reports = reports.filter(area=area)
    if bbox is not None:
        reports = reports.filter(
            latitude__gte=bbox.south,
            latitude__lte=bbox.north,
            longitude__gte=bbox.west,
            longitude__lte=bbox.east,
        )
    if since is not None:
        reports = reports.filter(requested_at__gte=since)
    if until is not None:
        reports = reports.filter(requested_at__lte=until)
    return reports.order_by("-requested_at", "-id")


def report_by_reference(reference: str) -> Report | None:
    return (
        Report.objects.select_related("service", "department", "duplicate_of")
        .filter(reference=str(reference).upper())
        .first()
    )


def nearby_open(
    *, service: Service, latitude: float, longitude: float, exclude_id: int | None = None
) -> list[tuple[Report, int]]:
    """Open reports of the same kind within NEARBY_METRES, nearest first, with their
    distance in metres: shown before a new report is sent, each with "me too"."""
    south, west, north, east = geo.box_around(latitude, longitude, NEARBY_METRES)
    candidates = Report.objects.select_related("service").filter(
        service=service,
        status__in=OPEN_STATUSES,
        latitude__range=(south, north),
        longitude__range=(west, east),
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    measured = [
        (report, round(geo.distance_m((latitude, longitude), (report.latitude, report.longitude))))
        for report in candidates[:200]
    ]
    measured = [(report, metres) for report, metres in measured if metres <= NEARBY_METRES]
    return sorted(measured, key=lambda pair: pair[1])[:NEARBY_LIMIT]


def first_public_photos(report_ids: list[int]) -> dict[int, str]:
    """The first public photo's public id of each report that has one (one query)."""
    first: dict[int, str] = {}
    public = (
        Photo.objects.filter(report_id__in=report_ids, is_public=True)
        .order_by("created_at", "id")
        .values_list("report_id", "public_id")
    )
    for report_id, public_id in public:
        first.setdefault(report_id, str(public_id))
    return first


def reference_of_token(token: str) -> str | None:
    """The report an Open311 token was given for."""
    if not token:
        return None
    return Report.objects.filter(open311_token=token).values_list("reference", flat=True).first()


def public_photos(report: Report) -> QuerySet[Photo]:
    return report.photos.filter(is_public=True)


def public_updates(report: Report) -> QuerySet[Update]:
    return report.updates.filter(is_public=True)


def photo_of(report: Report, public_id: Any) -> Photo | None:
    return report.photos.filter(public_id=public_id).first()


# --- The reporter -----------------------------------------------------------------------


def private_key_matches(report: Report, key: str) -> bool:
    return bool(key) and hmac.compare_digest(report.private_key, str(key))


def private_path(report: Report) -> str:
    """The reporter's own link: the report's page with its key (sent to an email-only
    reporter, shown once after sending)."""
    return f"{reverse('reports:report', args=[report.reference])}?key={report.private_key}"


def is_reporter(user: Any, report: Report) -> bool:
    return bool(
        report.reporter_id is not None
        and getattr(user, "is_authenticated", False)
        and user.pk == report.reporter_id
    )


def reporter_updates(report: Report) -> QuerySet[Update]:
    """What the reporter reads: the public history and the replies to them."""
    return report.updates.filter(is_public=True) | report.updates.filter(kind=Update.Kind.REPLY)


def supporter_key(*, user: Any, session_key: str) -> str:
    """Who a "me too" is from: the account, else the browser's session (keyed, so the
    stored value is not a usable session key)."""
    if getattr(user, "is_authenticated", False):
        return f"u:{user.pk}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"reports-support:{session_key}".encode(), hashlib.sha256
    )
    return f"s:{digest.hexdigest()[:40]}"


def is_following(user: Any, report: Report) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Follow.objects.filter(user=user, report=report).exists()
    )


def area_follows(user: Any) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user, report=None).select_related("service")


def followed_reports(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(follows__user=user).select_related("service")


def own_reports(user: Any) -> QuerySet[Report]:
    return Report.objects.filter(reporter=user).select_related("service")


# --- Staff ------------------------------------------------------------------------------


def reports_for_staff(
    user: Any,
    *,
    status: str = "",
    service_code: str = "",
    area: str = "",
    query: str = "",
) -> QuerySet[Report]:
    """The reports of the departments this staff member may see."""
    reports = permissions.in_visible_departments(
        Report.objects.select_related("service", "department"), user
    )
    if status in STATUS_GROUPS:
        reports = reports.filter(status__in=STATUS_GROUPS[status])
    elif status in Report.Status.values:
        reports = reports.filter(status=status)
    if service_code:
        reports = reports.filter(service__code=service_code)
    if area:
        reports = reports.filter(area=area)
    if query:
        reports = reports.filter(reference=query.strip().upper()) | reports.filter(
            description__icontains=query.strip()
        )
    return reports.order_by("-requested_at", "-id")


def report_for_staff(user: Any, reference: str) -> Report | None:
    report = report_by_reference(reference)
    if report is None or not permissions.can_see_department(user, report.department_id):
        return None
    return report


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_status: list[tuple[str, str, int]]
    by_service: list[tuple[Service, int]]
    by_area: list[tuple[str, int]]
    median_days_to_fix: float | None
    fixed_count: int
    heat: list[dict[str, Any]]


# The heat layer's cells: about 250 m square at Minato's latitude.
HEAT_CELL_DEGREES = 0.0025


def dashboard(user: Any, *, since: datetime | None = None) -> Dashboard:
    """Counts by status, kind and area, the median time to fix, and the heat layer's cells
    (reports counted per ~250 m square), over the reports this staff member may see."""
    from minato.core.areas import Area

    reports = permissions.in_visible_departments(Report.objects.all(), user)
    if since is not None:
        reports = reports.filter(requested_at__gte=since)
    status_counts = dict(reports.values_list("status").annotate(n=Count("id")).order_by())
    by_status = [
        (value, str(label), status_counts.get(value, 0)) for value, label in Report.Status.choices
    ]
    service_counts = dict(reports.values_list("service").annotate(n=Count("id")).order_by())
    by_service = [
        (service, service_counts[service.pk])
        for service in Service.objects.filter(pk__in=service_counts)
    ]
    area_counts = dict(reports.values_list("area").annotate(n=Count("id")).order_by())
    by_area = [(str(label), area_counts.get(value, 0)) for value, label in Area.choices]
    fixed: list[tuple[datetime, datetime]] = list(
        reports.filter(status=Report.Status.FIXED, fixed_at__isnull=False).values_list(
            "requested_at", "fixed_at"
        )[:20_000]  # type: ignore[arg-type]
    )
    median = (
        round(statistics.median((f - r).total_seconds() / 86400 for r, f in fixed), 1)
        if fixed
        else None
    )
    cells: dict[tuple[int, int], int] = {}
    for latitude, longitude in reports.filter(status__in=OPEN_STATUSES).values_list(
        "latitude", "longitude"
    )[:50_000]:
        key = (int(latitude // HEAT_CELL_DEGREES), int(longitude // HEAT_CELL_DEGREES))
        cells[key] = cells.get(key, 0) + 1
    heat = [
        {
            "south": row * HEAT_CELL_DEGREES,
            "west": column * HEAT_CELL_DEGREES,
            "north": (row + 1) * HEAT_CELL_DEGREES,
            "east": (column + 1) * HEAT_CELL_DEGREES,
            "count": count,
        }
        for (row, column), count in sorted(cells.items(), key=lambda item: -item[1])
    ]
    return Dashboard(
        total=sum(status_counts.values()),
        by_status=by_status,
        by_service=sorted(by_service, key=lambda pair: -pair[1]),
        by_area=by_area,
        median_days_to_fix=median,
        fixed_count=len(fixed),
        heat=heat,
    )
