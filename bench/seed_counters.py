"""Prepare the counters for the ``counters_*`` benchmarks and print a ticket's state path.

Issue 14's targets: ticket issuing at 100 a second or more on 2 cores, and the ticket pages
and hall displays taking 500 open live connections with a change visible everywhere within
2 s. This empties today's line at the demo's 芝地区総合支所 (its tickets of today and the
day's counter, bench data only), puts ``--waiting`` people in the 住民異動 line, and prints
the path of the state one of them polls (``counters_ticket_state``). The kiosk scenario
issues its tickets at 麻布, so the line measured here does not grow during a run.

Bench data only; it refuses unless ``BENCHMARK_ENDPOINTS=true`` (set by ``scripts/bench``)
and the database is PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICE = "shiba"
QUEUE = "ido"
# Where counters_kiosk_ticket prints its tickets: emptied too, so each benchmark starts from
# a morning's line, not from the thousands an earlier run left.
KIOSK_OFFICE = "azabu"


def prepare(waiting: int) -> list[str]:
    """Empty today's tickets at the bench office and queue ``waiting`` kiosk tickets; their
    public ids, first in line first."""
    from django.db import transaction
    from django.utils import timezone

    from minato.navigator.models import Office, QueueDay, Ticket
    from minato.navigator.queues import services

    office = Office.objects.get(slug=OFFICE)
    queue = office.queues.get(slug=QUEUE)
    with transaction.atomic():
        for slug in (OFFICE, KIOSK_OFFICE):
            today = {"queue__office__slug": slug, "service_date": timezone.localdate()}
            Ticket.objects.filter(**today).delete()
            QueueDay.objects.filter(**today).delete()
    return [
        str(services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK).public_id)
        for _ in range(waiting)
    ]


def setup() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        print(
            "seed_counters: refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)",
            file=sys.stderr,
        )
        return 2
    from minato.navigator.models import Office

    if not Office.objects.filter(slug=OFFICE).exists():
        print("seed_counters: load the demo data first (manage.py load_demo)", file=sys.stderr)
        return 2
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--waiting", type=int, default=30)
    args = parser.parse_args()
    refused = setup()
    if refused:
        return refused
    ids = prepare(args.waiting)
    print(f"/navigator/counters/{OFFICE}/tickets/{ids[len(ids) // 2]}/state.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
