"""Issue 9's lottery benchmark, end to end on PostgreSQL: 200,000 entries over 5,000 sessions
drawn by ``services.lottery_draw`` as the worker does (read the entries, draw, write every
entry's result and audit event, then queue one message per entrant). Target: < 10 s on 2
cores. The pure draw is compared with a NumPy shuffle of the same size in the same run.

It builds its own data on a database it creates and drops (``minato_bench_lottery`` on the
local server by default): 50,000 residents with four entries each, bulk-inserted (no audit
rows for the set-up). Not a test; never runs in CI.

    .venv/bin/python bench/lottery_e2e.py [--entries 200000] [--sessions 5000] [--keep]

Prints one JSON line: the timings of each phase in seconds. ``end_to_end_s`` is the draw as
the worker runs it, up to the queued announcement tasks (one per thousand entrants);
``messages_written_s`` is then those tasks run one after another in this process, writing
every entrant's message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "minato_bench_lottery"


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        connection.execute(f"CREATE DATABASE {DB_NAME}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    _recreate_database()
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOW_DEMO_SECRETS", "1")
    # Messages are queued, not sent: the benchmark measures the draw, not SMTP.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    import django

    django.setup()
    from datetime import timedelta

    import numpy as np
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from minato.accounts.models import Department, ResidentProfile, User
    from minato.bookings import draw, services
    from minato.bookings.models import Booking, Facility, Lottery, Offering, Session
    from minato.notifications.models import Notification

    call_command("migrate", verbosity=0)
    persons_count = max(args.entries // 4, 1)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    department = Department.objects.create(
        code="bench", name_ja="ベンチ", name_en="Bench", kind="department"
    )
    facility = Facility.objects.create(
        slug="bench",
        name={"ja": "ベンチ施設"},
        area="shiba",
        address="東京都港区芝公園1-5-25",
        latitude="35.658068",
        longitude="139.751599",
        department=department,
    )
    offering = Offering.objects.create(
        slug="bench-room",
        facility=facility,
        department=department,
        kind=Offering.Kind.ROOM,
        mode=Offering.Mode.LOTTERY,
        name={"ja": "ベンチ会議室"},
        description={"ja": "ベンチ"},
        fee_resident_yen=1200,
        fee_other_yen=2400,
        revenue_account_code="14-01-01-03",
        per_person_limit=4,
    )
    now = timezone.now()
    first = now + timedelta(days=40)
    sessions = Session.objects.bulk_create(
        Session(
            offering=offering,
            starts_at=first + timedelta(hours=3 * n),
            ends_at=first + timedelta(hours=3 * n + 2),
            capacity=1,
        )
        for n in range(args.sessions)
    )
    lottery = services.lottery_create(
        offering=offering,
        sessions=sessions,
        entries_open_at=now - timedelta(days=2),
        entries_close_at=now - timedelta(minutes=2),
        draw_at=now - timedelta(minutes=1),
        confirm_by=now + timedelta(days=7),
        resident_weight=2,
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"bench{n}@example.jp",
                kind=User.Kind.RESIDENT,
                password="!",  # unusable: nobody signs in
                email_verified_at=now,
            )
            for n in range(persons_count)
        ),
        batch_size=5000,
    )
    ResidentProfile.objects.bulk_create(
        (
            ResidentProfile(
                user=user,
                prefecture="東京都" if n % 2 else "神奈川県",
                city="港区" if n % 2 else "川崎市",
                preferred_language="ja",
            )
            for n, user in enumerate(users)
        ),
        batch_size=5000,
    )
    Booking.objects.bulk_create(
        (
            Booking(
                session=sessions[(n // 4 * 4 + n % 4) % args.sessions],
                person=users[n // 4],
                status=Booking.Status.ENTERED,
                rate_class="resident" if (n // 4) % 2 else "other",
                lottery=lottery,
                entry_number=n + 1,
                weight=2 if (n // 4) % 2 else 1,
                reference=f"{n:08X}"[-8:],
            )
            for n in range(args.entries)
        ),
        batch_size=5000,
    )
    Lottery.objects.filter(pk=lottery.pk).update(last_entry_number=args.entries)
    timings["setup_s"] = round(time.perf_counter() - started, 2)

    # The draw as the worker runs it; the results are announced after the commit.
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(services.lottery_draw, lottery=lottery)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    else:
        result = services.lottery_draw(lottery=lottery)
    timings["end_to_end_s"] = round(time.perf_counter() - started, 2)
    assert result == {"entries": args.entries, "won": min(args.sessions, args.entries)}, result
    queued = list(
        DBTaskResult.objects.filter(task_path="minato.bookings.tasks.announce_lottery_results")
        .order_by("enqueued_at")
        .values_list("args_kwargs", flat=True)
    )
    assert len(queued) == -(-args.entries // services.ANNOUNCE_BATCH), len(queued)

    # What the worker then does with those tasks: write every message (one insert per
    # thousand), timed in this process as one worker would run them one after the other.
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") == "messages":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    for job in [] if os.environ.get("BENCH_SKIP_MESSAGES") else queued:
        services.lottery_results_announce(
            lottery_id=job["args"][0], first_pk=job["args"][1], last_pk=job["args"][2]
        )
    timings["messages_written_s"] = round(time.perf_counter() - started, 2)
    if os.environ.get("BENCH_PROFILE") == "messages":
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    assert os.environ.get("BENCH_SKIP_MESSAGES") or Notification.objects.count() == args.entries

    # The pure draw against a NumPy shuffle of the same size, in this process.
    table = np.array(
        Booking.objects.filter(lottery=lottery)
        .order_by("entry_number")
        .values_list("entry_number", "session_id", "tier", "weight"),
        dtype=np.int64,
    )
    _, session_index = np.unique(table[:, 1], return_inverse=True)
    capacities = np.ones(args.sessions, dtype=np.int64)
    lottery.refresh_from_db()

    def best(run: object, repeat: int = 7) -> float:
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            run()  # type: ignore[operator]
            times.append(time.perf_counter() - began)
        return min(times)

    pure = best(
        lambda: draw.rank_arrays(
            lottery.seed,
            table[:, 0],
            session_index,
            table[:, 2],
            table[:, 3].astype(np.float64),
            capacities,
        )
    )
    rng = np.random.default_rng(1)
    shuffle = best(lambda: rng.shuffle(np.arange(args.entries)))
    timings.update(
        pure_draw_ms=round(pure * 1000, 1),
        numpy_shuffle_ms=round(shuffle * 1000, 1),
        pure_ratio=round(pure / shuffle, 1),
        entries=args.entries,
        sessions=args.sessions,
    )
    print(json.dumps(timings))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    main()
