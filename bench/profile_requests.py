"""In-process profile of single requests: SQL statements and time per request.

Runs a submission (``POST /api/v1/procedures/sodai-gomi/applications``, as ``api_submit``),
the clerk's queue (``GET /staff/applications/``, as ``staff_queue``) or a sandbox webhook
(``POST /api/v1/payments/webhooks/sandbox``, as ``payments_webhook``: each request the next
event of ``--events FILE`` from ``bench/seed_payments.py --out``, signed again with the
current time), the resident's profile page (``profile``, as ``portal_profile``) or the bare
view with the resident's session (``bare_signed_in``) through Django's test client against
the bench database, and prints:

- the SQL statements of one request, numbered, with their time (``--show-sql``);
- the statements grouped by table and kind;
- wall and CPU time per request over ``--repeat`` requests (after one warm-up), and, with
  ``--cprofile FILE``, a cProfile of those requests (read it with ``python -m pstats``);
- for ``webhook``, then the worker's part: statements and time per event to apply the
  events those requests stored (``webhook_events_apply``, decision 0006).

Bench data only (submissions add applications to the bench database); it refuses to run
without ``BENCHMARK_ENDPOINTS=true`` and PostgreSQL, like ``seed_applications.py``::

    DJANGO_SETTINGS_MODULE=config.settings.base DEBUG=false BENCHMARK_ENDPOINTS=true \\
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/minato_bench \\
      .venv/bin/python bench/profile_requests.py submit --repeat 50 --show-sql
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from http_bench import (  # bench/ is on sys.path when this runs as a script
    SIGNATURE_HEADER,
    SUBMIT_BODY,
    read_events,
    resign,
)

ROOT = Path(__file__).resolve().parent.parent
RESIDENT = "hanako@example.jp"
CLERK = "clerk@city.minato.example"
ANSWERS = SUBMIT_BODY["answers"]  # the benchmark's own submission


def _kind(sql: str) -> str:
    head = sql.lstrip().split(None, 1)[0].upper()
    if head in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}:
        return head
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', sql, re.IGNORECASE)
    lock = " FOR UPDATE" if "FOR UPDATE" in sql.upper() else ""
    return f"{head} {table.group(1) if table else '?'}{lock}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scenario", choices=["submit", "queue", "webhook", "profile", "bare_signed_in"]
    )
    parser.add_argument("--events", help="webhook: signed events (bench/seed_payments.py --out)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--cprofile", metavar="FILE")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minato.accounts.models import User

    if not settings.BENCHMARK_ENDPOINTS or connection.vendor != "postgresql":
        parser.error("bench data only: needs BENCHMARK_ENDPOINTS=true and PostgreSQL")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    client = Client()
    if args.scenario == "submit":
        client.force_login(User.objects.get(email=RESIDENT))

        def one() -> int:
            response = client.post(
                "/api/v1/procedures/sodai-gomi/applications",
                {"answers": ANSWERS},
                content_type="application/json",
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            return response.status_code

        expected = 201
    elif args.scenario == "webhook":
        if not args.events:
            parser.error("webhook needs --events FILE (bench/seed_payments.py --out FILE)")
        events = read_events(args.events)
        if len(events) < args.repeat + 2:
            parser.error(f"{len(events)} events in {args.events}; {args.repeat + 2} needed")

        def one() -> int:
            line = resign([events.pop(0)], settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET)[0]
            signature, body = line.split("\t", 1)
            response = client.post(
                "/api/v1/payments/webhooks/sandbox",
                body.encode(),
                content_type="application/json",
                headers={SIGNATURE_HEADER: signature},
            )
            if response.status_code != 200 or response.json().get("result") != "accepted":
                print(response.status_code, response.content[:200], file=sys.stderr)
                return 0
            return 200

        expected = 200
    elif args.scenario in ("profile", "bare_signed_in"):
        # The resident's own page, and its floor: the bare view with the same session.
        client.force_login(User.objects.get(email=RESIDENT))
        path = "/accounts/profile/" if args.scenario == "profile" else "/bench/bare"

        def one() -> int:
            return client.get(path).status_code

        expected = 200
    else:
        clerk = User.objects.get(email=CLERK)
        client.force_login(clerk)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=clerk).persistent_id
        session.save()

        def one() -> int:
            return client.get("/staff/applications/").status_code

        expected = 200

    assert one() == expected  # warm-up (caches, first connection)
    with CaptureQueriesContext(connection) as queries:
        status = one()
    assert status == expected, status
    print(f"{args.scenario}: {len(queries)} SQL statements in one request")
    if args.show_sql:
        for n, query in enumerate(queries.captured_queries, 1):
            print(f"{n:3d} {float(query['time']) * 1000:6.2f} ms  {query['sql'][:220]}")
    for kind, count in Counter(_kind(q["sql"]) for q in queries.captured_queries).most_common():
        print(f"{count:4d}  {kind}")

    profiler = cProfile.Profile() if args.cprofile else None
    wall0, cpu0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(args.repeat):
        assert one() == expected
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(
        f"{args.repeat} requests: {1000 * wall / args.repeat:.1f} ms wall, "
        f"{1000 * cpu / args.repeat:.1f} ms Python CPU per request (one process, no concurrency)"
    )
    if args.scenario == "webhook":
        # The worker's part (decision 0006): apply the events those requests stored.
        from minato.payments.services import webhook_events_apply

        wall0, cpu0 = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            applied = webhook_events_apply()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        print(
            f"applying {applied} stored events: {len(queries)} SQL statements, "
            f"{1000 * wall / max(applied, 1):.2f} ms wall, "
            f"{1000 * cpu / max(applied, 1):.2f} ms Python CPU per event (batches of 200)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
