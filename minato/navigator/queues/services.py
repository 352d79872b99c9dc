"""Writes for the counters (待たない窓口): issuing tickets (kiosk, staff, phone, LINE; now
or for a slot), calling them to a desk, recall, absent, transfer, done, cancel, and the
daily close.

Numbers come from the queue's ``QueueDay`` row, locked while a ticket is numbered, so they
are unique and gapless under any concurrency and start at 1 each day. A ticket is called
under a row lock that skips tickets another desk holds (``skip_locked``), so two desks
pressing 「次の方」 at once call two different people. After every change the office's
revision is replaced once the transaction commits (the screens see it on their next poll),
and people whose turn is near are told through ``notify()``.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.core import audit
from minato.navigator.models import Desk, Office, Queue, QueueDay, Ticket, Visit
from minato.navigator.queues import selectors
from minato.notifications.services import notify


class TicketError(Exception):
    """A counter action that cannot be done, with a message for the person."""


def _changed(office: Office) -> None:
    """Replace the office's revision now and again once the change commits: the next poll
    computes the new state (one process does; see ``selectors.office_state``), and a state
    computed from before the commit is never taken for the current one."""

    def bump() -> None:
        cache.set(selectors.revision_key(office.slug), uuid.uuid4().hex, selectors.STATE_SECONDS)

    bump()
    transaction.on_commit(bump)


def _record(ticket: Ticket, action: str, changes: dict[str, Any]) -> None:
    audit.record(
        action=action,
        obj=ticket,
        subject_id=ticket.person_id,
        department_id=ticket.queue.office.department_id,
        changes=changes,
    )


def _message_context(ticket: Ticket) -> dict[str, Any]:
    office = ticket.queue.office
    return {
        "number": ticket.label,
        "office": office.title("ja"),
        "office_en": office.title("en"),
        "office_easy": office.title("ja-easy"),
        "url": settings.SITE_URL + reverse("navigator:ticket", args=[ticket.public_id]),
    }


def _number(queue: Queue, service_date: Any) -> int:
    """The next number of the queue's day, its row locked until the transaction ends.

    One ``UPDATE … RETURNING`` in the usual case (PostgreSQL and SQLite 3.35+ both have it):
    the row lock serialises concurrent tickets, so numbers are unique and gapless. The
    day's first ticket creates the row first."""
    table = QueueDay._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1, updated_at = %s "  # noqa: S608 - our table name
        "WHERE queue_id = %s AND service_date = %s RETURNING last_number"
    )
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [timezone.now(), queue.pk, service_date])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        QueueDay.objects.get_or_create(queue=queue, service_date=service_date)
    raise RuntimeError("The queue's day could not be numbered")  # pragma: no cover


def _check_slot(queue: Queue, slot_start: datetime) -> None:
    if slot_start not in selectors.open_slots(queue):
        raise TicketError(_("That time is no longer free. Choose another."))


@transaction.atomic
def ticket_issue(
    *,
    queue: Queue,
    channel: str,
    person: Any = None,
    visit: Visit | None = None,
    slot_start: datetime | None = None,
) -> Ticket:
    """A numbered ticket in ``queue`` for today, in line now or from the start of its slot.

    A person who already holds a ticket in this line today gets that ticket back (a double
    tap on a phone, or a retry, never takes two places)."""
    office = queue.office
    if not queue.is_active or not office.is_active:
        raise TicketError(_("This counter is not taking tickets."))
    if not selectors.is_open(office):
        raise TicketError(_("The counters are closed now. Come back during opening hours."))
    person = person if getattr(person, "is_authenticated", False) else None
    if person is not None:
        existing = _active_ticket(queue, person)
        if existing is not None:
            return existing
    if slot_start is not None and channel not in (Ticket.Channel.REMOTE, Ticket.Channel.LINE):
        raise TicketError(_("Only a ticket taken from a phone can be for a later time."))
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        # A savepoint only where a double tap can collide (a person's ticket): the kiosk's
        # and the counter's tickets cannot, and save two round trips each.
        with transaction.atomic() if person is not None else nullcontext():
            number = _number(queue, today)
            if slot_start is not None:
                # Checked under the day's row lock: two phones cannot both take the last place.
                _check_slot(queue, slot_start)
            ticket = Ticket.objects.create(
                queue=queue,
                issued_in=queue,
                service_date=today,
                number=number,
                channel=channel,
                person=person,
                visit=visit,
                joins_at=slot_start or now,
                slot_start=slot_start,
            )
    except IntegrityError:
        # Two taps at the same moment: the other one's ticket is this person's ticket.
        existing = _active_ticket(queue, person) if person is not None else None
        if existing is None:
            raise
        return existing
    _record(
        ticket,
        "navigator.ticket_issued",
        {"number": [None, ticket.label], "channel": [None, channel]},
    )
    _changed(office)
    return ticket


