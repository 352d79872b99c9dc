"""500 phones and hall displays following the counters live, and how fast a call reaches them.

Issue 14: "the display and ticket pages take 500 open live connections (server-sent events or
polling) with a status change visible everywhere within 2 s". The pages poll (decision in
docs/modules/navigator.md): every ``NAVIGATOR_POLL_SECONDS`` after the last answer, as
``static/js/counters.js`` does. This starts ``--clients`` asyncio clients against the server
on 127.0.0.1: ``--displays`` of them poll the office's state (the hall display), the rest
each poll the place of their own ticket in a line of that many people (bench/seed_counters.py).

1. **Floor**: the same clients poll the bare view at the same pace for ``--floor-seconds``.
2. **Live**: every ``--change-every`` seconds this process calls the next person in line (the
   service a clerk's button runs, committed to the same PostgreSQL and Redis as the server);
   each client's first answer that shows the change (the display: the new call on top; a
   ticket: one person fewer ahead, or "called") is timed from the commit.

Prints one JSON object: polls/s, the polls' p50/p95/p99 and their ratio to the floor's, and
the change's visibility p50/p95/max over every (change, client) with how many clients never
saw a change before the next one. Bounded in time; targets 127.0.0.1 only.
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

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_counters

TARGET_VISIBLE_S = 2.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Run:
    def __init__(self, base_url: str, interval: float) -> None:
        self.base_url = base_url
        self.interval = interval
        self.latencies: list[float] = []
        self.errors = 0
        self.stop_at = 0.0
        # change number -> (commit time, called ticket id); client -> change -> seen time
        self.changes: list[tuple[float, str]] = []
        self.seen: dict[int, dict[int, float]] = {}

    async def poll(self, client: httpx.AsyncClient, number: int, path: str, kind: str) -> None:
        await asyncio.sleep(random.uniform(0, self.interval))  # screens do not start together
        last_ahead: int | None = None
        seen = self.seen.setdefault(number, {})
        while time.monotonic() < self.stop_at:
            started = time.monotonic()
            try:
                response = await client.get(path)
                body = response.json() if response.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                body = None
            arrived = time.monotonic()
            self.latencies.append((arrived - started) * 1000)
            if body is None:
                self.errors += 1
            elif kind == "display":
                top = body["calls"][0]["id"] if body["calls"] else None
                for index, (_at, called) in enumerate(self.changes):
                    if called == top and index not in seen:
                        seen[index] = arrived
            else:
                ahead = body["ahead"]
                changed = body["status"] == "called" or (
                    last_ahead is not None and ahead is not None and ahead < last_ahead
                )
                if changed and self.changes:
                    # Every change made since this client last saw one is now visible to it.
                    for index in range(len(self.changes)):
                        if index not in seen and self.changes[index][0] <= arrived:
                            seen[index] = arrived
                last_ahead = ahead
            await asyncio.sleep(self.interval)


async def drive(
    run: Run, desk: Any, queue: Any, every: float, stop_at: float, first_in_line: list[str]
) -> None:
    from minato.navigator.queues import services

    while time.monotonic() + every < stop_at:
        await asyncio.sleep(every)
        called = await asyncio.to_thread(
            services.ticket_call_next, queue=queue, desk=desk, staff=None
        )
        if called is None:
            break
        run.changes.append((time.monotonic(), str(called.public_id)))
        first_in_line.pop(0)


async def phase(
    run: Run, clients: list[tuple[str, str]], seconds: float, driver: Any = None
) -> None:
    limits = httpx.Limits(max_connections=len(clients), max_keepalive_connections=len(clients))
    async with httpx.AsyncClient(
        base_url=run.base_url, limits=limits, timeout=10, trust_env=False
    ) as client:
        run.stop_at = time.monotonic() + seconds
        tasks = [run.poll(client, n, path, kind) for n, (path, kind) in enumerate(clients)]
        if driver is not None:
            tasks.append(driver)
        await asyncio.gather(*tasks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor-seconds", type=float, default=20)
    parser.add_argument("--change-every", type=float, default=5)
    args = parser.parse_args()
    if urlsplit(args.base_url).hostname != "127.0.0.1":
        parser.error("the benchmark only targets 127.0.0.1")
    refused = seed_counters.setup()
    if refused:
        return refused
    from django.conf import settings

    from minato.navigator.models import Office

    interval = float(settings.NAVIGATOR_POLL_SECONDS)
    tickets = args.clients - args.displays
    # Enough people in line for every change of the run, plus one per phone watching.
    calls = int(args.seconds / args.change_every) + 1
    ids = seed_counters.prepare(tickets + calls)
    office = Office.objects.get(slug=seed_counters.OFFICE)
    queue = office.queues.get(slug=seed_counters.QUEUE)
    # The phones watch the people after those who will be called, so each sees every call.
    watched = ids[calls:]
    floor = Run(args.base_url, interval)
    asyncio.run(phase(floor, [("/bench/bare", "bare")] * args.clients, args.floor_seconds))
    live = Run(args.base_url, interval)
    clients = [(f"/navigator/counters/{office.slug}/state.json", "display")] * args.displays + [
        (f"/navigator/counters/{office.slug}/tickets/{public_id}/state.json", "ticket")
        for public_id in watched
    ]
    driver = drive(
        live,
        office.desks.get(number=1),
        queue,
        args.change_every,
        time.monotonic() + args.seconds,
        ids[:calls],
    )
    started = time.monotonic()
    asyncio.run(phase(live, clients, args.seconds, driver))
    elapsed = time.monotonic() - started
    visible: list[float] = []
    missed = 0
    # A change counts once every client has had a full poll interval after it.
    settled = [i for i, (at, _id) in enumerate(live.changes) if at + 2 * interval < live.stop_at]
    for number in range(len(clients)):
        seen = live.seen.get(number, {})
        for index in settled:
            if index in seen:
                visible.append(seen[index] - live.changes[index][0])
            else:
                missed += 1
    result = {
        "name": "counters_live",
        "clients": len(clients),
        "displays": args.displays,
        "poll_seconds": interval,
        "polls": len(live.latencies),
        "polls_per_s": round(len(live.latencies) / elapsed, 1),
        "errors": live.errors,
        "poll_ms": {
            "p50": round(percentile(live.latencies, 0.5), 1),
            "p95": round(percentile(live.latencies, 0.95), 1),
            "p99": round(percentile(live.latencies, 0.99), 1),
        },
        "floor_poll_ms": {
            "p50": round(percentile(floor.latencies, 0.5), 1),
            "p95": round(percentile(floor.latencies, 0.95), 1),
            "errors": floor.errors,
        },
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
    }
    print(json.dumps(result))
    ok = (
        visible
        and max(visible) <= TARGET_VISIBLE_S
        and missed == 0
        and live.errors == 0
        and len(clients) >= 500
    )
    print(
        f"counters_live: {len(clients)} clients, {result['polls_per_s']} polls/s, a call visible "
        f"everywhere in max {result['visible_s']['max']} s, p95 {result['visible_s']['p95']} s "
        f"({'met' if ok else 'MISSED'} <= {TARGET_VISIBLE_S:.0f} s), poll p95 "
        f"{result['poll_ms']['p95']} ms = {result['ratio_p95_to_floor']}x the bare view's, "
        f"{live.errors} errors"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
