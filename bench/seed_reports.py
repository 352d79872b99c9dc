"""Seed the benchmark database with community reports for the ``reports_bbox`` scenario, and
write the SQL the public reports API runs for each map viewport the scenario asks for.

Issue 12's target: the public reports API with a bounding-box filter over 100,000 reports,
p95 under 100 ms on 2 cores, and the same query's time as a ratio to the raw SQL in the same
run. This puts that many reports inside Minato (``minato.reports.geo.inside_minato``): most
clustered around the towns' centres as people report where they walk, the rest spread over
the ward; every default kind of problem (``catalogue.ensure_services``), routed as a report
would be, sent over the last two years, with the statuses reports of their age have (recent
ones mostly open, older ones mostly fixed or closed).

Bench data only: rows are written with ``bulk_create`` in batches of 5,000, without the
history, photos, audit trail or notifications a real report writes (the list reads none of
them). It refuses unless ``BENCHMARK_ENDPOINTS=true`` (set by ``scripts/bench``) and the
database is PostgreSQL. Idempotent: when the database already holds ``--count`` reports it
adds none; then it runs VACUUM ANALYZE on the table, as autovacuum would in production (the
planner knows the table's size, and counts can use index-only scans).

With ``--sql-out FILE`` it then asks the API in-process (Django's test client) for each
viewport of ``VIEWPORTS``, captures the SQL statements it runs on the reports table (the page
and its count), and writes them with the request paths as JSON: ``bench/http_bench.py`` loads
the API with those paths and times the same statements on a plain database connection in the
same run (``--reports-sql``).

    DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=postgres://… \\
        BENCHMARK_ENDPOINTS=true .venv/bin/python bench/seed_reports.py [--count 100000] \\
        [--sql-out /tmp/reports-sql.json]

``scripts/bench`` runs it before the ``reports_bbox`` scenario.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
DAYS_BACK = 730  # two years of reports
CLUSTERED_SHARE = 0.75  # near a town centre; the rest anywhere in the ward
CLUSTER_SIGMA_M = 350.0
# The map viewports the benchmark asks for (west,south,east,north): about 1 km square
# around 芝大門/浜松町, 六本木 and 芝浦 (a phone's map at street level), and the whole ward
# (the map's first view). The load takes them in turn.
VIEWPORTS: dict[str, str] = {
    "shiba_1km": "139.7485,35.6525,139.7595,35.6615",
    "roppongi_1km": "139.7255,35.6580,139.7365,35.6670",
    "shibaura_1km": "139.7475,35.6365,139.7585,35.6455",
    "ward": "139.7050,35.6150,139.7900,35.6900",
}
API_PATH = "/api/v1/reports"
# How often each kind of problem is reported (the default kinds; others weigh 1).
SERVICE_WEIGHTS = {
    "road-surface": 14,
    "streetlight": 16,
    "guardrail": 4,
    "curve-mirror": 3,
    "gutter": 6,
    "abandoned-bicycle": 12,
    "road-other": 5,
    "playground": 5,
    "park-tree": 7,
    "park-toilet": 4,
    "park-facility": 4,
    "park-other": 2,
    "illegal-dumping": 12,
    "graffiti": 6,
}
# (status, weight) for reports under a month old, and for older ones.
RECENT_STATUSES = (
    ("open", 40),
    ("accepted", 25),
    ("in_progress", 20),
    ("fixed", 10),
    ("closed", 2),
    ("referred", 2),
    ("duplicate", 1),
)
OLDER_STATUSES = (
    ("open", 1),
    ("accepted", 2),
    ("in_progress", 2),
    ("fixed", 75),
    ("closed", 8),
    ("referred", 8),
    ("duplicate", 4),
)
DESCRIPTIONS = (
    "夜になっても点灯していません。",
    "歩道に段差があり、つまずきそうです。",
    "一週間以上同じ場所に置かれたままです。",
    "雨の日に水があふれています。",
    "ぐらついていて危ないです。",
    "枝が伸びて歩道をふさいでいます。",
    "粗大ごみが捨てられています。",
    "壁に落書きがあります。",
    "The light flickers all night.",
    "A deep pothole on the pavement next to the crossing.",
)
PLACE_HINTS = ("", "", "", "交差点の角", "学校の正門の前", "公園の入口", "バス停の近く")
NOTES = {
    "closed": "現地を確認しましたが、不具合は見つかりませんでした。",
    "referred": "国道のため、国道事務所にお伝えしました。",
    "duplicate": "同じ場所の通報があるため、そちらで対応します。",
}


def _refuse(message: str) -> int:
    print(f"seed_reports: {message}", file=sys.stderr)
    return 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="reports wanted")
    parser.add_argument("--seed", type=int, default=12, help="random seed")
    parser.add_argument("--sql-out", help="write the viewports' paths and the API's SQL here")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        return _refuse(
            "refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)"
        )
    status = seed(args.count, args.seed)
    if status:
        return status
    if args.sql_out:
        return write_sql(args.sql_out)
    return 0


def seed(count: int, seed_value: int) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from minato.core.references import ALPHABET
    from minato.reports import catalogue, geo, services
    from minato.reports.models import Report, Service

    catalogue.ensure_services()
    kinds = list(Service.objects.filter(is_active=True).select_related("department"))
    if not kinds:
        return _refuse("no kinds of problem: load the demo data first (manage.py load_demo)")
    existing = Report.objects.count()
    missing = count - existing
    if missing <= 0:
        print(f"seed_reports: {existing} reports already there; nothing to add", flush=True)
        return 0

    rng = random.Random(seed_value + existing)
    taken = set(Report.objects.values_list("reference", flat=True))
    weights = [SERVICE_WEIGHTS.get(kind.code, 1) for kind in kinds]
    departments: dict[tuple[int, str], int] = {}
    outline = [point for polygon in geo.boundary() for ring in polygon for point in ring]
    west, east = min(p[0] for p in outline), max(p[0] for p in outline)
    south, north = min(p[1] for p in outline), max(p[1] for p in outline)
    metres_per_degree = math.radians(1) * geo.EARTH_RADIUS_M
    now = timezone.now()

    def reference() -> str:
        while True:
            candidate = "".join(rng.choice(ALPHABET) for _ in range(8))
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def position() -> tuple[float, float]:
        while True:
            if rng.random() < CLUSTERED_SHARE:
                _town, lat0, lon0, _area = rng.choice(geo.TOWN_CENTRES)
                latitude = lat0 + rng.gauss(0, CLUSTER_SIGMA_M) / metres_per_degree
                longitude = lon0 + rng.gauss(0, CLUSTER_SIGMA_M) / (
                    metres_per_degree * math.cos(math.radians(lat0))
                )
            else:
                latitude, longitude = rng.uniform(south, north), rng.uniform(west, east)
            if geo.inside_minato(latitude, longitude):
                return round(latitude, 6), round(longitude, 6)

    def department_of(kind: Service, area: str) -> int:
        key = (kind.pk, area)
        if key not in departments:
            departments[key] = services.route(kind, area).pk
        return departments[key]

    def row() -> Report:
        kind = rng.choices(kinds, weights)[0]
        latitude, longitude = position()
        area = geo.area_at(latitude, longitude)
        # Newer reports are more frequent (more people use the service as it becomes known).
        age = timedelta(days=DAYS_BACK * rng.random() ** 1.3, seconds=rng.randrange(86_400))
        requested_at = now - age
        table = RECENT_STATUSES if age < timedelta(days=30) else OLDER_STATUSES
        status = rng.choices([s for s, _w in table], [w for _s, w in table])[0]
        changed_at = min(now, requested_at + timedelta(hours=rng.uniform(1, 24 * 30)))
        if status == "open":
            changed_at = requested_at
        closed = status in ("closed", "referred", "duplicate")
        return Report(
            reference=reference(),
            service_id=kind.pk,
            status=status,
            description=rng.choice(DESCRIPTIONS),
            latitude=latitude,
            longitude=longitude,
            area=area,
            place_hint=rng.choice(PLACE_HINTS),
            department_id=department_of(kind, area),
            language="ja",
            source=Report.Source.PORTAL,
            referral="national_road" if status == "referred" else "",
            status_note=NOTES.get(status, ""),
            support_count=min(int(rng.expovariate(0.7)), 40),
            requested_at=requested_at,
            status_changed_at=changed_at,
            fixed_at=changed_at if status == "fixed" else None,
            closed_at=changed_at if closed else None,
        )

    print(
        f"seed_reports: adding {missing} reports ({existing} there), in batches of {BATCH}",
        flush=True,
    )
    started = time.monotonic()
    done = 0
    while done < missing:
        size = min(BATCH, missing - done)
        rows = [row() for _ in range(size)]
        with transaction.atomic():
            Report.objects.bulk_create(rows, batch_size=BATCH)
        done += size
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Report._meta.db_table}")
    print(
        f"seed_reports: {Report.objects.count()} reports ({done} added in "
        f"{time.monotonic() - started:.1f} s, table vacuumed and analysed)",
        flush=True,
    )
    return 0


def viewport_paths() -> dict[str, str]:
    return {name: f"{API_PATH}?{urlencode({'bbox': box})}" for name, box in VIEWPORTS.items()}


def write_sql(out: str) -> int:
    """Ask the API for each viewport in-process and keep the SQL it ran on the reports
    table, as sent to PostgreSQL (parameters bound), with the path and what it answered."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=(settings_host()))
    viewports: list[dict[str, Any]] = []
    for name, path in viewport_paths().items():
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(path)
        if answer.status_code != 200:
            return _refuse(f"{path} answered HTTP {answer.status_code}: {answer.content[:300]!r}")
        statements = [q["sql"] for q in captured.captured_queries if "reports_report" in q["sql"]]
        body = answer.json()
        viewports.append(
            {
                "name": name,
                "bbox": VIEWPORTS[name],
                "path": path,
                "count": body["count"],
                "items": len(body["items"]),
                "sql": statements,
            }
        )
        print(
            f"seed_reports: {name}: {body['count']} reports in the box, "
            f"{len(statements)} statements",
            flush=True,
        )
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(
            {"written_at": datetime.now().astimezone().isoformat(), "viewports": viewports},
            fh,
            ensure_ascii=False,
            indent=1,
        )
    return 0


def settings_host() -> str:
    from django.conf import settings

    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    return hosts[0] if hosts else "127.0.0.1"


if __name__ == "__main__":
    sys.exit(main())
