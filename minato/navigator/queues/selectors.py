"""Reads for the counters: the live state of an office (who is called where, how many wait,
how long), a ticket's place in its line, the open-data waits, and the day's statistics.

An office's state is cached with the *revision* it was computed at; the revision is a token
every change to the office's tickets replaces (``services._changed``: at once and again when
the change commits). A state whose revision is not the current one is computed again. The
ticket pages and hall displays poll every ``NAVIGATOR_POLL_SECONDS``, so hundreds of phones
cost one computation per change, not one per poll, and a ticket's poll is answered from the
state with no query (``ticket_state_fast``). The first poll that finds the state older than
the revision has its process compute the new one while the others answer with the previous
state meanwhile (a change is cheap to make: the kiosk prints tickets without computing
anything).
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from minato.accounts import permissions
from minato.core.translated import localized
from minato.navigator.models import Desk, Office, Queue, Ticket

# How long a state and its revision are kept. Nothing in a state goes stale with time alone
# (a slot ticket's place is worked out when it is read, from when it joins), so this only
# bounds the memory an office no one looks at holds.
STATE_SECONDS = 3600
# How long the other processes wait for the one computing a new state before computing too.
COMPUTING_SECONDS = 2
# Calls shown on the hall display, newest first.
CALLS_SHOWN = 6
# The service time is measured on the last this many people served today.
SERVICE_SAMPLE = 20
# A desk counts as open when it called someone this recently.
DESK_ACTIVE = timedelta(minutes=30)
LANGUAGES = ("ja", "en", "ja-easy")


def revision_key(office_slug: str) -> str:
    return f"navigator:office:{office_slug}:revision"


def _state_key(office_slug: str) -> str:
    return f"navigator:office:{office_slug}:state"


def active_offices() -> QuerySet[Office]:
    return Office.objects.filter(is_active=True)


def office_by_slug(slug: str) -> Office | None:
    return active_offices().filter(slug=slug[:40]).first()


def office_queue(office_slug: str, queue_slug: str) -> Queue | None:
    """An open office's active line, with its office."""
    return (
        Queue.objects.filter(
            office__slug=office_slug[:40],
            office__is_active=True,
            slug=queue_slug[:40],
            is_active=True,
        )
        .select_related("office")
        .first()
    )


def queues_of(office: Office) -> QuerySet[Queue]:
    return office.queues.filter(is_active=True)


def desks_of(office: Office) -> QuerySet[Desk]:
    return office.desks.all()


def ticket_by_public_id(public_id: Any) -> Ticket | None:
    return (
        Ticket.objects.filter(public_id=public_id)
        .select_related("queue__office", "issued_in", "desk")
        .first()
    )


def _minutes_per_person(queue: Queue, served: list[Ticket]) -> float:
    durations = [
        (ticket.done_at - ticket.called_at).total_seconds() / 60
        for ticket in served
        if ticket.done_at and ticket.called_at
    ][-SERVICE_SAMPLE:]
    # A median: one long case (a family's 転入 with 4 procedures) does not double the estimate.
    return statistics.median(durations) if len(durations) >= 3 else float(queue.service_minutes)


