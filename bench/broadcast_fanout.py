"""Issue 10's broadcast benchmark on PostgreSQL: one approved broadcast to 1,000,000 synthetic
residents (80 % linked to LINE, 20 % by email), with the fake LINE API and a discarding SMTP
server on loopback, each in its own process.

Phases, timed separately:

- ``fan_out_s``: ``broadcasts.broadcast_fan_out`` as the worker runs it: every delivery row
  created (a chunk of 2,000 accounts per transaction, with its batch tasks), compared with
  ``copy_s``, a raw COPY of the same number of rows into a copy of the deliveries table, in
  the same run (``ratio`` = fan_out_s / copy_s);
- ``hand_off_s``: from the end of the fan-out until every delivery is handed to its channel
  (LINE multicasts of 500, email over SMTP), by two ``db_worker`` processes as in production
  on 2 cores; ``to_hand_off_s`` is the two together, the issue's target (< 60 s).

It builds its own database (``minato_bench_broadcast``, dropped first) and its residents by
COPY (no audit rows for the set-up). Not a test; never runs in CI.

    .venv/bin/python bench/broadcast_fanout.py [--residents 1000000] [--workers 2] [--keep]
    .venv/bin/python bench/broadcast_fanout.py --alert --residents 100000 --email-every 0

``--alert`` (issue 11): a supervisor issues an emergency alert to the whole ward instead —
the notice, the CAP message and the hub's broadcast in one transaction — with the workers
already waiting; ``to_hand_off_s`` is then from "Issue now" to the last delivery handed over
(target < 30 s for 100,000 subscribed recipients).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "minato_bench_broadcast"
LINE_PORT = int(os.environ.get("BENCH_LINE_PORT", "8931"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8925"))
TOKEN = "bench-channel-access-token"
SECRET = "bench-channel-secret"

# A discarding SMTP server (Python 3.11's smtpd): accepts every message and keeps nothing.
SMTP_SERVER = f"""
import asyncore, smtpd, warnings
warnings.simplefilter("ignore")
class Discard(smtpd.SMTPServer):
    def process_message(self, *args, **kwargs):
        return None
Discard(("127.0.0.1", {SMTP_PORT}), None, decode_data=False)
asyncore.loop()
"""
# The fake LINE API, counting what it accepted (it keeps only counts: a million ids would do).
LINE_SERVER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from wsgiref.simple_server import make_server, WSGIRequestHandler
from minato.notifications.fake_line import FakeLine
class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass
app = FakeLine(token={TOKEN!r})
make_server("127.0.0.1", {LINE_PORT}, app, handler_class=Quiet).serve_forever()
"""


WORKER = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "-v0"]


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        connection.execute(f"CREATE DATABASE {DB_NAME}")


def _environment() -> dict[str, str]:
    return {
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "ALLOW_DEMO_SECRETS": "1",
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_API_BASE": f"http://127.0.0.1:{LINE_PORT}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "LOG_LEVEL": "WARNING",
    }


