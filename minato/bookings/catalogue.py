"""Services that manage what can be booked: facilities, offerings, their sessions, closures
of a period and lotteries. Supervisors and above of the department that runs the thing (the
rest of staff see it, and check people in); every change is audited with what changed.

The bookings themselves (taking, cancelling, drawing) are in ``services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.bookings import services
from minato.bookings.models import Facility, Lottery, Offering, Session
from minato.core import audit

# One request adds at most this many sessions (a year of hourly slots on weekdays is ~3,000).
MAX_SESSIONS_ADDED = 3000
# Sessions are added at most this far ahead.
MAX_DAYS_AHEAD = 400


def can_manage(user: Any, department_id: int | None) -> bool:
    return permissions.has_role(user, Role.SUPERVISOR) and permissions.can_see_department(
        user, department_id
    )


def _require_manager(user: Any, department_id: int | None) -> None:
    if not can_manage(user, department_id):
        raise services.BookingError(_("Managing bookings needs a supervisor of the department."))


def _changes(instance: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values on the instance and return what changed, as the audit chain keeps it."""
    changed = {}
    for field, value in values.items():
        model_field = instance._meta.get_field(field)
        if model_field.is_relation:  # compared by key: a new instance has no related object
            before, after = getattr(instance, model_field.attname), getattr(value, "pk", None)
        else:
            before, after = getattr(instance, field), value
        if before != after:
            changed[field] = [_jsonable(before), _jsonable(after)]
            setattr(instance, field, value)
    return changed