def _active_ticket(queue: Queue, person: Any) -> Ticket | None:
    return Ticket.objects.filter(
        queue=queue,
        person=person,
        service_date=timezone.localdate(),
        status__in=Ticket.ACTIVE,
    ).first()


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("queue__office", "issued_in", "desk")
        .get(pk=ticket.pk)
    )


def _check_today(ticket: Ticket) -> None:
    if ticket.service_date != timezone.localdate():
        raise TicketError(_("This ticket was for an earlier day."))


def _call(ticket: Ticket, desk: Desk, staff: Any) -> Ticket:
    _check_today(ticket)
    old = ticket.status
    ticket.status = Ticket.Status.CALLED
    ticket.desk = desk
    ticket.called_at = timezone.now()
    ticket.call_count += 1
    try:
        with transaction.atomic():
            ticket.save(update_fields=["status", "desk", "called_at", "call_count", "updated_at"])
    except IntegrityError:
        # Called again after "not here", while the same person took a new ticket in this line.
        raise TicketError(
            _("This person has another ticket in this line now: call that one.")
        ) from None
    _record(
        ticket,
        "navigator.ticket_called",
        {"status": [old, ticket.status], "desk": [None, desk.number]},
    )
    if ticket.person_id:
        notify(
            template_key="navigator/called",
            context={**_message_context(ticket), "desk": desk.number},
            recipient=ticket.person,
            reference=ticket.label,
            dedupe_key=f"navigator-called-{ticket.public_id}-{ticket.call_count}",
        )
    _changed(ticket.queue.office)
    _tell_those_near(ticket.queue)
    return ticket


def _check_desk(desk: Desk, office: Office) -> None:
    if desk.office_id != office.pk:
        raise TicketError(_("That desk is not in this office."))


@transaction.atomic
def ticket_call_next(*, queue: Queue, desk: Desk, staff: Any) -> Ticket | None:
    """Call the first person in line to ``desk``; None when nobody waits. A ticket another
    desk is calling at this moment is skipped, never called twice."""
    _check_desk(desk, queue.office)
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            queue=queue,
            service_date=timezone.localdate(),
            status=Ticket.Status.WAITING,
            joins_at__lte=timezone.now(),
        )
        .select_related("queue__office", "issued_in")
        .order_by("joins_at", "number")
        .first()
    )
    if ticket is None:
        return None
    return _call(ticket, desk, staff)


@transaction.atomic
def ticket_call(*, ticket: Ticket, desk: Desk, staff: Any) -> Ticket:
    """Call one particular ticket (out of turn, or again after it was marked absent)."""
    ticket = _locked(ticket)
    _check_desk(desk, ticket.queue.office)
    if ticket.status not in (Ticket.Status.WAITING, Ticket.Status.ABSENT):
        raise TicketError(_("This ticket has already been called by a counter."))
    return _call(ticket, desk, staff)


@transaction.atomic
def ticket_recall(*, ticket: Ticket, staff: Any) -> Ticket:
    """Call the same person again (the display and their phone show it again)."""
    ticket = _locked(ticket)
    if ticket.status != Ticket.Status.CALLED or ticket.desk is None:
        raise TicketError(_("Only a ticket being called can be called again."))
    return _call(ticket, ticket.desk, staff)


def _finish(ticket: Ticket, status: str, action: str) -> Ticket:
    _check_today(ticket)
    old = ticket.status
    ticket.status = status
    ticket.done_at = timezone.now()
    ticket.save(update_fields=["status", "done_at", "updated_at"])
    _record(ticket, action, {"status": [old, status]})
    _changed(ticket.queue.office)
    return ticket


@transaction.atomic
def ticket_done(*, ticket: Ticket, staff: Any) -> Ticket:
    ticket = _locked(ticket)
    if ticket.status != Ticket.Status.CALLED:
        raise TicketError(_("Only a ticket being served can be finished."))
    return _finish(ticket, Ticket.Status.DONE, "navigator.ticket_done")


@transaction.atomic
def ticket_absent(*, ticket: Ticket, staff: Any) -> Ticket:
    """The person did not come when called; they can be called again later."""
    ticket = _locked(ticket)
    if ticket.status != Ticket.Status.CALLED:
        raise TicketError(_("Only a ticket being called can be marked absent."))
    return _finish(ticket, Ticket.Status.ABSENT, "navigator.ticket_absent")