def _seed(residents: int, email_every: int) -> None:
    """Residents by COPY: one in ``email_every`` prefers email (0: nobody), the others LINE,
    which they have linked; each with their notification preferences."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as copy_cursor:
            with copy_cursor.copy(
                "COPY accounts_user (id, password, is_superuser, public_id, email, kind, "
                "display_name, is_active, email_verified_at, assurance_level, date_joined, "
                "updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, residents + 1):
                    user = (n, "!", False, uuid.uuid4(), f"r{n}@example.jp", "resident", "")
                    copy.write_row((*user, True, now, 0, now, now))
            with copy_cursor.copy(
                "COPY accounts_residentprofile (user_id, family_name, given_name, "
                "family_name_kana, given_name_kana, postal_code, prefecture, city, "
                "address_line, phone, preferred_language, preferred_channels, created_at, "
                "updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, residents + 1):
                    by_email = email_every and n % email_every == 0
                    channels = '["email"]' if by_email else '["line"]'
                    language = "en" if n % 10 == 3 else "ja"
                    copy.write_row(
                        (n, "", "", "", "", "", "", "", "", "", language, channels, now, now)
                    )
            with copy_cursor.copy(
                "COPY notifications_lineaccount (user_id, line_user_id, is_following, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, residents + 1):
                    if not (email_every and n % email_every == 0):
                        copy.write_row((n, f"U{n:032x}", True, now, now))
            # Everyone has chosen topics; one in ten has quiet hours, set hours away from now
            # so that they are checked but hold nobody back.
            quiet_from = (
                (timezone.localtime(now) + timedelta(hours=6))
                .time()
                .replace(second=0, microsecond=0)
            )
            quiet_until = (
                (timezone.localtime(now) + timedelta(hours=8))
                .time()
                .replace(second=0, microsecond=0)
            )
            with copy_cursor.copy(
                "COPY notifications_preference (user_id, topics, areas, quiet_from, "
                "quiet_until, created_at, updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, residents + 1):
                    quiet = (quiet_from, quiet_until) if n % 10 == 7 else (None, None)
                    copy.write_row((n, '["disaster", "events"]', "[]", *quiet, now, now))
        cursor.execute("SELECT setval('accounts_user_id_seq', %s)", [residents + 1])
        cursor.execute("ANALYZE")


def _copy_baseline(rows: int) -> float:
    """COPY the same number of delivery rows into a copy of the table (same columns and
    indexes), in the same run."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (LIKE notifications_notification INCLUDING ALL)")
        # The same storage settings as the deliveries table (its fillfactor, migration 0004).
        cursor.execute(
            "SELECT array_to_string(reloptions, ', ') FROM pg_class "
            "WHERE relname = 'notifications_notification'"
        )
        [options] = cursor.fetchone()
        if options:
            cursor.execute(f"ALTER TABLE bench_copy SET ({options})")
        started = time.perf_counter()
        with (
            cursor.connection.cursor() as copy_cursor,
            copy_cursor.copy(
                "COPY bench_copy (public_id, recipient_id, address, channel, template_key, "
                "language, subject, body, status, attempts, last_error, reference, dedupe_key, "
                "topic, is_emergency, batch_key, created_at, updated_at) FROM STDIN"
            ) as copy,
        ):
            for n in range(1, rows + 1):
                head = (uuid.uuid4(), n, f"U{n:032x}", "line", "broadcast/message", "ja")
                text = ("台風が近づいています", "早めに避難の準備を。\n", "queued", 0, "")
                keys = ("broadcast:bench", "broadcast:bench", "disaster", False)
                copy.write_row((*head, *text, *keys, f"bench:{n // 500}", now, now))
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


def _workers(count: int, *extra: str) -> list[subprocess.Popen[bytes]]:
    command = [*WORKER, "--queue-name", "*", "--interval", "0.1", *extra]
    if os.environ.get("BENCH_PROFILE") == "hand_off":
        # Each worker writes its profile to var/bench-worker-N.prof (read with pstats).
        return [
            subprocess.Popen(
                [command[0], "-m", "cProfile", "-o", f"var/bench-worker-{n}.prof", *command[1:]],
                cwd=ROOT,
            )
            for n in range(count)
        ]
    return [subprocess.Popen(command, cwd=ROOT) for _ in range(count)]


def _overlapped(broadcast: Any, workers: int, residents: int) -> tuple[float, float]:
    """As in production: the fan-out is a task; the workers deliver batches while it goes on.
    Returns (seconds until every delivery was created, seconds until every one was handed
    over), both from the moment the workers start."""
    from minato.notifications import broadcasts
    from minato.notifications.models import Broadcast, Notification

    broadcasts._enqueue_fan_out(broadcast.pk)
    started = time.perf_counter()
    running = _workers(workers)
    created_at = None
    try:
        while time.perf_counter() - started < 1800:
            time.sleep(1)
            if created_at is None:
                status = Broadcast.objects.values_list("status", flat=True).get(pk=broadcast.pk)
                if status == Broadcast.Status.SENT:
                    created_at = time.perf_counter() - started
                continue
            waiting = Notification.objects.filter(
                status__in=["queued", "sending", "retrying"]
            ).exists()
            if not waiting:
                break
    finally:
        for worker in running:
            worker.terminate()
            worker.wait()
    assert Notification.objects.count() == residents
    return created_at or 0.0, time.perf_counter() - started


def _alert(issuer: Any, department: Any, workers: int, residents: int) -> tuple[float, float]:
    """Issue 11: an emergency alert issued from the one form (notice, CAP message and the
    hub's broadcast in one transaction), with the workers already waiting, as in a real
    emergency. Returns (seconds until every delivery was created, seconds until every one
    was handed over), both from the moment the supervisor presses "Issue now"."""
    from datetime import timedelta

    from django.utils import timezone

    from minato.information import alerts
    from minato.information.models import Alert
    from minato.notifications.models import Broadcast, Notification

    running = _workers(workers)
    time.sleep(3)  # the workers are up and polling before the emergency
    alert = alerts.alert_save(
        staff=issuer,
        alert=None,
        values={
            "department": department,
            "event": Alert.Event.EVACUATION_ORDER,
            "mode": Alert.Mode.ACTUAL,
            "areas": [],
            "expires_at": timezone.now() + timedelta(hours=6),
            "content": {
                "ja": {
                    "headline": "港区全域に避難指示",
                    "description": "大雨で河川が氾濫するおそれがあります。",
                    "instruction": "近くの避難場所へ移動してください。",
                },
                "en": {
                    "headline": "Evacuation order for all of Minato",
                    "description": "Rivers may flood after heavy rain.",
                    "instruction": "Go to the nearest evacuation site.",
                },
            },
        },
    )
    started = time.perf_counter()
    alerts.alert_issue(staff=issuer, alert=alert)
    alert.refresh_from_db()
    created_at = None
    try:
        while time.perf_counter() - started < 1800:
            time.sleep(0.5)
            if created_at is None:
                status = Broadcast.objects.values_list("status", flat=True).get(
                    public_id=alert.broadcast_id
                )
                if status == Broadcast.Status.SENT:
                    created_at = time.perf_counter() - started
                continue
            if not Notification.objects.filter(
                status__in=["queued", "sending", "retrying"]
            ).exists():
                break
    finally:
        for worker in running:
            worker.terminate()
            worker.wait()
    assert Notification.objects.count() == residents
    return created_at or 0.0, time.perf_counter() - started