def _jsonable(value: Any) -> Any:
    if isinstance(value, time | date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def facility_save(*, staff: Any, facility: Facility | None, values: dict[str, Any]) -> Facility:
    """Create a facility (``facility`` None) or change one. ``values`` are the model's fields,
    validated by the caller's form; the department must be one the member of staff manages."""
    department = values.get("department") or (facility.department if facility else None)
    _require_manager(staff, getattr(department, "pk", None))
    if facility is not None:
        _require_manager(staff, facility.department_id)
    created = facility is None
    facility = facility or Facility()
    changed = _changes(facility, values)
    if not changed:
        return facility
    facility.full_clean()
    facility.save()
    audit.record(
        action="bookings.facility_created" if created else "bookings.facility_changed",
        obj=facility,
        department_id=facility.department_id,
        actor_id=staff.pk,
        changes=changed,
    )
    return facility


@transaction.atomic
def offering_save(*, staff: Any, offering: Offering | None, values: dict[str, Any]) -> Offering:
    """Create an offering or change one. Its department is its facility's. Changing the
    booking mode is refused once it has sessions (a lottery's sessions must stay its own)."""
    facility = values.get("facility") or (offering.facility if offering else None)
    if facility is None:
        raise services.BookingError(_("Choose the facility."))
    _require_manager(staff, facility.department_id)
    if offering is not None:
        _require_manager(staff, offering.department_id)
        if values.get("mode", offering.mode) != offering.mode and offering.sessions.exists():
            raise services.BookingError(
                _("The booking mode cannot change once the offering has sessions.")
            )
    created = offering is None
    offering = offering or Offering()
    changed = _changes(offering, {**values, "department": facility.department})
    if not changed:
        return offering
    offering.full_clean()
    offering.save()
    audit.record(
        action="bookings.offering_created" if created else "bookings.offering_changed",
        obj=offering,
        department_id=offering.department_id,
        actor_id=staff.pk,
        changes=changed,
    )
    return offering


@dataclass(frozen=True)
class SessionPlan:
    """Sessions to add: on the chosen weekdays (0 Monday) between two days, one after another
    from ``start`` until ``end`` each day, each ``minutes`` long."""

    first_day: date
    last_day: date
    weekdays: frozenset[int]
    start: time
    end: time
    minutes: int
    capacity: int

    def times(self) -> list[tuple[datetime, datetime]]:
        slots = []
        day = self.first_day
        length = timedelta(minutes=self.minutes)
        while day <= self.last_day:
            if day.weekday() in self.weekdays:
                starts = timezone.make_aware(datetime.combine(day, self.start))
                closes = timezone.make_aware(datetime.combine(day, self.end))
                while starts + length <= closes:
                    slots.append((starts, starts + length))
                    starts += length
            day += timedelta(days=1)
        return slots


def _plan_problem(offering: Offering, plan: SessionPlan, today: date) -> str:
    facility = offering.facility
    if plan.first_day <= today:
        return _("Sessions can be added from tomorrow on.")
    if plan.last_day < plan.first_day:
        return _("The last day is before the first day.")
    if plan.last_day > today + timedelta(days=MAX_DAYS_AHEAD):
        return _("Sessions can be added up to %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD}
    if not plan.weekdays:
        return _("Choose at least one day of the week.")
    if plan.start >= plan.end:
        return _("The first session must start before the last one ends.")
    if plan.start < facility.opens_at or plan.end > facility.closes_at:
        return _("The facility is open from %(opens)s to %(closes)s.") % {
            "opens": facility.opens_at.strftime("%H:%M"),
            "closes": facility.closes_at.strftime("%H:%M"),
        }
    if plan.minutes < 10:
        return _("A session lasts at least 10 minutes.")
    if plan.capacity < 1:
        return _("A session has at least one place.")
    return ""


@transaction.atomic
def sessions_add(*, staff: Any, offering: Offering, plan: SessionPlan) -> tuple[int, int]:
    """Add the plan's sessions to an offering; a slot that overlaps one of its sessions is
    skipped (a room cannot be booked twice for the same time). Returns (added, skipped)."""
    _require_manager(staff, offering.department_id)
    problem = _plan_problem(offering, plan, timezone.localdate())
    if problem:
        raise services.BookingError(problem)
    wanted = plan.times()
    if not wanted:
        raise services.BookingError(_("No session fits in those days and times."))
    if len(wanted) > MAX_SESSIONS_ADDED:
        raise services.BookingError(
            _("That is %(count)s sessions; add at most %(most)s at once.")
            % {"count": len(wanted), "most": MAX_SESSIONS_ADDED}
        )
    # Lock the offering so two people adding sessions at once cannot both add the same slot.
    Offering.objects.select_for_update().filter(pk=offering.pk).first()
    existing = list(
        Session.objects.filter(
            offering=offering, starts_at__lt=wanted[-1][1], ends_at__gt=wanted[0][0]
        ).values_list("starts_at", "ends_at")
    )
    added = [
        Session(offering=offering, starts_at=starts, ends_at=ends, capacity=plan.capacity)
        for starts, ends in wanted
        if not any(starts < taken_end and taken_start < ends for taken_start, taken_end in existing)
    ]
    Session.objects.bulk_create(added)
    audit.record(
        action="bookings.sessions_added",
        obj=offering,
        department_id=offering.department_id,
        actor_id=staff.pk,
        changes={
            "sessions": [None, len(added)],
            "from": [None, plan.first_day.isoformat()],
            "to": [None, plan.last_day.isoformat()],
            "capacity": [None, plan.capacity],
        },
    )
    return len(added), len(wanted) - len(added)


def session_remove(*, staff: Any, session: Session) -> None:
    """Remove a session nobody has booked or entered (added by mistake). A session with
    bookings is closed instead, so that its people are told."""
    _require_manager(staff, session.offering.department_id)
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.bookings.exists() or current.lottery_id is not None:
            raise services.BookingError(
                _("People have booked or entered this session: close it instead.")
            )
        audit.record(
            action="bookings.session_removed",
            obj=current,
            department_id=session.offering.department_id,
            actor_id=staff.pk,
            changes={"starts_at": [current.starts_at.isoformat(), None]},
        )
        current.delete()


def facility_close_period(
    *, staff: Any, facility: Facility, starts: datetime, ends: datetime, reason: str
) -> tuple[int, int]:
    """Close every session at a facility that overlaps a period (maintenance, an election):
    each is closed as ``services.session_close`` does, its people told and refunded. Returns
    (sessions closed, bookings cancelled)."""
    _require_manager(staff, facility.department_id)
    if starts >= ends:
        raise services.BookingError(_("The period must end after it starts."))
    if ends <= timezone.now():
        raise services.BookingError(_("The period is over."))
    if not reason.strip():
        raise services.BookingError(_("Give the reason people will be told."))
    sessions = list(
        Session.objects.filter(
            offering__facility=facility,
            is_closed=False,
            starts_at__lt=ends,
            ends_at__gt=max(starts, timezone.now()),
        ).select_related("offering__facility")
    )
    cancelled = 0
    for session in sessions:
        cancelled += len(services.session_close(session=session, reason=reason, staff=staff))
    return len(sessions), cancelled


def lottery_schedule(
    *,
    staff: Any,
    offering: Offering,
    first_day: date,
    last_day: date,
    entries_open_at: datetime,
    entries_close_at: datetime,
    draw_at: datetime,
    confirm_by: datetime,
    resident_weight: int,
) -> Lottery:
    """Put an offering's empty sessions between two days into a new lottery. Its entries must
    close before the first of them starts; the seed's hash is public from now."""
    _require_manager(staff, offering.department_id)
    if draw_at <= timezone.now():
        raise services.BookingError(_("The draw must be in the future."))
    sessions = list(
        Session.objects.filter(
            offering=offering,
            lottery__isnull=True,
            is_closed=False,
            taken=0,
            starts_at__gte=timezone.make_aware(datetime.combine(first_day, time.min)),
            starts_at__lt=timezone.make_aware(datetime.combine(last_day + timedelta(1), time.min)),
            bookings__isnull=True,
        )
    )
    if not sessions:
        raise services.BookingError(_("No empty session of this offering falls in those days."))
    if confirm_by >= min(session.starts_at for session in sessions):
        raise services.BookingError(
            _("Winners must confirm before the first session in the lottery starts.")
        )
    return services.lottery_create(
        offering=offering,
        sessions=sessions,
        entries_open_at=entries_open_at,
        entries_close_at=entries_close_at,
        draw_at=draw_at,
        confirm_by=confirm_by,
        resident_weight=resident_weight,
        actor_id=staff.pk,
    )