@transaction.atomic
def ticket_cancel(*, ticket: Ticket) -> Ticket:
    """The person gives up their place (from their ticket page)."""
    ticket = _locked(ticket)
    if ticket.status != Ticket.Status.WAITING:
        raise TicketError(_("This ticket can no longer be cancelled."))
    ticket = _finish(ticket, Ticket.Status.CANCELLED, "navigator.ticket_cancelled")
    _tell_those_near(ticket.queue)
    return ticket


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, to_queue: Queue, staff: Any) -> Ticket:
    """Send the person to another counter's line. They keep their number and their place by
    the time they first joined, so they do not queue again from the back."""
    ticket = _locked(ticket)
    _check_today(ticket)
    if (
        to_queue.office_id != ticket.queue.office_id
        or to_queue.pk == ticket.queue_id
        or not to_queue.is_active
    ):
        raise TicketError(_("Choose another counter of this office."))
    if ticket.status not in Ticket.ACTIVE:
        raise TicketError(_("Only a waiting or called ticket can be transferred."))
    old_queue, old_status = ticket.queue.slug, ticket.status
    ticket.queue = to_queue
    ticket.status = Ticket.Status.WAITING
    ticket.desk = None
    ticket.notified_at = None
    try:
        with transaction.atomic():
            ticket.save(update_fields=["queue", "status", "desk", "notified_at", "updated_at"])
    except IntegrityError:
        raise TicketError(_("This person already has a ticket in that line.")) from None
    _record(
        ticket,
        "navigator.ticket_transferred",
        {"queue": [old_queue, to_queue.slug], "status": [old_status, ticket.status]},
    )
    _changed(ticket.queue.office)
    _tell_those_near(to_queue)
    return ticket


def _tell_those_near(queue: Queue) -> int:
    """Tell people in line with an account when only ``notify_ahead`` people are ahead of
    them (once per ticket and line)."""
    line = list(
        Ticket.objects.filter(
            queue=queue,
            service_date=timezone.localdate(),
            status=Ticket.Status.WAITING,
            joins_at__lte=timezone.now(),
        )
        .select_related("person", "issued_in")
        .order_by("joins_at", "number")[: queue.notify_ahead + 1]
    )
    told = 0
    for ahead, ticket in enumerate(line):
        if ticket.person_id is None or ticket.notified_at is not None:
            continue
        notify(
            template_key="navigator/turn_near",
            context={**_message_context(ticket), "ahead": ahead},
            recipient=ticket.person,
            reference=ticket.label,
            dedupe_key=f"navigator-near-{ticket.public_id}-{queue.pk}",
        )
        Ticket.objects.filter(pk=ticket.pk).update(notified_at=timezone.now())
        told += 1
    return told


@transaction.atomic
def tickets_close_past_days() -> int:
    """The daily reset: tickets of earlier days still waiting, called or absent expire
    (numbers start again at 1 each day by themselves). Run by the worker every few minutes."""
    stale = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(
            service_date__lt=timezone.localdate(),
            status__in=[*Ticket.ACTIVE, Ticket.Status.ABSENT],
        )
        .select_related("queue__office")
    )
    offices = {}
    for ticket in stale:
        old = ticket.status
        ticket.status = Ticket.Status.EXPIRED
        ticket.save(update_fields=["status", "updated_at"])
        _record(ticket, "navigator.ticket_expired", {"status": [old, ticket.status]})
        offices[ticket.queue.office_id] = ticket.queue.office
    for office in offices.values():
        _changed(office)
    return len(stale)


@transaction.atomic
def office_upsert(
    *,
    slug: str,
    name: dict[str, str],
    address: str,
    department: Any,
    opens_at: Any,
    closes_at: Any,
    sort_order: int = 0,
    queues: list[dict[str, Any]],
    desks: int,
) -> Office:
    """Create or update an office with its queues and numbered desks (demo data, set-up)."""
    office, created = Office.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "address": address,
            "department": department,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "sort_order": sort_order,
        },
    )
    for order, queue in enumerate(queues):
        Queue.objects.update_or_create(
            office=office, slug=queue["slug"], defaults={**queue, "sort_order": order}
        )
    for number in range(1, desks + 1):
        Desk.objects.get_or_create(office=office, number=number)
    audit.record(
        action="navigator.office_created" if created else "navigator.office_changed",
        obj=office,
        department_id=department.pk,
        changes={"queues": [None, [queue["slug"] for queue in queues]], "desks": [None, desks]},
    )
    _changed(office)
    return office
