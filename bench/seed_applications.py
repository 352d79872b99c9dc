"""Seed the benchmark database with submitted applications for the staff queue scenario.

Issue 3's target for the staff queue page is a p95 under 100 ms *with 100,000 applications in
the database*. This puts that many submitted applications into one procedure of the demo
clerk's department (芝地区総合支所 区民課, ``shiba.kumin``), so they all appear in the clerk's
queue at /staff/applications/.

Bench data only: rows are written with ``bulk_create`` in batches of 5,000, without the audit
trail, timeline events, notifications or hand-off that a real submission writes (the queue
page reads none of those). Never run it against a database that matters; it refuses unless
``BENCHMARK_ENDPOINTS=true`` (set by ``scripts/bench``) and the database is PostgreSQL.

Idempotent: when the procedure already has at least ``--count`` applications it does
nothing; otherwise it adds the difference. Afterwards it runs ANALYZE on the table, as
autovacuum would in production, so the planner knows the table's size.

    DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=postgres://… \\
        BENCHMARK_ENDPOINTS=true .venv/bin/python bench/seed_applications.py [--count 100000]

``scripts/bench`` runs it before the ``staff_queue`` scenario.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
PROCEDURE = "juminhyo-utsushi"  # 住民票の写し: a procedure of shiba.kumin, the clerk's section
APPLICANT = "hanako@example.jp"
CLERK = "clerk@city.minato.example"
DAYS_BACK = 180  # submissions spread over the last six months
# Open work, as a queue holds it: mostly new, some received, some in review.
STATUS_WEIGHTS = (("submitted", 50), ("received", 30), ("in_review", 20))
ASSIGNED_SHARE = 0.10  # a tenth of them assigned to the demo clerk (the assignee join)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="applications wanted")
    parser.add_argument("--procedure", default=PROCEDURE, help="procedure slug")
    parser.add_argument("--seed", type=int, default=3, help="random seed (references, dates)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from minato.accounts.models import User
    from minato.core.business_days import add_business_days
    from minato.core.references import ALPHABET as REFERENCE_ALPHABET
    from minato.procedures.applications.services import REFERENCE_LENGTH
    from minato.procedures.forms.selectors import current_form_version
    from minato.procedures.models import Application, Procedure

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        print(
            "seed_applications: refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)",
            file=sys.stderr,
        )
        return 2

    procedure = Procedure.objects.filter(slug=args.procedure).first()
    form_version = current_form_version(procedure) if procedure else None
    applicant = User.objects.filter(email=APPLICANT).first()
    clerk = User.objects.filter(email=CLERK).first()
    if procedure is None or form_version is None or applicant is None:
        print("seed_applications: run `manage.py load_demo` first", file=sys.stderr)
        return 2

    existing = Application.objects.filter(procedure=procedure).count()
    missing = args.count - existing
    if missing <= 0:
        print(f"seed_applications: {existing} of {procedure.slug} already there; nothing to do")
        return 0

    rng = random.Random(args.seed + existing)
    taken = set(Application.objects.exclude(reference=None).values_list("reference", flat=True))
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    days = procedure.processing_days or 0
    due_dates: dict[date, date | None] = {}
    now = timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()

    def reference() -> str:
        while True:
            candidate = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def row() -> Application:
        day = today - timedelta(days=rng.randrange(DAYS_BACK))
        # Office hours in Japan time, as people apply.
        at = datetime.combine(day, dtime(8, 0), tzinfo=tz) + timedelta(
            seconds=rng.randrange(14 * 3600)
        )
        if day not in due_dates:
            due_dates[day] = add_business_days(day, days) if days else None
        answers: dict[str, Any] = {
            "copies": rng.randint(1, 3),
            "household": rng.choice(("self", "all")),
            "purpose": "勤務先への提出",
            "postal_code": "1058511",
            "address": "芝公園1-5-25",
            "phone": "0335782111",
        }
        return Application(
            reference=reference(),
            procedure_id=procedure.pk,
            form_version_id=form_version.pk,
            applicant_id=applicant.pk,
            department_id=procedure.department_id,
            status=rng.choices(statuses, weights)[0],
            answers=answers,
            submitted_at=at,
            due_date=due_dates[day],
            assignee_id=clerk.pk if clerk is not None and rng.random() < ASSIGNED_SHARE else None,
            version=1,
        )

    print(
        f"seed_applications: adding {missing} applications to {procedure.slug} "
        f"({existing} there), in batches of {BATCH}",
        flush=True,
    )
    started = time.monotonic()
    done = 0
    while done < missing:
        size = min(BATCH, missing - done)
        with transaction.atomic():
            Application.objects.bulk_create([row() for _ in range(size)], batch_size=BATCH)
        done += size
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Application._meta.db_table}")
    total = Application.objects.filter(procedure=procedure).count()
    print(
        f"seed_applications: {total} applications of {procedure.slug} "
        f"({done} added in {time.monotonic() - started:.1f} s, table analysed)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
