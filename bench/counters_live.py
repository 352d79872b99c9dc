"""500 phones and hall displays following the counters live, and how fast a call reaches them.

Issue 14: "the display and ticket pages take 500 open live connections (server-sent events or
polling) with a status change visible everywhere within 2 s". The pages poll (see "Live
updates" in docs/modules/navigator.md): each asks again ``NAVIGATOR_POLL_SECONDS`` after its
last answer, as ``static/js/counters.js`` does, on a new connection as a browser does with a
server that closes each one (gunicorn's sync workers).

``--clients`` asyncio clients, each a bare HTTP/1.1 exchange (no client library: 500 of them
at the pages' pace cost the load generator little CPU): one in ten polls the office's hall
display, the others each the place of their own ticket in a line of that many people
(bench/seed_counters.py). Every ``--change-every`` seconds this process calls the next person
in line (the service a clerk's button runs, committed to the same PostgreSQL and Redis as the
server). Each client's first answer showing the change (the display: the called number on
top; a ticket: one person fewer ahead) is timed from the commit: "everywhere" is every one of
the clients. The floor: the same clients first poll the bare view at the same pace.

Prints one JSON object: polls/s, the polls' p50/p95/p99 against the floor's, and the change's
visibility p50/p95/max over every (change, client), with how many never saw a change.
Bounded in time; it only targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_counters

TARGET_VISIBLE_S = 2.0
TARGET_CLIENTS = 500
REQUEST = (
    "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
    "Connection: close\r\n\r\n"
)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def fetch(port: int, path: str) -> tuple[int, bytes]:
    """One request on a new connection, read to the end (the server closes it)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(REQUEST.format(path=path).encode())
        data = await reader.read()
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


class Clients:
    def __init__(self, port: int, interval: float) -> None:
        self.port = port
        self.interval = interval
        self.latencies: list[float] = []
        self.errors = 0
        self.stop_at = 0.0
        # When each call was made: taken just before the clerk's service runs, so the time a
        # screen takes to show it includes the call's own transaction (never flatters it).
        self.changes: list[float] = []
        self.seen: dict[int, dict[int, float]] = {}  # client -> change -> when seen

    async def poll(self, number: int, path: str, kind: str) -> None:
        await asyncio.sleep(random.uniform(0, self.interval))  # screens do not start together
        last_ahead: int | None = None
        last_top: str | None = None
        polled = False  # a display's first answer sets what it shows; later ones can change it
        seen = self.seen.setdefault(number, {})
        while time.monotonic() < self.stop_at:
            started = time.monotonic()
            try:
                status, raw = await asyncio.wait_for(fetch(self.port, path), 10)
                body = json.loads(raw) if status == 200 and kind != "bare" else None
                failed = status != 200
            except (OSError, ValueError, TimeoutError):
                body, failed = None, True
            arrived = time.monotonic()
            self.latencies.append((arrived - started) * 1000)
            self.errors += failed
            new_calls = 0
            if body is not None and kind == "display":
                top = body["calls"][0]["label"] if body["calls"] else None
                new_calls = int(polled and top != last_top)
                last_top, polled = top, True
            elif body is not None:
                ahead = body["ahead"]
                if last_ahead is not None and ahead is not None:
                    new_calls = max(0, last_ahead - ahead)
                last_ahead = ahead
            # Each call seen is the oldest one this client had not seen yet.
            for index, at in enumerate(self.changes):
                if new_calls == 0:
                    break
                if index not in seen and at <= arrived:
                    seen[index] = arrived
                    new_calls -= 1
            await asyncio.sleep(self.interval)

    async def run(self, targets: list[tuple[str, str]], seconds: float, driver: Any) -> None:
        self.stop_at = time.monotonic() + seconds
        polls = [self.poll(n, path, kind) for n, (path, kind) in enumerate(targets)]
        await asyncio.gather(*polls, *([driver] if driver is not None else []))