def _compute_state(office: Office) -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate()
    tickets = list(
        Ticket.objects.filter(queue__office=office, service_date=today)
        .select_related("issued_in", "desk")
        .order_by("joins_at", "number")
    )
    by_queue: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        by_queue[ticket.queue_id].append(ticket)
    queues = []
    slugs = {}
    for queue in queues_of(office):
        slugs[queue.pk] = queue.slug
        mine = by_queue.get(queue.pk, [])
        served = sorted(
            (t for t in mine if t.status == Ticket.Status.DONE and t.done_at),
            key=lambda t: t.done_at or now,
        )
        desks = {
            t.desk_id for t in mine if t.called_at and t.desk_id and now - t.called_at < DESK_ACTIVE
        }
        waiting = [
            {
                "id": str(t.public_id),
                "label": t.label,
                "queue": queue.slug,
                "joins_at": t.joins_at.timestamp(),
                "slot_start": t.slot_start.isoformat() if t.slot_start else None,
                "call_count": t.call_count,
            }
            for t in mine
            if t.status == Ticket.Status.WAITING
        ]
        queues.append(
            {
                "slug": queue.slug,
                "name": {language: localized(queue.name, language) for language in LANGUAGES},
                "prefix": queue.prefix,
                "minutes_per_person": round(_minutes_per_person(queue, served), 1),
                "open_desks": max(1, len(desks)),
                "notify_ahead": queue.notify_ahead,
                "waiting": waiting,
            }
        )
    calls = sorted(
        (t for t in tickets if t.status == Ticket.Status.CALLED and t.called_at),
        key=lambda t: t.called_at or now,
        reverse=True,
    )[:CALLS_SHOWN]
    return {
        "office": office.slug,
        "name": {language: localized(office.name, language) for language in LANGUAGES},
        "calls": [
            {
                "id": str(t.public_id),
                "label": t.label,
                "queue": slugs.get(t.queue_id, ""),
                "slot_start": t.slot_start.isoformat() if t.slot_start else None,
                "desk": t.desk.number if t.desk else None,
                "called_at": t.called_at.isoformat() if t.called_at else None,
                "call_count": t.call_count,
            }
            for t in calls
        ],
        "queues": queues,
        "computed_at": now.isoformat(),
    }


def office_state(office: Office) -> dict[str, Any]:
    """What the office's screens and tickets show now (see the module docstring)."""
    found = cache.get_many([revision_key(office.slug), _state_key(office.slug)])
    state = found.get(_state_key(office.slug))
    if state is not None and state.get("revision") == found.get(revision_key(office.slug)):
        return state  # type: ignore[no-any-return]
    # One process computes a new state; the others keep answering with the previous one
    # meanwhile, so hundreds of polls arriving just after a change do not all query.
    computing = cache.add(_computing_key(office.slug), 1, COMPUTING_SECONDS)
    if state is not None and not computing:
        return state  # type: ignore[no-any-return]
    try:
        return store_state(office)
    finally:
        if computing:
            cache.delete(_computing_key(office.slug))


def public_state(state: dict[str, Any]) -> dict[str, Any]:
    """What a hall display (and anyone) may see of an office's state: the calls by number
    and desk, and how many wait in each line. Never the tickets' ids: a ticket's id is the
    key to its page, where it can be cancelled."""
    now = timezone.now()
    return {
        "office": state["office"],
        "name": state["name"],
        "calls": [
            {key: call[key] for key in ("label", "desk", "called_at", "call_count")}
            for call in state["calls"]
        ],
        "queues": [
            {
                "slug": queue["slug"],
                "name": queue["name"],
                "waiting": len(waiting_now(queue, now)),
            }
            for queue in state["queues"]
        ],
        "computed_at": state["computed_at"],
    }


def _computing_key(office_slug: str) -> str:
    return f"navigator:office:{office_slug}:computing"


def _cached_state(office_slug: str) -> dict[str, Any] | None:
    """The cached state if it is of the current revision: one round trip to the cache."""
    found = cache.get_many([revision_key(office_slug), _state_key(office_slug)])
    state = found.get(_state_key(office_slug))
    revision = found.get(revision_key(office_slug))
    if state is None or revision is None or state.get("revision") != revision:
        return None
    return state  # type: ignore[no-any-return]


def store_state(office: Office) -> dict[str, Any]:
    """Compute the office's state and keep it under the current revision."""
    revision = cache.get(revision_key(office.slug))
    if revision is None:
        cache.add(revision_key(office.slug), uuid.uuid4().hex, STATE_SECONDS)
        revision = cache.get(revision_key(office.slug))
    # Computed after reading the revision: a change committed meanwhile replaces the
    # revision, so this state is not taken for the newer one.
    state = {**_compute_state(office), "revision": revision}
    cache.set(_state_key(office.slug), state, STATE_SECONDS)
    return state


