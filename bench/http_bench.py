"""HTTP load generator for ./scripts/bench (see docs/benchmarks.md).

Runs as its own process against a server that scripts/bench has started on loopback. Every
scenario is measured in rounds interleaved with the bare baseline view, so slow drift on a
shared machine hits all scenarios alike; each scenario reports the median over its runs and a
ratio to the bare view measured in the same run.

Two drivers produce the load:

* ``wrk`` (Debian's wrk, C, one thread, epoll) -- the default when installed: it costs the
  shared CPU far less per request than a Python client, so the server gets the cores.
* ``httpx`` -- an asyncio/httpx client, the fallback when wrk is absent.

Both are closed-loop: ``--concurrency`` connections, each sending its next request when the
previous answer arrives. Bounded: at most ``--requests`` requests and ``--run-seconds``
seconds per run, ``--max-seconds`` for the whole benchmark. Only ever targets 127.0.0.1.

Scenarios are GETs of pages (anonymous, as the demo resident, or as the demo clerk signed in
with two factors) and two POSTs: ``api_submit`` submits a complete 粗大ごみ application through
the API, each request with its own Idempotency-Key, so every request is a new application;
``payments_webhook`` sends signed sandbox ``payment.succeeded`` webhooks from the file that
``bench/seed_payments.py`` wrote (``--webhook-events``), each event once; a run of it lasts
until the worker has applied every event the endpoint stored (decision 0006), so its rate is
of events applied, not only answered; afterwards it checks in the database that every event
sent completed its payment. ``reports_bbox`` asks the public reports API for the map viewports
that ``bench/seed_reports.py`` wrote (``--reports-sql``), in turn, and after each of its runs
times the same requests one at a time beside the SQL the API runs for them, executed raw on a
plain database connection: its ratio is to that raw SQL. ``opendata_search`` asks CKAN's
``package_search`` (``/api/3/action/package_search``) as a portal or harvester does, free text
and four facets over the 5,000 datasets that ``bench/seed_opendata.py`` seeds;
``opendata_search_fq`` filters by an organisation and a tag instead; ``opendata_download``
downloads one seeded CSV file (``BENCH_OPENDATA_DOWNLOAD``, the path the seeder prints) with a
browser's User-Agent, so that every download is counted (an UPDATE of its month's row).

Output: one JSON object per scenario, then one summary line naming the targets of issue 2
(portal pages), issue 3 (submissions per second, staff queue p95), issue 4 (webhook events
per second) and issue 13 (package_search p95) met or missed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
from django_otp.oath import totp

EMAIL = "hanako@example.jp"
PASSWORD = "minato-demo-2026"
# The demo clerk of 芝地区総合支所 区民課 (shiba.kumin) and the TOTP secret load_demo gives them.
STAFF_EMAIL = "clerk@city.minato.example"
STAFF_PASSWORD = "minato-demo-2026"
STAFF_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

SUBMIT_PROCEDURE = "sodai-gomi"
SUBMIT_BODY = {
    # The demo 粗大ごみ form: one item, a collection day 3–60 days ahead, the contact page.
    "answers": {
        "home_appliance": "no",
        "items": [{"item": "bed", "count": 1}],
        "preferred_date": (date.today() + timedelta(days=10)).isoformat(),
        "place": "door",
        "applicant_name": {
            "family_name": "港",
            "given_name": "花子",
            "family_name_kana": "みなと",
            "given_name_kana": "はなこ",
        },
        "postal_code": "1058511",
        "address": "芝公園1-5-25",
        "phone": "0335782111",
    }
}


BASELINE_NAME = "bare"

# Issue 13: CKAN's package_search as a portal's search page or a harvester asks it: free text
# (人口, in about 10 % of the seeded datasets), counts of four facets, 20 results; and the
# same narrowed by a publisher and a tag (fq), as after a click on two facets. Percent-encoded
# (wrk sends the path as given). facet.field is a JSON list, as ckanapi sends it.
OPENDATA_FACETS = json.dumps(["organization", "tags", "res_format", "license_id"])
OPENDATA_SEARCH = "/api/3/action/package_search?" + urlencode(
    {"q": "人口", "facet.field": OPENDATA_FACETS, "rows": 20}, quote_via=quote
)
OPENDATA_SEARCH_FQ = "/api/3/action/package_search?" + urlencode(
    {
        "fq": "organization:kodomo-katei-shien-hoiku tags:保育園",
        "facet.field": OPENDATA_FACETS,
        "rows": 20,
    },
    quote_via=quote,
)
# A browser's User-Agent: downloads by bots (no User-Agent, wrk's case) are not counted.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@dataclass(frozen=True)
class Scenario:
    path: str
    # None (anonymous), "resident", "staff", "check_in" or "kiosk" (anonymous, posting the
    # shelter's check-in form or a kiosk's ticket form with its page's CSRF token and cookies)
    auth: str | None = None
    method: str = "GET"
    body: bytes | None = None
    # Each request gets its own Idempotency-Key (so each POST creates an application).
    unique_key: bool = False
    # Requests per run for this scenario: the smaller of --requests and this (None: --requests).
    max_requests_env: str | None = None
    max_requests_default: int | None = None
    # An environment variable that sets this scenario's concurrency (default: --concurrency).
    concurrency_env: str | None = None
    expect: int = 200  # the pre-flight's expected status
    # Answers counted as done (others are errors): 2xx, or a form's redirect (shelter_check_in).
    ok_status: tuple[int, int] = (200, 299)
    unit: str = "req/s"
    # Each request is the next signed webhook event of --webhook-events (sent once each).
    events: bool = False
    # The scenario that does the same kind of work with nothing of the page's own: it runs
    # beside this one and the target ratio is taken against it ("floor_ratio").
    floor: str = BASELINE_NAME
    # Each request asks for the next map viewport of --reports-sql in turn (reports_bbox), and
    # the SQL the endpoint runs for it is timed raw in the same run (its "sql" figures).
    viewports: bool = False
    # The path is this environment variable's value (a seeder's output that scripts/bench
    # exports: opendata_download); ``path`` stands for it until then.
    path_env: str | None = None
    # Headers sent with every request of the scenario (a browser's User-Agent: wrk sends none,
    # and a download without one is a bot's, not counted).
    headers: tuple[tuple[str, str], ...] = ()


SCENARIOS: dict[str, Scenario] = {
    "bare": Scenario("/bench/bare"),
    # The same bare view with the resident's session cookie: the floor for signed-in pages
    # (the middleware then loads the session and the user; issue 8 judges them against it).
    "bare_signed_in": Scenario("/bench/bare", auth="resident"),
    "healthz": Scenario("/healthz"),
    "portal_home": Scenario("/"),
    "portal_profile": Scenario("/accounts/profile/", auth="resident", floor="bare_signed_in"),
    # Issue 3: an end-to-end submission through the API (validation, the application, its
    # timeline event, audit rows, the notification, the hand-off task, the idempotency record,
    # all in one transaction). Every request is a new application of the demo resident.
    "api_submit": Scenario(
        f"/api/v1/procedures/{SUBMIT_PROCEDURE}/applications",
        auth="resident",
        method="POST",
        body=json.dumps(SUBMIT_BODY).encode(),  # ASCII (\u escapes), safe in a Lua string
        unique_key=True,
        max_requests_env="BENCH_SUBMIT_REQUESTS",
        max_requests_default=500,
        expect=201,
        unit="submissions/s",
    ),
    # Issue 3: the clerk's queue, first page (50 of 100,000 applications, oldest due first).
    # A booking page's data: a popular offering's sessions with places left (public, uncached).
    "bookings_availability": Scenario("/api/v1/bookings/offerings/library-study-seats/sessions"),
    # Issue 11: the public notices, first page (anonymous; the page a crowd opens in an
    # emergency, with a public Cache-Control a CDN may use, but measured uncached).
    "notices_list": Scenario("/notices/"),
    # Issue 11: a crowd checking in at one temporary-stay facility by its QR code: the
    # anonymous check-in form posted (CSRF, the per-device and per-network rate limits, the
    # check-in, the audit row and the headcount in one transaction), each a new check-in at
    # the same shelter (bench/seed_shelter.py opens it; BENCH_SHELTER_KEY is its QR key).
    "shelter_check_in": Scenario(
        "/shelters/bench-shelter/check-in/",
        auth="check_in",
        method="POST",
        expect=302,
        ok_status=(302, 302),
        max_requests_env="BENCH_CHECKIN_REQUESTS",
        max_requests_default=3000,
        unit="check-ins/s",
    ),
    # Issue 11: the disaster page (what the home page becomes in disaster mode), anonymous,
    # with a CDN's Cache-Control, measured without a CDN.
    "disaster_page": Scenario("/disaster/"),
    # Issue 11: a resident's circular board (the demo association's circulars with the
    # household's read marks), signed in, against the bare view with a session.
    "circulars_list": Scenario("/circulars/", auth="resident", floor="bare_signed_in"),
    # Issue 12: the public reports API with a bounding box over 100,000 reports (seeded by
    # bench/seed_reports.py), anonymous: three map viewports of about 1 km and the whole ward,
    # in turn; also timed against the same SQL run raw, one request at a time.
    "reports_bbox": Scenario("/api/v1/reports", viewports=True),
    # Issue 13: CKAN's package_search over 5,000 datasets and 30,000 files (seeded by
    # bench/seed_opendata.py), anonymous: free text with four facets, and filtered (fq).
    "opendata_search": Scenario(OPENDATA_SEARCH),
    "opendata_search_fq": Scenario(OPENDATA_SEARCH_FQ),
    # Issue 13: one seeded CSV file downloaded (BENCH_OPENDATA_DOWNLOAD, printed by the
    # seeder) by a browser, so each download is counted: its month's row updated.
    "opendata_download": Scenario(
        "/opendata/dataset/<name>/resource/<id>/download/<filename>",
        path_env="BENCH_OPENDATA_DOWNLOAD",
        headers=(("User-Agent", BROWSER_USER_AGENT),),
        unit="downloads/s",
    ),
    # Issue 14: the kiosk at the entrance of 麻布地区総合支所 printing tickets as fast as it is
    # pressed (the form posted with its page's CSRF token: numbering under the day's row lock,
    # the ticket, its audit row and the office's new revision in one transaction; the answer
    # is the redirect to the kiosk's page that shows the new number).
    "counters_kiosk_ticket": Scenario(
        "/navigator/counters/azabu/kiosk/",
        auth="kiosk",
        method="POST",
        expect=302,
        ok_status=(302, 302),
        max_requests_env="BENCH_KIOSK_REQUESTS",
        max_requests_default=2000,
        unit="tickets/s",
    ),
    # Issue 14: a phone's poll of its ticket's place in line (one of 30 people waiting at 芝,
    # bench/seed_counters.py prints its path as BENCH_COUNTER_TICKET); 500 such connections
    # with a change timed to every screen are bench/counters_live.py.
    # Issue 15: the public indicators (twelve months of every indicator, computed live).
    "insight_indicators": Scenario("/api/v1/insight/indicators"),
    "counters_ticket_state": Scenario(
        "/navigator/counters/shiba/tickets/<id>/state.json", path_env="BENCH_COUNTER_TICKET"
    ),
    "staff_queue": Scenario(
        "/staff/applications/",
        auth="staff",
        max_requests_env="BENCH_QUEUE_REQUESTS",
        max_requests_default=500,
        concurrency_env="BENCH_QUEUE_CONCURRENCY",
    ),
    # Issue 4: signed sandbox webhooks (payment.succeeded), each a new event for a started
    # payment (bench/seed_payments.py): verified, checked against its payment and stored by
    # the endpoint; then applied by the worker's job (payment completed, audited, resident
    # notified, outcome recorded) before the run ends. Each run sends its own unused events.
    "payments_webhook": Scenario(
        "/api/v1/payments/webhooks/sandbox",
        method="POST",
        events=True,
        max_requests_env="BENCH_WEBHOOK_REQUESTS",
        max_requests_default=2000,
        unit="events/s",
    ),
}
BASELINE = BASELINE_NAME
# Targets, each against its floor (Scenario.floor) at 32 concurrent clients on 2 cores:
# issue 2, the anonymous home page at >= 60% of the bare view with a p95 under 50 ms;
# issue 8, signed-in pages at >= 60% of the bare view with a signed-in session
# (bare_signed_in) with a p95 under 100 ms.
PORTAL_TARGETS = {"portal_home": (0.60, 50.0), "portal_profile": (0.60, 100.0)}
TARGET_CONCURRENCY = 32
# Targets from issue 3: >= 100 submissions/s end to end on 2 cores; the staff queue page's
# p95 under 100 ms with 100,000 applications in the database (scripts/bench seeds them).
TARGET_SUBMISSIONS_PER_S = 100.0
TARGET_QUEUE_P95_MS = 100.0
TARGET_CORES = 2
# Target from issue 4: >= 300 webhook events processed per second on 2 cores.
TARGET_WEBHOOK_EVENTS_PER_S = 300.0
# Target from issue 11: >= 300 check-ins per second at one shelter on 2 cores (PostgreSQL).
TARGET_CHECKINS_PER_S = 300.0
# Target from issue 12: the public reports API with a bounding box over 100,000 reports, p95
# under 100 ms on 2 cores (at the public portal's 32 connections), with its time as a ratio
# to the raw SQL in the same run.
TARGET_REPORTS_P95_MS = 100.0
# Target from issue 13: package_search over 5,000 datasets and 30,000 resources, p95 under
# 50 ms on 2 cores; downloads reported as a ratio to the bare view (no target figure).
TARGET_OPENDATA_SEARCH_P95_MS = 50.0
# Target from issue 14: at least 100 tickets issued a second on 2 cores.
TARGET_TICKETS_PER_S = 100.0
# Serial requests per viewport and round timed against the raw SQL (reports_bbox).
SQL_PAIRS_PER_VIEWPORT = int(os.environ.get("BENCH_SQL_PAIRS", 25))
SIGNATURE_HEADER = "Minato-Sandbox-Signature"  # minato.payments.providers.sandbox
# Spare events in each run's slice (wrk sends exactly n; see WRK_EVENTS).
EVENTS_SPARE = 8

CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class RunResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # non-2xx responses, connection errors, timeouts
    client_cpu_s: float
    server_cpu_s: float
    db_cpu_s: float
    machine_cpu_s: float  # everything, including other people's processes
    notes: list[str] = field(default_factory=list)
    # Webhook events this run sent (lines of --webhook-events), answered or not.
    sent: list[str] = field(default_factory=list)
    # Seconds from the last answer until the worker had applied every stored event (counted
    # in ``seconds``: throughput is of events applied, not only answered).
    apply_lag_s: float = 0.0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- CPU accounting ---------------------------------------------------------------------------


# Processes whose CPU counts as the server's: the audit sealer (``--extra-pid``), which does
# in the background part of the work that each submission once did in its request.
EXTRA_SERVER_PIDS: set[int] = set()


def cpu_snapshot(server_pid: int | None, database: str | None) -> dict[int, int]:
    """CPU ticks (user + system) per process: gunicorn (master and workers, as positive pids)
    and any ``--extra-pid`` process, and the PostgreSQL backends serving ``database`` (as
    negative pids).

    PostgreSQL shares the cores with the server and the client when it runs on this machine,
    so its cost per request belongs in the picture; other databases' backends are left out.
    """
    ticks: dict[int, int] = {}
    if not server_pid:
        return ticks
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, ppid, used = int(entry), int(fields[1]), int(fields[11]) + int(fields[12])
            if pid == server_pid or ppid == server_pid or pid in EXTRA_SERVER_PIDS:
                ticks[pid] = used
            elif database and comm == "postgres":
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    cmdline = fh.read().decode(errors="replace")
                if f" {database} " in cmdline:
                    ticks[-pid] = used
        except (OSError, ValueError, IndexError):
            continue
    return ticks


def cpu_used(before: dict[int, int], after: dict[int, int]) -> tuple[float, float]:
    """Seconds of CPU used between two snapshots by (gunicorn, PostgreSQL)."""
    server = sum(t - before.get(pid, 0) for pid, t in after.items() if pid > 0)
    database = sum(t - before.get(pid, 0) for pid, t in after.items() if pid < 0)
    return server / CLK_TCK, database / CLK_TCK


def machine_busy() -> float:
    """Seconds of CPU that the whole machine has spent busy (all cores, all processes)."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settle(server_pid: int | None, database: str | None, limit: float = 15.0) -> float:
    """Wait until the server (and its database backends) are idle; return the seconds waited.

    When wrk stops, the requests it had in flight, and the connections still in the listen
    queue, are served anyway: 32 slow requests (a submission, the staff queue) keep the workers
    busy for most of a second after the run ends. Without this pause the next run (often the
    bare baseline) would start behind that backlog and pay for it."""
    started = time.monotonic()
    if not server_pid:
        time.sleep(1.0)
        return 1.0
    quiet = 0
    before = cpu_snapshot(server_pid, database)
    while time.monotonic() - started < limit:
        time.sleep(0.1)
        after = cpu_snapshot(server_pid, database)
        server, db = cpu_used(before, after)
        before = after
        quiet = quiet + 1 if server + db <= 1 / CLK_TCK else 0
        if quiet >= 3:  # 0.3 s with at most a tick of CPU per 0.1 s
            break
    return time.monotonic() - started


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# --- Sign-in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    session: str
    csrftoken: str

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session}; csrftoken={self.csrftoken}"


