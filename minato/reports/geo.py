"""Where a report is: inside Minato or not, which 地区 it is in, and what is near it.

Both answers are approximate, and say so. The ward's outline is a polygon drawn for this
project (``data/minato_boundary.geojson``, about 100-200 m accurate): it refuses a report from
Shibuya or the open sea, and may wrongly refuse or accept one right on the boundary (staff
can refer those). The 地区 of a point is the 地区 of the nearest town's (町丁目's) centre,
from approximate centres listed here: near a boundary between two 地区 a report may be
routed to the neighbour's office, and staff route it on.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from minato.core.areas import Area

BOUNDARY_FILE = Path(__file__).parent / "data" / "minato_boundary.geojson"
EARTH_RADIUS_M = 6_371_000
# Minato City Office (芝公園1-5-25): where maps open.
WARD_OFFICE = (35.6581, 139.7516)

# Approximate centres of Minato's towns (and of 三田's two halves, which are in different
# 地区), with the 地区 each is in (minato.core.areas).
TOWN_CENTRES: tuple[tuple[str, float, float, str], ...] = (
    ("虎ノ門", 35.6680, 139.7490, Area.SHIBA),
    ("愛宕", 35.6640, 139.7480, Area.SHIBA),
    ("西新橋", 35.6665, 139.7530, Area.SHIBA),
    ("新橋", 35.6660, 139.7580, Area.SHIBA),
    ("東新橋", 35.6625, 139.7620, Area.SHIBA),
    ("芝公園", 35.6565, 139.7490, Area.SHIBA),
    ("芝大門", 35.6570, 139.7540, Area.SHIBA),
    ("浜松町", 35.6550, 139.7570, Area.SHIBA),
    ("芝", 35.6480, 139.7500, Area.SHIBA),
    ("三田一〜三丁目", 35.6500, 139.7430, Area.SHIBA),
    ("海岸", 35.6500, 139.7620, Area.SHIBAURA_KONAN),
    ("芝浦", 35.6410, 139.7530, Area.SHIBAURA_KONAN),
    ("港南", 35.6300, 139.7460, Area.SHIBAURA_KONAN),
    ("台場", 35.6280, 139.7760, Area.SHIBAURA_KONAN),
    ("西麻布", 35.6590, 139.7220, Area.AZABU),
    ("六本木", 35.6625, 139.7310, Area.AZABU),
    ("麻布台", 35.6605, 139.7410, Area.AZABU),
    ("麻布狸穴町", 35.6575, 139.7400, Area.AZABU),
    ("麻布永坂町", 35.6565, 139.7365, Area.AZABU),
    ("東麻布", 35.6555, 139.7430, Area.AZABU),
    ("麻布十番", 35.6545, 139.7360, Area.AZABU),
    ("元麻布", 35.6555, 139.7270, Area.AZABU),
    ("南麻布", 35.6490, 139.7270, Area.AZABU),
    ("元赤坂", 35.6790, 139.7310, Area.AKASAKA),
    ("赤坂", 35.6720, 139.7350, Area.AKASAKA),
    ("北青山", 35.6710, 139.7180, Area.AKASAKA),
    ("南青山", 35.6640, 139.7200, Area.AKASAKA),
    ("白金台", 35.6370, 139.7240, Area.TAKANAWA),
    ("白金", 35.6430, 139.7300, Area.TAKANAWA),
    ("三田四・五丁目", 35.6430, 139.7390, Area.TAKANAWA),
    ("高輪", 35.6330, 139.7340, Area.TAKANAWA),
)

Ring = list[tuple[float, float]]


@cache
def boundary() -> list[list[Ring]]:
    """The outline's polygons, each a list of rings of (longitude, latitude)."""
    data = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
    geometry = data["features"][0]["geometry"]
    return [
        [[(float(x), float(y)) for x, y in ring] for ring in polygon]
        for polygon in geometry["coordinates"]
    ]


def _in_ring(longitude: float, latitude: float, ring: Ring) -> bool:
    """Ray casting: a point is inside when a ray from it crosses the ring an odd number of
    times."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > latitude) != (yj > latitude):
            crossing = xi + (latitude - yi) * (xj - xi) / (yj - yi)
            if longitude < crossing:
                inside = not inside
        j = i
    return inside


def inside_minato(latitude: float, longitude: float) -> bool:
    """Whether the point is inside the (approximate) outline of the ward."""
    for outer, *holes in boundary():
        if _in_ring(longitude, latitude, outer) and not any(
            _in_ring(longitude, latitude, hole) for hole in holes
        ):
            return True
    return False


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (latitude, longitude) points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def area_at(latitude: float, longitude: float) -> str:
    """The 地区 of the nearest town centre (approximate near a 地区's edge)."""
    nearest = min(
        TOWN_CENTRES, key=lambda town: distance_m((latitude, longitude), (town[1], town[2]))
    )
    return str(nearest[3])


def town_centre(name: str) -> tuple[float, float] | None:
    """The (latitude, longitude) of a town listed in TOWN_CENTRES."""
    for town, latitude, longitude, _area in TOWN_CENTRES:
        if town == name:
            return latitude, longitude
    return None


def box_around(
    latitude: float, longitude: float, metres: float
) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square ``metres`` from the point each way: the index
    narrows to it, ``distance_m`` then measures exactly."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * math.cos(math.radians(latitude))))
    return latitude - dlat, longitude - dlon, latitude + dlat, longitude + dlon