def ticket_state_fast(office_slug: str, public_id: str) -> dict[str, Any] | None:
    """A ticket's state from its office's cached state, without the database: what the
    ticket page polls. None when the state is not cached or does not hold the ticket (it
    is finished, or called before the last few calls): ``ticket_state`` answers then."""
    state = _cached_state(office_slug)
    if state is None:
        return None
    for call in state["calls"]:
        if call["id"] == public_id:
            return {
                **_common(state, call),
                "status": Ticket.Status.CALLED,
                "ahead": None,
                "estimated_minutes": None,
                "desk": call["desk"],
                "call_count": call["call_count"],
            }
    for queue_state in state["queues"]:
        for entry in queue_state["waiting"]:
            if entry["id"] != public_id:
                continue
            line = [waiting["id"] for waiting in waiting_now(queue_state)]
            ahead = line.index(public_id) if public_id in line else None
            return {
                **_common(state, entry),
                "status": Ticket.Status.WAITING,
                "queue": queue_state["slug"],
                "ahead": ahead,
                "estimated_minutes": None
                if ahead is None
                else estimate_minutes(queue_state, ahead),
                "desk": None,
                "call_count": entry["call_count"],
            }
    return None


def _common(state: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "label": entry["label"],
        "queue": entry["queue"],
        "office": state["office"],
        "slot_start": entry["slot_start"],
        "computed_at": state["computed_at"],
    }


def waiting_now(queue_state: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """The tickets in line now: those whose slot has not come yet are not."""
    moment = (now or timezone.now()).timestamp()
    return [entry for entry in queue_state["waiting"] if entry["joins_at"] <= moment]


def estimate_minutes(queue_state: dict[str, Any], ahead: int) -> int:
    return math.ceil(ahead * queue_state["minutes_per_person"] / queue_state["open_desks"])


def ticket_state(ticket: Ticket) -> dict[str, Any]:
    """A ticket's status, place in line and estimated wait: what its page shows."""
    state = office_state(ticket.queue.office)
    queue_state = next((q for q in state["queues"] if q["slug"] == ticket.queue.slug), None)
    ahead = None
    minutes = None
    if ticket.status == Ticket.Status.WAITING and queue_state is not None:
        line = [entry["id"] for entry in waiting_now(queue_state)]
        if str(ticket.public_id) in line:
            ahead = line.index(str(ticket.public_id))
            minutes = estimate_minutes(queue_state, ahead)
    call = next((c for c in state["calls"] if c["id"] == str(ticket.public_id)), None)
    return {
        "id": str(ticket.public_id),
        "label": ticket.label,
        "status": ticket.status,
        "queue": ticket.queue.slug,
        "office": ticket.queue.office.slug,
        "ahead": ahead,
        "estimated_minutes": minutes,
        "slot_start": ticket.slot_start.isoformat() if ticket.slot_start else None,
        "desk": call["desk"] if call else (ticket.desk.number if ticket.desk else None),
        "call_count": call["call_count"] if call else ticket.call_count,
        "computed_at": state["computed_at"],
    }


def waits() -> list[dict[str, Any]]:
    """The current wait at every office, per queue (open data: 窓口混雑状況)."""
    result = []
    for office in active_offices():
        state = office_state(office)
        queues = []
        for queue_state in state["queues"]:
            line = waiting_now(queue_state)
            queues.append(
                {
                    "queue": queue_state["slug"],
                    "name": queue_state["name"],
                    "waiting": len(line),
                    "estimated_wait_minutes": estimate_minutes(queue_state, len(line)),
                }
            )
        result.append(
            {
                "office": office.slug,
                "name": state["name"],
                "address": office.address,
                "opens_at": office.opens_at.strftime("%H:%M"),
                "closes_at": office.closes_at.strftime("%H:%M"),
                "queues": queues,
                "updated_at": state["computed_at"],
            }
        )
    return result


def staff_offices(user: Any) -> QuerySet[Office]:
    """Offices whose queues this staff member may run: those of their departments."""
    return permissions.in_visible_departments(active_offices(), user)


def staff_office(user: Any, slug: str) -> Office | None:
    return staff_offices(user).filter(slug=slug[:40]).first()


def staff_ticket(user: Any, public_id: Any) -> Ticket | None:
    ticket = ticket_by_public_id(public_id)
    if ticket is None or not permissions.can_see_department(
        user, ticket.queue.office.department_id
    ):
        return None
    return ticket


def office_tickets(office: Office, day: date) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(queue__office=office, service_date=day)
        .select_related("queue", "issued_in", "desk", "visit")
        .order_by("joins_at", "number")
    )


