"""Hazard map layers: GeoJSON that staff upload (flood, landslide, storm surge …), checked
before it is stored, and published for the portal's maps and lists (initiative 34).

The check is strict so that a published layer always draws: a FeatureCollection of Features
whose geometries are GeoJSON (RFC 7946) types with longitude/latitude pairs inside Japan.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.core import audit
from minato.information.models import HazardLayer

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 20_000
GEOMETRY_TYPES = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
# Longitude and latitude around Japan's territory (with its remote islands); a layer outside
# it has its axes swapped or is in another coordinate system (RFC 7946 is lon/lat WGS 84).
JAPAN_LONGITUDE = (122.0, 154.0)
JAPAN_LATITUDE = (20.0, 46.0)
# Feature properties that name an area, in the order they are looked for (list view).
NAME_PROPERTIES = ("name", "名称", "title", "description")
LEVEL_PROPERTIES = ("level", "depth", "浸水深", "区分", "rank")


class HazardError(Exception):
    """An upload or change that is not allowed; the message says why, for staff."""


def _positions(coordinates: Any, depth: int) -> list[Any]:
    """The positions of a geometry's coordinates (nested ``depth`` arrays deep)."""
    if not isinstance(coordinates, list):
        raise HazardError(_("A geometry's coordinates must be arrays."))
    if depth == 0:
        return [coordinates]
    found: list[Any] = []
    for part in coordinates:
        found.extend(_positions(part, depth - 1))
    return found


def _check_position(position: Any) -> None:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(isinstance(n, int | float) and math.isfinite(n) for n in position[:3])
    ):
        raise HazardError(_("Each position must be [longitude, latitude] in numbers."))
    longitude, latitude = position[0], position[1]
    if not (
        JAPAN_LONGITUDE[0] <= longitude <= JAPAN_LONGITUDE[1]
        and JAPAN_LATITUDE[0] <= latitude <= JAPAN_LATITUDE[1]
    ):
        raise HazardError(
            _(
                "A position lies outside Japan: GeoJSON needs longitude first, then latitude, "
                "in WGS 84 degrees (e.g. [139.7454, 35.6581])."
            )
        )


def parse_geojson(data: bytes) -> dict[str, Any]:
    """The uploaded file as a checked FeatureCollection; ``HazardError`` says what is wrong."""
    if len(data) > MAX_BYTES:
        raise HazardError(_("The file is larger than 5 MB. Simplify the shapes and try again."))
    try:
        text = data.decode("utf-8-sig")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise HazardError(_("The file is not GeoJSON (JSON text in UTF-8).")) from None
    if "\\u0000" in text or "\x00" in text:
        # PostgreSQL's jsonb cannot store a NUL character, and no map needs one.
        raise HazardError(_("The file is not GeoJSON (JSON text in UTF-8)."))
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise HazardError(_("The file must be a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise HazardError(_("The FeatureCollection has no features."))
    if len(features) > MAX_FEATURES:
        raise HazardError(_("At most %(max)d features, please.") % {"max": MAX_FEATURES})
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise HazardError(_("Every item of features must be a Feature."))
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
            raise HazardError(
                _("Every feature needs a Point, LineString or Polygon geometry (or a Multi one).")
            )
        properties = feature.get("properties")
        if properties is not None and not isinstance(properties, dict):
            raise HazardError(_("A feature's properties must be an object."))
        try:
            positions = _positions(geometry.get("coordinates"), GEOMETRY_TYPES[geometry["type"]])
            for position in positions:
                _check_position(position)
        except OverflowError:  # an integer too large to be a float
            raise HazardError(
                _("Each position must be [longitude, latitude] in numbers.")
            ) from None
    # Keep what maps need; drop members such as "crs" (not RFC 7946) that would mislead.
    return {"type": "FeatureCollection", "features": features}


def areas_of(layer: HazardLayer, limit: int = 200) -> list[tuple[str, str]]:
    """(name, level) of the layer's features, for the list that needs no map."""
    rows = []
    for feature in layer.geojson.get("features", [])[:limit]:
        properties = feature.get("properties") or {}
        name = next((str(properties[k]) for k in NAME_PROPERTIES if properties.get(k)), "")
        level = next((str(properties[k]) for k in LEVEL_PROPERTIES if properties.get(k)), "")
        if name or level:
            rows.append((name, level))
    return rows


def layers_published() -> QuerySet[HazardLayer]:
    return HazardLayer.objects.filter(published=True)


def layers_for_staff(user: Any) -> QuerySet[HazardLayer]:
    layers = HazardLayer.objects.select_related("department", "uploaded_by").defer("geojson")
    return permissions.in_visible_departments(layers, user)


def _unique_slug(title: str, kind: str) -> str:
    base = slugify(title)[:60] or kind
    slug, n = base, 2
    while HazardLayer.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def layer_upload(
    *,
    staff: Any,
    department: Any,
    kind: str,
    title: dict[str, str],
    description: dict[str, str],
    source: str,
    data: bytes,
    layer: HazardLayer | None = None,
) -> HazardLayer:
    """Store a new layer (unpublished), or replace a layer's shapes and texts: a published
    layer shows the new shapes at once, as a corrected map should."""
    if not permissions.works_in(staff, department.pk):
        raise HazardError(_("You can only upload layers for your own departments."))
    if layer is not None and not permissions.works_in(staff, layer.department_id):
        raise HazardError(_("You can only upload layers for your own departments."))
    if kind not in HazardLayer.Kind.values:
        raise HazardError(_("Choose a kind of hazard from the list."))
    if not title.get("ja", "").strip():
        raise HazardError(_("Give the layer a Japanese title."))
    if not source.strip():
        raise HazardError(_("Say where the data comes from (出典)."))
    geojson = parse_geojson(data)
    values = {
        "kind": kind,
        "title": {k: v.strip() for k, v in title.items() if v.strip()},
        "description": {k: v.strip() for k, v in description.items() if v.strip()},
        "source": source.strip(),
        "geojson": geojson,
        "feature_count": len(geojson["features"]),
        "department": department,
    }
    if layer is None:
        layer = HazardLayer.objects.create(
            slug=_unique_slug(values["title"].get("en", ""), kind), uploaded_by=staff, **values
        )
        action = "information.hazard_layer_uploaded"
    else:
        for name, value in values.items():
            setattr(layer, name, value)
        layer.uploaded_by = staff
        layer.save()
        action = "information.hazard_layer_replaced"
    audit.record(
        action=action,
        obj=layer,
        department_id=layer.department_id,
        changes={"kind": kind, "features": layer.feature_count, "bytes": len(data)},
    )
    return layer


@transaction.atomic
def layer_set_published(*, staff: Any, layer: HazardLayer, published: bool) -> HazardLayer:
    if not permissions.works_in(staff, layer.department_id):
        raise HazardError(_("You can only change layers of your own departments."))
    if layer.published == published:
        return layer
    layer.published = published
    layer.save(update_fields=["published", "updated_at"])
    audit.record(
        action="information.hazard_layer_published"
        if published
        else "information.hazard_layer_unpublished",
        obj=layer,
        department_id=layer.department_id,
    )
    return layer
