"""What the portal's and the console's report pages share: the map's settings and points,
the kinds of problem as grouped choices, and serving a stored photo."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy

from minato.core.translated import localized
from minato.reports import selectors
from minato.reports.models import Photo, Report, Service

STATUS_FILTERS = [
    ("", gettext_lazy("All")),
    ("open", gettext_lazy("Open (received, accepted, being fixed)")),
    ("fixed", gettext_lazy("Fixed")),
    ("closed", gettext_lazy("Closed (not fixed, referred, already reported)")),
]
# The status colours of the map and the badges: the Digital Agency's palette, and never
# colour alone (each marker's popup and each list entry says the status in words).
STATUS_COLOURS = {
    Report.Status.OPEN: "#ec0000",
    Report.Status.ACCEPTED: "#a58000",
    Report.Status.IN_PROGRESS: "#0031d8",
    Report.Status.FIXED: "#197a4b",
    Report.Status.CLOSED: "#626264",
    Report.Status.REFERRED: "#626264",
    Report.Status.DUPLICATE: "#626264",
}


def report_point(report: Report, language: str | None) -> dict[str, Any]:
    """A report as the map draws it (public fields only)."""
    return {
        "reference": report.reference,
        "name": localized(report.service.name, language),
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "colour": STATUS_COLOURS.get(Report.Status(report.status), "#626264"),
        "latitude": report.latitude,
        "longitude": report.longitude,
        "url": reverse("reports:report", args=[report.reference]),
    }


def service_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The active kinds of problem, grouped (roads, parks, …) for a select's optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in selectors.active_services():
        groups.setdefault(service.group, []).append((service.code, localized(service.name)))
    return [(str(Service.Group(group).label), items) for group, items in groups.items()]


def photo_response(photo: Photo, *, public: bool) -> FileResponse:
    """The stored photo, as an image only (never rendered as a page in our origin)."""
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