def _sequential(broadcast: Any, workers: int) -> tuple[float, float]:
    """The fan-out in this process, then the workers (each phase alone)."""
    from minato.notifications import broadcasts

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") == "fan_out":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(broadcasts.broadcast_fan_out, broadcast.pk)
        stats = pstats.Stats(profiler).sort_stats("tottime")
        stats.print_stats(20)
        stats.print_callers("connection.py.*wait")
    else:
        broadcasts.broadcast_fan_out(broadcast.pk)
    fan_out = time.perf_counter() - started
    for worker in _workers(workers, "--batch"):
        worker.wait(timeout=1800)
    return fan_out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--email-every", type=int, default=5, help="one resident in N by email (0: none)"
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="fan out in this process first, then start the workers (phases apart)",
    )
    parser.add_argument(
        "--alert",
        action="store_true",
        help="issue 11: issue an emergency alert to everyone instead of sending a broadcast",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    _recreate_database()
    os.environ.update(_environment())
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from minato.accounts.models import Department, Role, User
    from minato.accounts.services import staff_create
    from minato.notifications.models import Broadcast, Notification

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    servers = [
        subprocess.Popen([sys.executable, "-c", LINE_SERVER]),
        subprocess.Popen([sys.executable, "-c", SMTP_SERVER]),
    ]
    timings: dict[str, float | int] = {"residents": args.residents}
    try:
        started = time.perf_counter()
        _seed(args.residents, args.email_every)
        timings["setup_s"] = round(time.perf_counter() - started, 1)
        department = Department.objects.create(
            code="bench", name_ja="防災課", name_en="Disaster Prevention", kind="department"
        )
        author, approver = (
            staff_create(
                email=f"{name}@city.minato.example",
                password="bench-password-123",
                display_name=name,
                department=department,
                role=role,
            )
            for name, role in (("author", Role.CLERK), ("approver", Role.SUPERVISOR))
        )
        broadcast = Broadcast.objects.create(
            department=department,
            title="台風",
            topic="disaster",
            content={
                "ja": {"subject": "台風が近づいています", "body": "早めに避難の準備を。"},
                "en": {"subject": "A typhoon is coming", "body": "Get ready to evacuate."},
            },
            status=Broadcast.Status.SCHEDULED,
            created_by=author,
            approved_by=approver,
            approved_at=timezone.now(),
            recipient_count=args.residents,
        )
        assert User.objects.filter(kind="resident").count() == args.residents
        if args.alert:
            broadcast.delete()  # the alert makes its own

        if args.alert:
            fan_out, hand_off = _alert(approver, department, args.workers, args.residents)
        elif args.sequential:
            fan_out, hand_off = _sequential(broadcast, args.workers)
        else:
            fan_out, hand_off = _overlapped(broadcast, args.workers, args.residents)
        delivered = Notification.objects.filter(status="delivered").count()
        mode = "alert" if args.alert else "sequential" if args.sequential else "overlapped"
        copy = _copy_baseline(args.residents)
        timings.update(
            {
                "fan_out_s": round(fan_out, 1),
                "copy_s": round(copy, 1),
                "ratio": round(fan_out / copy, 1),
                "hand_off_s": round(hand_off, 1),
                "to_hand_off_s": round(hand_off, 1),
                "mode": mode,
                "delivered": delivered,
                "deliveries_per_s": round(args.residents / hand_off),
            }
        )
    finally:
        for server in servers:
            server.terminate()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    print(json.dumps(timings))
    print(
        f"broadcast to {args.residents:,}: deliveries created in {timings.get('fan_out_s')} s "
        f"({timings.get('ratio')}× COPY), all handed over after {timings.get('to_hand_off_s')} s"
    )


if __name__ == "__main__":
    main()