async def drive(clients: Clients, desk: Any, queue: Any, every: float) -> None:
    """Call the next person every ``every`` seconds, as a clerk's button does."""
    from minato.navigator.queues import services

    while time.monotonic() + every < clients.stop_at:
        await asyncio.sleep(every)
        clients.changes.append(time.monotonic())
        called = await asyncio.to_thread(
            services.ticket_call_next, queue=queue, desk=desk, staff=None
        )
        if called is None:
            clients.changes.pop()
            break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--clients", type=int, default=TARGET_CLIENTS)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor-seconds", type=float, default=20)
    parser.add_argument("--change-every", type=float, default=5)
    args = parser.parse_args()
    url = urlsplit(args.base_url)
    if url.hostname != "127.0.0.1" or url.port is None:
        parser.error("the benchmark only targets 127.0.0.1:<port>")
    refused = seed_counters.setup()
    if refused:
        return refused
    from django.conf import settings

    from minato.navigator.models import Office

    interval = float(settings.NAVIGATOR_POLL_SECONDS)
    calls = int(args.seconds / args.change_every) + 1
    ids = seed_counters.prepare(args.clients + calls)
    office = Office.objects.get(slug=seed_counters.OFFICE)
    queue = office.queues.get(slug=seed_counters.QUEUE)
    desk = office.desks.get(number=1)
    display = f"/navigator/counters/{office.slug}/state.json"
    # Those called during the run are at the front; every phone follows someone behind them.
    targets = [
        (display, "display")
        if n % 10 == 0
        else (f"/navigator/counters/{office.slug}/tickets/{public_id}/state.json", "ticket")
        for n, public_id in enumerate(ids[calls : calls + args.clients])
    ]
    floor = Clients(url.port, interval)
    asyncio.run(floor.run([("/bench/bare", "bare")] * args.clients, args.floor_seconds, None))
    live = Clients(url.port, interval)
    started = time.monotonic()
    asyncio.run(live.run(targets, args.seconds, drive(live, desk, queue, args.change_every)))
    elapsed = time.monotonic() - started
    visible: list[float] = []
    missed = 0
    # A change counts once every client has had two poll intervals after it.
    settled = [index for index, at in enumerate(live.changes) if at + 2 * interval < live.stop_at]
    for number in range(len(targets)):
        seen = live.seen.get(number, {})
        for index in settled:
            if index in seen:
                visible.append(seen[index] - live.changes[index])
            else:
                missed += 1

    def summary(latencies: list[float]) -> dict[str, float]:
        return {f"p{q}": round(percentile(latencies, q / 100), 1) for q in (50, 95, 99)}

    result = {
        "name": "counters_live",
        "clients": len(targets),
        "displays": sum(1 for _path, kind in targets if kind == "display"),
        "poll_seconds": interval,
        "polls_per_s": round(len(live.latencies) / elapsed, 1),
        "poll_ms": summary(live.latencies),
        "errors": live.errors,
        "floor_poll_ms": summary(floor.latencies),
        "floor_errors": floor.errors,
        "ratio_p95_to_floor": round(
            percentile(live.latencies, 0.95) / percentile(floor.latencies, 0.95), 2
        ),
        "changes": len(settled),
        "visible_s": {
            "p50": round(percentile(visible, 0.5), 2),
            "p95": round(percentile(visible, 0.95), 2),
            "max": round(max(visible), 2) if visible else None,
        },
        "not_seen": missed,
        "over_target": sum(1 for seconds in visible if seconds > TARGET_VISIBLE_S),
        "over_target_kinds": sorted(
            {
                targets[number][1]
                for number, seen in live.seen.items()
                for index in settled
                if index in seen and seen[index] - live.changes[index] > TARGET_VISIBLE_S
            }
        ),
        "slowest_per_change": [
            round(max(seen[index] for seen in live.seen.values() if index in seen) - at, 2)
            for index, at in enumerate(live.changes)
            if index in settled
        ],
    }
    print(json.dumps(result))
    ok = bool(
        visible
        and max(visible) <= TARGET_VISIBLE_S
        and missed == 0
        and live.errors == 0
        and len(targets) >= TARGET_CLIENTS
    )
    print(
        f"counters_live: {len(targets)} clients, {result['polls_per_s']} polls/s (p95 "
        f"{result['poll_ms']['p95']} ms = {result['ratio_p95_to_floor']}x the bare view's at "
        f"the same pace), a call visible on every client within max "
        f"{result['visible_s']['max']} s, p95 {result['visible_s']['p95']} s "
        f"({'met' if ok else 'MISSED'} <= {TARGET_VISIBLE_S:.0f} s), {live.errors} errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
