"""What every Leaflet map of the site needs from the settings: the tile layer's address and
its attribution (an empty address draws the map on a plain background, as tests do)."""

from __future__ import annotations

from django.conf import settings


def map_settings() -> dict[str, str]:
    """For a template's ``data-tile-url`` and ``data-attribution``."""
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