def open_slots(queue: Queue, now: datetime | None = None) -> list[datetime]:
    """The half-hour slots left today that a phone may book a ticket for."""
    moment = timezone.localtime(now or timezone.now())
    office = queue.office
    start = moment.replace(
        hour=office.opens_at.hour, minute=office.opens_at.minute, second=0, microsecond=0
    )
    end = moment.replace(
        hour=office.closes_at.hour, minute=office.closes_at.minute, second=0, microsecond=0
    )
    taken: dict[datetime, int] = defaultdict(int)
    for slot in (
        Ticket.objects.filter(queue=queue, service_date=moment.date(), slot_start__isnull=False)
        .exclude(status=Ticket.Status.CANCELLED)
        .values_list("slot_start", flat=True)
    ):
        if slot is not None:
            taken[slot] += 1
    slots = []
    slot = start
    while slot + timedelta(minutes=30) <= end:
        if slot > moment and taken[slot] < queue.slot_capacity:
            slots.append(slot)
        slot += timedelta(minutes=30)
    return slots


def is_open(office: Office, now: datetime | None = None) -> bool:
    if not settings.NAVIGATOR_KEEP_OFFICE_HOURS:
        return True
    moment = timezone.localtime(now or timezone.now())
    return moment.weekday() < 5 and office.opens_at <= moment.time() < office.closes_at


def statistics_of(office: Office, day: date) -> dict[str, Any]:
    """Tickets, average wait and average service time by hour and queue, for one day."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for ticket in office_tickets(office, day):
        hour = timezone.localtime(ticket.joins_at).hour
        row = rows.setdefault(
            (ticket.queue.slug, hour),
            {"queue": ticket.queue, "hour": hour, "issued": 0, "waits": [], "services": []},
        )
        row["issued"] += 1
        if ticket.called_at:
            row["waits"].append((ticket.called_at - ticket.joins_at).total_seconds() / 60)
        if ticket.called_at and ticket.done_at:
            row["services"].append((ticket.done_at - ticket.called_at).total_seconds() / 60)
    table = []
    for (_slug, _hour), row in sorted(rows.items(), key=lambda entry: (entry[0][1], entry[0][0])):
        table.append(
            {
                "queue": row["queue"],
                "hour": row["hour"],
                "issued": row["issued"],
                "served": len(row["services"]),
                "average_wait": round(statistics.mean(row["waits"]), 1) if row["waits"] else None,
                "average_service": round(statistics.mean(row["services"]), 1)
                if row["services"]
                else None,
            }
        )
    return {"day": day, "rows": table}


def people_ahead(ticket: Ticket) -> int:
    """How many wait in the ticket's line before it (one count on the line's index)."""
    return (
        Ticket.objects.filter(
            queue_id=ticket.queue_id,
            service_date=ticket.service_date,
            status=Ticket.Status.WAITING,
            joins_at__lte=ticket.joins_at,
        )
        .exclude(pk=ticket.pk)
        .count()
    )


def tickets_of(person: Any) -> QuerySet[Ticket]:
    """A resident's tickets of today (for My page)."""
    return (
        Ticket.objects.filter(person=person, service_date=timezone.localdate())
        .select_related("queue__office", "issued_in")
        .order_by("-created_at")
    )