def _login_form(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    page.raise_for_status()
    match = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', page.text)
    if not match or "csrftoken" not in client.cookies:
        raise SystemExit(f"{path} has no CSRF token; cannot sign in")
    return match.group(1)


def sign_in(base_url: str) -> Credentials:
    """Sign in through the portal's login form as the demo resident."""
    with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
        token = _login_form(client, "/accounts/login/")
        answer = client.post(
            "/accounts/login/",
            data={"email": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base_url}/accounts/login/"},
        )
        session = client.cookies.get("sessionid")
        if answer.status_code != 302 or not session:
            raise SystemExit(
                f"signing in as {EMAIL} failed (HTTP {answer.status_code}); "
                "is the demo data loaded and LOGIN_RATE raised?"
            )
        return Credentials(session, client.cookies["csrftoken"])


def staff_sign_in(base_url: str) -> Credentials:
    """Sign in at the staff console as the demo clerk, with the current TOTP code.

    django-otp refuses a code of a 30-second step already used (by an earlier benchmark run,
    say); then this waits for the next step and tries once more. Signs in once: every
    connection shares the session."""
    key = base64.b32decode(STAFF_TOTP_SECRET)
    with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
        for attempt in range(2):
            token = _login_form(client, "/staff/login/")
            answer = client.post(
                "/staff/login/",
                data={
                    "email": STAFF_EMAIL,
                    "password": STAFF_PASSWORD,
                    "otp_token": f"{totp(key):06d}",
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": f"{base_url}/staff/login/"},
            )
            session = client.cookies.get("sessionid")
            if answer.status_code == 302 and session:
                return Credentials(session, client.cookies["csrftoken"])
            if attempt == 0 and answer.status_code == 200:  # the form again: code refused
                time.sleep(31 - time.time() % 30)
        raise SystemExit(
            f"signing in as {STAFF_EMAIL} failed (HTTP {answer.status_code}); "
            "is the demo data loaded (its TOTP device) and LOGIN_RATE raised?"
        )


def shelter_check_in_form(base_url: str, path: str) -> tuple[dict[str, str], bytes]:
    """The headers and body a phone sends when it posts the check-in form: the page's CSRF
    token and cookies (``csrftoken``, the device cookie), and the QR code's key from
    ``BENCH_SHELTER_KEY`` (printed by bench/seed_shelter.py)."""
    key = os.environ.get("BENCH_SHELTER_KEY", "")
    if not key:
        raise SystemExit("shelter_check_in needs BENCH_SHELTER_KEY (bench/seed_shelter.py)")
    with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
        page = client.get(path, params={"key": key})
        match = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', page.text)
        if page.status_code != 200 or not match:
            raise SystemExit(f"{path}: no check-in form (HTTP {page.status_code}); is it open?")
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    body = urlencode(
        {
            "csrfmiddlewaretoken": match.group(1),
            "key": key,
            "name": "Bench Taro",
            "party_size": "1",
            "heading_to": "Kawasaki",
        }
    ).encode()
    headers = {
        "Cookie": cookies,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"{base_url}{path}",
    }
    return headers, body


def kiosk_form(base_url: str, path: str) -> tuple[dict[str, str], bytes]:
    """The headers and body the kiosk's touch screen sends for a 住民異動 ticket: the page's
    CSRF token and cookie, and the pressed button's queue."""
    with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
        page = client.get(path)
        match = re.search(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"', page.text)
        if page.status_code != 200 or not match:
            raise SystemExit(f"{path}: no kiosk (HTTP {page.status_code}); load the demo data")
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    body = urlencode({"csrfmiddlewaretoken": match.group(1), "queue": "ido"}).encode()
    headers = {
        "Cookie": cookies,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"{base_url}{path}",
    }
    return headers, body


@dataclass(frozen=True)
class RequestSpec:
    """What one scenario sends, for either driver."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    unique_key: bool = False
    ok_status: tuple[int, int] = (200, 299)
    # A file of signed webhook events ("<signature header>\t<body>" a line): each request
    # sends the next one, once (payments_webhook).
    events_file: str | None = None
    # The server's database: a run of events ends when the worker has applied them all, not
    # when the last answer came (the endpoint stores events; decision 0006).
    applied_check_url: str | None = None
    # Paths (with their query) that the requests take in turn instead of ``url``'s own
    # (reports_bbox's viewports); ``url`` is the first of them.
    paths: tuple[str, ...] = ()


# --- Webhook events (payments_webhook) ---------------------------------------------------------


def read_events(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if "\t" in line]


def resign(lines: list[str], secret: str | None) -> list[str]:
    """Sign the events again with the current time, as the sandbox signs when it sends
    (HMAC-SHA256 of "<t>.<body>"): the server refuses a timestamp older than
    PAYMENTS_WEBHOOK_TOLERANCE_SECONDS, and a full benchmark runs longer than that. Without
    the secret the file's own signatures are sent."""
    if not secret:
        return lines
    timestamp = int(time.time())
    out = []
    for line in lines:
        body = line.split("\t", 1)[1]
        digest = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + body.encode(), hashlib.sha256
        ).hexdigest()
        out.append(f"t={timestamp},v1={digest}\t{body}")
    return out


APPLY_WAIT_LIMIT_S = 120.0


def wait_until_applied(database_url: str) -> float:
    """Seconds until no stored webhook event is waiting to be applied (polled every 20 ms,
    at most APPLY_WAIT_LIMIT_S: past it the run is flagged by the final check)."""
    import psycopg  # Django's PostgreSQL driver, in the virtualenv

    began = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
        while time.monotonic() - began < APPLY_WAIT_LIMIT_S:
            cur.execute(
                "SELECT EXISTS (SELECT 1 FROM payments_providerevent WHERE outcome = 'pending')"
            )
            row = cur.fetchone()
            if not (row and row[0]):
                break
            time.sleep(0.02)
    return time.monotonic() - began


def event_ids(line: str) -> tuple[str, str]:
    """(event id, checkout id) of one event line."""
    payload = json.loads(line.split("\t", 1)[1])
    return str(payload["id"]), str(payload["data"]["checkout_id"])


def verify_events(database_url: str, lines: list[str]) -> dict[str, Any]:
    """How many of the events sent were applied: payments now succeeded, and the recorded
    events' outcomes (every event sent should be "applied")."""
    import psycopg  # Django's PostgreSQL driver, in the virtualenv

    ids = [event_ids(line) for line in lines]
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM payments_payment WHERE provider = 'sandbox' "
            "AND provider_reference = ANY(%s) AND status = 'succeeded'",
            ([c for _e, c in ids],),
        )
        row = cur.fetchone()
        succeeded = int(row[0]) if row else 0
        cur.execute(
            "SELECT outcome, count(*) FROM payments_providerevent WHERE provider = 'sandbox' "
            "AND event_id = ANY(%s) GROUP BY outcome",
            ([e for e, _c in ids],),
        )
        outcomes = {str(outcome): int(count) for outcome, count in cur.fetchall()}
    return {
        "sent": len(lines),
        "payments_succeeded": succeeded,
        "events_recorded": outcomes,
        "verified": succeeded == len(lines) == outcomes.get("applied", 0) == sum(outcomes.values()),
    }


# --- The reports API against its raw SQL (reports_bbox) --------------------------------------


def read_viewports(path: str) -> list[dict[str, Any]]:
    """The viewports bench/seed_reports.py wrote: each with its request path, the reports in
    its box, and the SQL statements the API ran for it (the page and its count)."""
    with open(path, encoding="utf-8") as fh:
        viewports: list[dict[str, Any]] = json.load(fh)["viewports"]
    if not viewports or not all(v.get("sql") for v in viewports):
        raise SystemExit(f"{path}: no viewports with their SQL; run bench/seed_reports.py")
    return viewports


@dataclass
class SqlPair:
    viewport: str
    endpoint_s: float
    sql_s: float
    ok: bool


def time_against_sql(
    base_url: str, viewports: list[dict[str, Any]], database_url: str, per_viewport: int
) -> list[SqlPair]:
    """One request at a time: each viewport's request over HTTP (one keep-alive connection),
    then the same SQL statements the API ran for it, executed raw on a plain connection to
    the same database (rows fetched, autocommit, parameters bound as Django sent them)."""
    import psycopg  # Django's PostgreSQL driver, in the virtualenv

    pairs: list[SqlPair] = []
    with (
        psycopg.connect(database_url, autocommit=True) as conn,
        conn.cursor() as cur,
        httpx.Client(timeout=30, trust_env=False) as client,
    ):
        for _ in range(per_viewport):
            for viewport in viewports:
                t0 = time.perf_counter()
                answer = client.get(base_url + viewport["path"])
                t1 = time.perf_counter()
                for statement in viewport["sql"]:
                    cur.execute(statement.encode())
                    cur.fetchall()
                t2 = time.perf_counter()
                pairs.append(SqlPair(viewport["name"], t1 - t0, t2 - t1, answer.status_code == 200))
    return pairs


def summarise_sql(
    pairs: list[SqlPair], viewports: list[dict[str, Any]], loaded: dict[str, float]
) -> dict[str, Any]:
    """The raw SQL's percentiles, the endpoint's one request at a time beside it, and the
    ratios: serial (the endpoint's own cost over its SQL's) and at the load's concurrency
    (``loaded``: the load's median p50/p95, queueing included, over the SQL's)."""

    def ms(values: list[float], q: float) -> float:
        return round(percentile(sorted(values), q) * 1000, 2)

    sql = [p.sql_s for p in pairs]
    endpoint = [p.endpoint_s for p in pairs]
    sql_p50, sql_p95 = ms(sql, 50), ms(sql, 95)
    end_p50, end_p95 = ms(endpoint, 50), ms(endpoint, 95)
    by_viewport = {}
    for viewport in viewports:
        mine = [p for p in pairs if p.viewport == viewport["name"]]
        s50 = ms([p.sql_s for p in mine], 50)
        e50 = ms([p.endpoint_s for p in mine], 50)
        by_viewport[viewport["name"]] = {
            "bbox": viewport["bbox"],
            "reports_in_box": viewport["count"],
            "statements": len(viewport["sql"]),
            "sql_p50_ms": s50,
            "endpoint_serial_p50_ms": e50,
            "ratio_p50": round(e50 / s50, 2) if s50 else None,
        }
    return {
        "what": "the page (LIMIT) and its COUNT, as the endpoint ran them, on a plain "
        "connection; serial, alternating with one request to the endpoint",
        "pairs": len(pairs),
        "endpoint_errors": sum(not p.ok for p in pairs),
        "sql_ms": {"p50": sql_p50, "p95": sql_p95},
        "endpoint_serial_ms": {"p50": end_p50, "p95": end_p95},
        "ratio_serial": {
            "p50": round(end_p50 / sql_p50, 2) if sql_p50 else None,
            "p95": round(end_p95 / sql_p95, 2) if sql_p95 else None,
        },
        "ratio_at_load": {
            q: round(loaded[q] / base, 2) if base else None
            for q, base in (("p50", sql_p50), ("p95", sql_p95))
        },
        "by_viewport": by_viewport,
    }


# --- Drivers ----------------------------------------------------------------------------------

WRK_SCRIPT = """
local limit = %(limit)d
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args) count = 0; non2xx = 0 end
function response(status, headers, body)
  count = count + 1
  if status < %(ok_low)d or status > %(ok_high)d then non2xx = non2xx + 1 end
  if count == limit then
    -- wrk's main thread sleeps for the whole -d; the driver interrupts it on this line.
    io.write("BENCHDONE\\n"); io.flush()
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local bad = 0
  local sent = {}
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    table.insert(sent, tostring(t:get("sent") or 0))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%%d,"duration_us":%%d,"non2xx":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"timeout":%%d,"p50":%%d,"p95":%%d,"p99":%%d,"sent":[%%s]}\\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    table.concat(sent, ",")))
end
"""

# Appended for a POST: the body, and (unique_key) a fresh Idempotency-Key on every request,
# so each one is new work for the server rather than a replay of the first.
WRK_POST = """
wrk.method = "%(method)s"
wrk.body = [==[%(body)s]==]
local key_prefix = "%(key_prefix)s"
local unique_key = %(unique_key)s
local seq = 0
if unique_key then
  function request()
    seq = seq + 1
    wrk.headers["Idempotency-Key"] = key_prefix .. (tid or 0) .. "-" .. seq
    return wrk.format()
  end
end
"""

# Appended for payments_webhook: each thread reads its share of the run's events (every
# nthreads-th line) and each request sends the next one, with its signature header.
WRK_EVENTS = """
wrk.method = "POST"
local events_file = "%(events_file)s"
local nthreads = %(threads)d
local events = {}
local base_init = init
function init(args)
  base_init(args)
  -- wrk calls request() once in the first thread before any load, to check what it builds,
  -- and sends nothing: that call must not use up an event.
  sent = (tid or 1) == 1 and -1 or 0
  local i = 0
  for line in io.lines(events_file) do
    if i %% nthreads == (tid or 1) - 1 then
      local tab = line:find("\\t", 1, true)
      if tab then table.insert(events, {line:sub(1, tab - 1), line:sub(tab + 1)}) end
    end
    i = i + 1
  end
end
-- No event past this thread's share of the run: a request still on its way when wrk stops
-- might not be sent or served, and then nobody knows whether it was applied. wrk asks
-- delay() before each request after the first on a connection: park the connection.
local share = %(limit)d
function delay()
  if sent >= share then return 3600000 end
  return 0
end
function request()
  sent = sent + 1
  -- Past the end (not expected) the last event goes again, and is answered "duplicate".
  local event = events[math.max(sent, 1)] or events[#events]
  wrk.headers["%(header)s"] = event[1]
  return wrk.format(nil, nil, nil, event[2])
end
"""


def wrk_paths(paths: tuple[str, ...]) -> str:
    """Appended for a scenario of several paths (reports_bbox): each request takes the next
    one in turn. The paths are ASCII (URL-encoded), written as Lua long strings."""
    if any("]==]" in path or not path.isascii() for path in paths):
        raise ValueError("a path cannot be put in a Lua long string")
    table = ", ".join(f"[==[{path}]==]" for path in paths)
    return (
        f"local paths = {{{table}}}\n"
        "local next_path = 0\n"
        "function request()\n"
        "  next_path = next_path % #paths + 1\n"
        "  return wrk.format(nil, paths[next_path])\n"
        "end\n"
    )


def run_wrk(
    spec: RequestSpec,
    n: int,
    concurrency: int,
    seconds: float,
    server_pid: int | None,
    database: str | None,
) -> RunResult:
    threads = 1  # one epoll thread easily outpaces the server and leaves the CPU to it
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        script.write(
            WRK_SCRIPT
            % {"limit": -(-n // threads), "ok_low": spec.ok_status[0], "ok_high": spec.ok_status[1]}
        )
        if spec.events_file:
            if '"' in spec.events_file or "\\" in spec.events_file:
                raise ValueError("the events file's path cannot be put in a Lua string")
            script.write(
                WRK_EVENTS
                % {
                    "events_file": spec.events_file,
                    "threads": threads,
                    "header": SIGNATURE_HEADER,
                    "limit": -(-n // threads),
                }
            )
        elif spec.method != "GET" or spec.body is not None:
            body = (spec.body or b"").decode("ascii")  # ASCII only: no Lua escaping needed
            if "]==]" in body:
                raise ValueError("the request body cannot be put in a Lua long string")
            script.write(
                WRK_POST
                % {
                    "method": spec.method,
                    "body": body,
                    "key_prefix": f"bench-{uuid.uuid4().hex}-",
                    "unique_key": "true" if spec.unique_key else "false",
                }
            )
        elif spec.paths:
            script.write(wrk_paths(spec.paths))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{max(1, int(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for name, value in spec.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(spec.url)
    cpu_before, procs_before = children_cpu(), cpu_snapshot(server_pid, database)
    machine_before = machine_busy()
    try:
        # wrk has no request-count limit: the Lua script stops its thread after n answers and
        # says so; SIGINT then ends wrk's -d sleep early and it reports the elapsed time.
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            out_lines = []
            for out_line in proc.stdout:
                out_lines.append(out_line)
                if out_line.startswith("BENCHDONE"):
                    proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
            stdout, stderr = "".join(out_lines), proc.stderr.read()
    finally:
        os.unlink(script.name)
    apply_lag = wait_until_applied(spec.applied_check_url) if spec.applied_check_url else 0.0
    client_cpu = children_cpu() - cpu_before
    server_cpu, db_cpu = cpu_used(procs_before, cpu_snapshot(server_pid, database))
    machine_cpu = machine_busy() - machine_before
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {stderr or stdout}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    notes = []
    if data["requests"] < n:
        notes.append(f"stopped by the time bound after {data['requests']} requests")
    sent: list[str] = []
    if spec.events_file:
        lines = read_events(spec.events_file)
        for tid, count in enumerate(data["sent"]):
            share = lines[tid::threads]
            if count > len(share):
                notes.append(f"ran out of events: {count - len(share)} sent twice")
            sent += share[:count]
    if apply_lag >= APPLY_WAIT_LIMIT_S:
        notes.append(f"events still waiting to be applied {apply_lag:.0f} s after the load")
    return RunResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6 + apply_lag,
        apply_lag_s=apply_lag,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["non2xx"] + socket_errors,
        client_cpu_s=client_cpu,
        server_cpu_s=server_cpu,
        db_cpu_s=db_cpu,
        machine_cpu_s=machine_cpu,
        notes=notes,
        sent=sent,
    )


async def _run_httpx(
    spec: RequestSpec, n: int, concurrency: int, seconds: float, sent: list[str]
) -> tuple[list[float], int, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    key_prefix = f"bench-{uuid.uuid4().hex}-"
    events = read_events(spec.events_file) if spec.events_file else []
    latencies: list[float] = []
    errors = 0
    issued = 0
    parts = urlsplit(spec.url)
    base = f"{parts.scheme}://{parts.netloc}"
    async with httpx.AsyncClient(limits=limits, timeout=10, trust_env=False) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal errors, issued
            while issued < n and time.perf_counter() < deadline:
                issued += 1
                headers = spec.headers
                body = spec.body
                if spec.unique_key:
                    headers = {**headers, "Idempotency-Key": f"{key_prefix}{issued}"}
                if spec.events_file:
                    if issued > len(events):
                        break
                    line = events[issued - 1]
                    sent.append(line)
                    signature, text = line.split("\t", 1)
                    headers = {**headers, SIGNATURE_HEADER: signature}
                    body = text.encode()
                url = spec.url
                if spec.paths:
                    url = base + spec.paths[(issued - 1) % len(spec.paths)]
                t0 = time.perf_counter()
                try:
                    response = await client.request(spec.method, url, headers=headers, content=body)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if not spec.ok_status[0] <= response.status_code <= spec.ok_status[1]:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def run_httpx(
    spec: RequestSpec,
    n: int,
    concurrency: int,
    seconds: float,
    server_pid: int | None,
    database: str | None,
) -> RunResult:
    cpu_before, procs_before = time.process_time(), cpu_snapshot(server_pid, database)
    machine_before = machine_busy()
    sent: list[str] = []
    latencies, errors, elapsed = asyncio.run(_run_httpx(spec, n, concurrency, seconds, sent))
    apply_lag = wait_until_applied(spec.applied_check_url) if spec.applied_check_url else 0.0
    elapsed += apply_lag
    client_cpu = time.process_time() - cpu_before
    server_cpu, db_cpu = cpu_used(procs_before, cpu_snapshot(server_pid, database))
    machine_cpu = machine_busy() - machine_before
    latencies.sort()
    notes = []
    if len(latencies) + errors < n:
        notes.append(f"stopped by the time bound after {len(latencies) + errors} requests")
    if apply_lag >= APPLY_WAIT_LIMIT_S:
        notes.append(f"events still waiting to be applied {apply_lag:.0f} s after the load")
    return RunResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=errors,
        client_cpu_s=client_cpu,
        server_cpu_s=server_cpu,
        db_cpu_s=db_cpu,
        machine_cpu_s=machine_cpu,
        notes=notes,
        sent=sent,
        apply_lag_s=apply_lag,
    )


DRIVERS = {"wrk": run_wrk, "httpx": run_httpx}


# --- Main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8123")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), help="run only this one (+ bare)")
    parser.add_argument(
        "--driver", choices=["auto", *DRIVERS], default=os.environ.get("BENCH_DRIVER", "auto")
    )
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 2000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 200)))
    parser.add_argument(
        "--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", 32))
    )
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=float(os.environ.get("BENCH_RUN_SECONDS", 30)),
        help="time bound of one run",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=float(os.environ.get("BENCH_MAX_SECONDS", 300)),
        help="time bound of the whole benchmark; later runs are skipped past it",
    )
    parser.add_argument("--server-pid", type=int, help="gunicorn master, for CPU accounting")
    parser.add_argument("--database", help="PostgreSQL database name, for CPU accounting")
    parser.add_argument(
        "--extra-pid",
        type=int,
        action="append",
        default=[],
        help="another server-side process (the audit sealer) whose CPU counts as the server's",
    )
    parser.add_argument(
        "--webhook-events",
        help="signed webhook events written by bench/seed_payments.py (payments_webhook)",
    )
    parser.add_argument(
        "--reports-sql",
        default=os.environ.get("BENCH_REPORTS_SQL", ""),
        help="the viewports and their SQL written by bench/seed_reports.py (reports_bbox)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="the server's database, to check that the webhook events were applied",
    )
    args = parser.parse_args()
    EXTRA_SERVER_PIDS.update(args.extra_pid)

    target = urlsplit(args.base_url)
    if target.scheme != "http" or target.hostname != "127.0.0.1":
        parser.error("the benchmark only ever targets http://127.0.0.1")
    if args.runs < 1 or args.requests < 1 or args.concurrency < 1:
        parser.error("--runs, --requests and --concurrency must be positive")
    base_url = args.base_url.rstrip("/")

    driver_name = args.driver
    if driver_name == "auto":
        driver_name = "wrk" if shutil.which("wrk") else "httpx"
    elif driver_name == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), or use --driver httpx")
    driver = DRIVERS[driver_name]

    if args.scenario:  # the baseline (and the scenario's floor) run too: ratios are in-run
        floor = SCENARIOS[args.scenario].floor
        names = list(dict.fromkeys([BASELINE, floor, args.scenario]))
    else:
        names = list(SCENARIOS)
    for name in names:  # paths that a seeder printed (opendata_download)
        env = SCENARIOS[name].path_env
        if env:
            path = os.environ.get(env, "")
            if not path.startswith("/") or not path.isascii():
                parser.error(f"{name} needs {env}: the path bench/seed_opendata.py prints")
            SCENARIOS[name] = replace(SCENARIOS[name], path=path)
    credentials: dict[str, Credentials] = {}
    if any(SCENARIOS[s].auth == "resident" for s in names):
        credentials["resident"] = sign_in(base_url)
    if any(SCENARIOS[s].auth == "staff" for s in names):
        credentials["staff"] = staff_sign_in(base_url)
    viewports: list[dict[str, Any]] = []
    if any(SCENARIOS[s].viewports for s in names):
        if not args.reports_sql:
            parser.error("reports_bbox needs --reports-sql (bench/seed_reports.py --sql-out)")
        if not args.database_url:
            parser.error("reports_bbox needs --database-url (or DATABASE_URL) for its raw SQL")
        viewports = read_viewports(args.reports_sql)
    check_in_form: tuple[dict[str, str], bytes] | None = None
    kiosk: tuple[dict[str, str], bytes] | None = None
    if any(SCENARIOS[s].auth == "check_in" for s in names):
        check_in_form = shelter_check_in_form(base_url, SCENARIOS["shelter_check_in"].path)
    if any(SCENARIOS[s].auth == "kiosk" for s in names):
        kiosk = kiosk_form(base_url, SCENARIOS["counters_kiosk_ticket"].path)

    def spec_of(name: str) -> RequestSpec:
        scenario = SCENARIOS[name]
        headers: dict[str, str] = dict(scenario.headers)
        posted = {"check_in": check_in_form, "kiosk": kiosk}.get(scenario.auth or "")
        if posted is not None:
            form_headers, form_body = posted
            return RequestSpec(
                url=base_url + scenario.path,
                method=scenario.method,
                headers=form_headers,
                body=form_body,
                ok_status=scenario.ok_status,
            )
        if scenario.viewports:
            paths = tuple(str(v["path"]) for v in viewports)
            return RequestSpec(url=base_url + paths[0], paths=paths)
        if scenario.auth:
            headers["Cookie"] = credentials[scenario.auth].cookie
        if scenario.method != "GET":
            headers["Content-Type"] = "application/json"
            if scenario.auth:  # the session is CSRF-checked on unsafe methods
                headers["X-CSRFToken"] = credentials[scenario.auth].csrftoken
                headers["Referer"] = f"{base_url}/"
        return RequestSpec(
            url=base_url + scenario.path,
            method=scenario.method,
            headers=headers,
            body=scenario.body,
            unique_key=scenario.unique_key,
            applied_check_url=(args.database_url or None) if scenario.events else None,
        )

    def requests_of(name: str) -> int:
        """Requests per measured run: --requests, capped for the slow scenarios."""
        scenario = SCENARIOS[name]
        if scenario.max_requests_env is None or scenario.max_requests_default is None:
            return args.requests
        cap = int(os.environ.get(scenario.max_requests_env, scenario.max_requests_default))
        return max(1, min(args.requests, cap))

    def concurrency_of(name: str) -> int:
        scenario = SCENARIOS[name]
        if scenario.concurrency_env and os.environ.get(scenario.concurrency_env):
            return max(1, int(os.environ[scenario.concurrency_env]))
        return args.concurrency

    specs = {name: spec_of(name) for name in names}

    # payments_webhook: every request is a new event, sent once; each run takes the next
    # unused slice of the file (n events, plus spares for the requests wrk had on their way).
    events: list[str] = []
    events_sent: list[str] = []
    events_secret = os.environ.get("PAYMENTS_SANDBOX_WEBHOOK_SECRET")
    event_names = [name for name in names if SCENARIOS[name].events]
    if event_names:
        if not args.webhook_events:
            parser.error("payments_webhook needs --webhook-events (bench/seed_payments.py)")
        events = read_events(args.webhook_events)
        needed = sum(
            1
            + min(args.warmup, requests_of(name))
            + args.runs * requests_of(name)
            + (args.runs + 1) * (concurrency_of(name) + EVENTS_SPARE)
            for name in event_names
        )
        if len(events) < needed:
            print(
                f"payments_webhook: {len(events)} events in {args.webhook_events}, "
                f"{needed} needed: seed more (BENCH_WEBHOOK_EVENTS) or send fewer "
                "(BENCH_WEBHOOK_REQUESTS, BENCH_RUNS)",
                file=sys.stderr,
            )
            return 2
    events_dir = tempfile.mkdtemp(prefix="minato-bench-events-")

    def take_events(count: int) -> list[str]:
        """The next ``count`` unused events, signed now."""
        taken = events[:count]
        del events[:count]
        return resign(taken, events_secret)

    # Pre-flight: every scenario must answer as expected (no redirect to the login page, no
    # refused submission) before any load; api_submit thereby submits one application.
    with httpx.Client(timeout=30, trust_env=False) as client:
        for name in names:
            spec = specs[name]
            headers = dict(spec.headers)
            body = spec.body
            if spec.unique_key:
                headers["Idempotency-Key"] = f"bench-preflight-{uuid.uuid4().hex}"
            if SCENARIOS[name].events:  # one event, which must be applied
                line = take_events(1)[0]
                events_sent.append(line)
                signature, text = line.split("\t", 1)
                headers[SIGNATURE_HEADER] = signature
                body = text.encode()
            answer = client.request(spec.method, spec.url, headers=headers, content=body)
            if (
                SCENARIOS[name].events
                and answer.status_code == 200
                and answer.json().get("result") != "accepted"
            ):
                print(f"{name}: the event was not accepted: {answer.text[:300]}", file=sys.stderr)
                return 2
            if SCENARIOS[name].events and spec.applied_check_url:
                wait_until_applied(spec.applied_check_url)
            if answer.status_code != SCENARIOS[name].expect:
                print(
                    f"{name}: {spec.method} {spec.url} answered HTTP {answer.status_code} "
                    f"(expected {SCENARIOS[name].expect}): {answer.text[:300]}",
                    file=sys.stderr,
                )
                return 2

    started = time.monotonic()

    def measure(name: str, n: int) -> RunResult:
        settle(args.server_pid, args.database)
        spec = specs[name]
        if SCENARIOS[name].events:
            path = os.path.join(events_dir, f"run-{len(os.listdir(events_dir))}.txt")
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(
                    f"{line}\n" for line in take_events(n + concurrency_of(name) + EVENTS_SPARE)
                )
            spec = replace(spec, events_file=path)
        try:
            result = driver(
                spec,
                n,
                concurrency_of(name),
                args.run_seconds,
                args.server_pid,
                args.database,
            )
        finally:
            if spec.events_file:
                os.unlink(spec.events_file)
        events_sent.extend(result.sent)
        return result

    for name in names:  # warm-up: imports, template caches, connections, the DB's buffers
        measure(name, min(args.warmup, requests_of(name)))

    runs: dict[str, list[RunResult]] = {name: [] for name in names}
    sql_pairs: dict[str, list[SqlPair]] = {name: [] for name in names}
    skipped = 0
    for round_no in range(args.runs):
        # Rotate the order each round so no scenario always runs first or last.
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in order:
            if time.monotonic() - started > args.max_seconds:
                skipped += 1
                continue
            runs[name].append(measure(name, requests_of(name)))
            if SCENARIOS[name].viewports:  # the same requests, serially, beside their SQL
                settle(args.server_pid, args.database)
                sql_pairs[name] += time_against_sql(
                    base_url, viewports, args.database_url, SQL_PAIRS_PER_VIEWPORT
                )

    os.rmdir(events_dir)
    events_check: dict[str, Any] | None = None
    if event_names:
        # Every event sent (pre-flight, warm-up, runs; answered or still on its way when a run
        # stopped) must have completed its payment, once.
        settle(args.server_pid, args.database)
        time.sleep(1.0)
        if args.database_url:
            events_check = verify_events(args.database_url, events_sent)
        else:
            events_check = {"sent": len(events_sent), "verified": None}

    baseline = statistics.median(r.throughput for r in runs[BASELINE])
    base_lat = {
        q: statistics.median(getattr(r, f"{q}_ms") for r in runs[BASELINE])
        for q in ("p50", "p95", "p99")
    }
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        rs = runs[name]
        if not rs:
            continue
        throughput = statistics.median(r.throughput for r in rs)
        p50 = statistics.median(r.p50_ms for r in rs)
        p95 = statistics.median(r.p95_ms for r in rs)
        p99 = statistics.median(r.p99_ms for r in rs)
        errors = sum(r.errors for r in rs)
        client_cpu = sum(r.client_cpu_s for r in rs)
        server_cpu = sum(r.server_cpu_s for r in rs)
        db_cpu = sum(r.db_cpu_s for r in rs)
        machine_cpu = sum(r.machine_cpu_s for r in rs)
        wall = sum(r.seconds for r in rs)
        total_requests = sum(r.requests for r in rs)
        result = {
            "name": name,
            "path": SCENARIOS[name].path,
            "method": SCENARIOS[name].method,
            "n": requests_of(name),
            "runs": len(rs),
            "concurrency": concurrency_of(name),
            "driver": driver_name,
            "median": round(p50, 2),
            "p95": round(p95, 2),
            "p99": round(p99, 2),
            "throughput": round(throughput, 1),
            "unit": SCENARIOS[name].unit,
            "baseline": round(baseline, 1),
            "ratio": round(throughput / baseline, 3) if baseline else None,
            "floor": SCENARIOS[name].floor,
            "floor_ratio": round(throughput / results[SCENARIOS[name].floor]["throughput"], 3)
            if SCENARIOS[name].floor in results and results[SCENARIOS[name].floor]["throughput"]
            else None,
            "latency_ratio": {
                q: round(v / base_lat[q], 2) if base_lat[q] else None
                for q, v in (("p50", p50), ("p95", p95), ("p99", p99))
            },
            "runs_throughput": [round(r.throughput, 1) for r in rs],
            "runs_ratio": [
                round(r.throughput / b.throughput, 3) if b.throughput else None
                for r, b in zip(rs, runs[BASELINE], strict=False)
            ],
            "runs_p95": [round(r.p95_ms, 2) for r in rs],
            # payments_webhook: seconds from the last answer until every event was applied.
            **(
                {"runs_apply_lag_s": [round(r.apply_lag_s, 2) for r in rs]}
                if SCENARIOS[name].events
                else {}
            ),
            "errors": errors,
            "flagged": errors > 0 or any(r.notes for r in rs),
            # CPU time per request of gunicorn (master + workers) and of PostgreSQL, in ms.
            "cpu_ms_per_request": {
                "server": round(1000 * server_cpu / total_requests, 2),
                "postgres": round(1000 * db_cpu / total_requests, 2),
            }
            if args.server_pid and total_requests
            else None,
            # Share of all CPU time spent that went to the load generator.
            "client_cpu_share": round(client_cpu / (client_cpu + server_cpu + db_cpu), 3)
            if args.server_pid and client_cpu + server_cpu + db_cpu
            else None,
            # Cores kept busy by anything else on the machine during the runs (noise).
            "other_load_cores": round(
                max(0.0, machine_cpu - client_cpu - server_cpu - db_cpu) / wall, 2
            )
            if args.server_pid and wall
            else None,
        }
        notes = sorted({note for r in rs for note in r.notes})
        if notes:
            result["notes"] = notes
        if SCENARIOS[name].viewports and sql_pairs[name]:
            result["sql"] = summarise_sql(sql_pairs[name], viewports, {"p50": p50, "p95": p95})
            if result["sql"]["endpoint_errors"]:
                result["flagged"] = True
        if SCENARIOS[name].events and events_check is not None:
            # 2xx answers received in the measured runs, and the check in the database.
            result["events"] = {
                "answered_2xx_in_runs": total_requests - sum(r.errors for r in rs),
                **events_check,
            }
            if events_check.get("verified") is False:
                result["flagged"] = True
        results[name] = result
        print(json.dumps(result, ensure_ascii=False), flush=True)

    verdicts = []
    for name, (target_ratio, target_p95) in PORTAL_TARGETS.items():
        if name not in results:
            continue
        r = results[name]
        ratio, floor = r["floor_ratio"], r["floor"]
        ok = ratio is not None and ratio >= target_ratio
        shown = f"{ratio:.2f}" if ratio is not None else "?"
        verdicts.append(
            f"{name} {shown}x {floor} ({'met' if ok else 'MISSED'} >= {target_ratio:.2f})"
        )
        ok = r["p95"] < target_p95 and args.concurrency >= TARGET_CONCURRENCY
        verdicts.append(
            f"{name} p95 {r['p95']:.1f} ms ({'met' if ok else 'MISSED'} < {target_p95:.0f} ms)"
        )
    cores = os.cpu_count() or 0
    if "api_submit" in results:
        r = results["api_submit"]
        ok = r["throughput"] >= TARGET_SUBMISSIONS_PER_S and r["errors"] == 0
        verdicts.append(
            f"api_submit {r['throughput']:.0f} submissions/s = {r['ratio']:.3f}x bare "
            f"({'met' if ok else 'MISSED'} >= {TARGET_SUBMISSIONS_PER_S:.0f}/s"
            + (f" on {TARGET_CORES} cores)" if cores == TARGET_CORES else f"; {cores} cores here)")
        )
    if "staff_queue" in results:
        r = results["staff_queue"]
        ok = r["p95"] < TARGET_QUEUE_P95_MS and r["errors"] == 0
        verdicts.append(
            f"staff_queue p95 {r['p95']:.1f} ms at c={r['concurrency']} "
            f"({'met' if ok else 'MISSED'} < {TARGET_QUEUE_P95_MS:.0f} ms)"
        )
    if "payments_webhook" in results:
        r = results["payments_webhook"]
        ok = r["throughput"] >= TARGET_WEBHOOK_EVENTS_PER_S and r["errors"] == 0
        check = r.get("events") or {}
        verdicts.append(
            f"payments_webhook {r['throughput']:.0f} events/s = {r['ratio']:.3f}x bare "
            f"({'met' if ok else 'MISSED'} >= {TARGET_WEBHOOK_EVENTS_PER_S:.0f}/s"
            + (f" on {TARGET_CORES} cores)" if cores == TARGET_CORES else f"; {cores} cores here)")
            + f", {check.get('sent')} events sent, {check.get('payments_succeeded')} payments "
            + ("succeeded (verified)" if check.get("verified") else "succeeded (NOT VERIFIED)")
        )
    if "shelter_check_in" in results:
        r = results["shelter_check_in"]
        ok = r["throughput"] >= TARGET_CHECKINS_PER_S and r["errors"] == 0
        verdicts.append(
            f"shelter_check_in {r['throughput']:.0f} check-ins/s = {r['ratio']:.3f}x bare "
            f"({'met' if ok else 'MISSED'} >= {TARGET_CHECKINS_PER_S:.0f}/s"
            + (f" on {TARGET_CORES} cores)" if cores == TARGET_CORES else f"; {cores} cores here)")
        )
    if "counters_kiosk_ticket" in results:
        r = results["counters_kiosk_ticket"]
        ok = r["throughput"] >= TARGET_TICKETS_PER_S and r["errors"] == 0
        verdicts.append(
            f"counters_kiosk_ticket {r['throughput']:.0f} tickets/s = {r['ratio']:.3f}x bare "
            f"({'met' if ok else 'MISSED'} >= {TARGET_TICKETS_PER_S:.0f}/s"
            + (f" on {TARGET_CORES} cores)" if cores == TARGET_CORES else f"; {cores} cores here)")
        )
    if "reports_bbox" in results:
        r = results["reports_bbox"]
        ok = r["p95"] < TARGET_REPORTS_P95_MS and r["errors"] == 0
        sql = r.get("sql") or {}
        ratio = sql.get("ratio_serial", {})
        verdicts.append(
            f"reports_bbox p95 {r['p95']:.1f} ms at c={r['concurrency']} "
            f"({'met' if ok else 'MISSED'} < {TARGET_REPORTS_P95_MS:.0f} ms"
            + (f" on {TARGET_CORES} cores)" if cores == TARGET_CORES else f"; {cores} cores here)")
            + f", {r['throughput']:.0f} req/s; one at a time "
            + f"{sql.get('endpoint_serial_ms', {}).get('p50')} ms against raw SQL "
            + f"{sql.get('sql_ms', {}).get('p50')} ms (p50 {ratio.get('p50')}x, "
            + f"p95 {ratio.get('p95')}x)"
        )
    for name in ("opendata_search", "opendata_search_fq"):
        if name in results:
            r = results[name]
            ok = r["p95"] < TARGET_OPENDATA_SEARCH_P95_MS and r["errors"] == 0
            verdicts.append(
                f"{name} p95 {r['p95']:.1f} ms at c={r['concurrency']} "
                f"({'met' if ok else 'MISSED'} < {TARGET_OPENDATA_SEARCH_P95_MS:.0f} ms"
                + (
                    f" on {TARGET_CORES} cores)"
                    if cores == TARGET_CORES
                    else f"; {cores} cores here)"
                )
                + f", {r['throughput']:.0f} req/s = {r['floor_ratio']}x bare"
            )
    if "opendata_download" in results:
        r = results["opendata_download"]
        verdicts.append(
            f"opendata_download {r['throughput']:.0f} downloads/s = {r['floor_ratio']}x bare, "
            f"p95 {r['p95']:.1f} ms"
        )
    flagged = [n for n, r in results.items() if r["flagged"]]
    summary = (
        f"summary: {driver_name}, c={args.concurrency}, {args.runs} runs, "
        f"bare {baseline:.0f} req/s; "
        + ("; ".join(verdicts) if verdicts else "no scenario with a target run")
        + ("; FLAGGED (errors or cut short): " + ", ".join(flagged) if flagged else "; no errors")
        + (f"; {skipped} runs skipped by the time bound" if skipped else "")
    )
    print(summary, flush=True)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
