"""Open the benchmark's shelter for the ``shelter_check_in`` scenario and print its check-in key.

Issue 11's target is at least 300 check-ins a second on 2 cores, as a crowd of stranded
commuters arrives at one temporary-stay facility. This makes (or resets) one shelter,
``bench-shelter``, open with room for everyone the benchmark sends, its earlier check-ins
deleted and its headcount at 0, and prints the key its QR code carries (the benchmark
posts the check-in form with it, as a phone that scanned the code would).

Bench data only; it refuses unless ``BENCHMARK_ENDPOINTS=true`` (set by ``scripts/bench``)
and the database is PostgreSQL.

    DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=postgres://… \\
        BENCHMARK_ENDPOINTS=true .venv/bin/python bench/seed_shelter.py
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-shelter"
DEPARTMENT = "shiba.kumin"
CAPACITY = 10_000_000  # never full during a benchmark


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from minato.accounts.models import Department
    from minato.information.models import Shelter

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        print(
            "seed_shelter: refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)",
            file=sys.stderr,
        )
        return 2
    department = Department.objects.filter(code=DEPARTMENT).first()
    if department is None:
        print("seed_shelter: load the demo data first (manage.py load_demo)", file=sys.stderr)
        return 2
    with transaction.atomic():
        shelter, _created = Shelter.objects.get_or_create(
            slug=SLUG,
            defaults={
                "name": {"ja": "ベンチマーク用一時滞在施設", "en": "Benchmark stay facility"},
                "kinds": ["temporary_stay"],
                "area": "shiba",
                "department": department,
                "address": "港区芝公園1-5-25",
                "latitude": "35.658100",
                "longitude": "139.751600",
                "capacity": CAPACITY,
                "checkin_key": secrets.token_urlsafe(12),
            },
        )
        shelter.check_ins.all().delete()
        Shelter.objects.filter(pk=shelter.pk).update(
            status=Shelter.Status.OPEN,
            capacity=CAPACITY,
            headcount=0,
            status_changed_at=timezone.now(),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE information_checkin")
    print(shelter.checkin_key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
