"""Writes for bookings and lotteries. Every change is audited with the person as subject and
the offering's department; people are told through ``notify``.

The one rule that must hold under any concurrency: a session never has more places held than
it has. Places are taken by a single conditional UPDATE (``taken < capacity``), which
PostgreSQL and SQLite both apply atomically, so of many people asking for the last place at
the same moment exactly one gets it; the others are told it is full.
"""

from __future__ import annotations

import calendar
import hashlib
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.accounts.permissions import has_confirmed_email
from minato.accounts.services import absolute_url
from minato.bookings import draw
from minato.bookings.models import (
    Booking,
    Group,
    GroupMember,
    Lottery,
    Offering,
    PenaltyPoint,
    RateClass,
    Session,
)
from minato.core import audit
from minato.core.areas import area_of_address
from minato.core.translated import localized
from minato.notifications.services import notify, notify_many

S = Booking.Status


class BookingError(ValueError):
    """Why a booking cannot be made or changed, in words for the person (translated)."""


class SessionFull(BookingError):
    pass


# --- Who may book, and at what rate ----------------------------------------------------------


def rate_class_of(person: Any) -> str:
    """The ward's rate for people whose address on their profile is in Minato. The address
    is what the person says; staff see the rate class on the roster and check it at the door."""
    profile = getattr(person, "profile", None)
    if profile is not None and profile.prefecture == "東京都" and profile.city == "港区":
        return RateClass.RESIDENT
    return RateClass.OTHER


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_problem(*, offering: Offering, session: Session, person: Any) -> str:
    """Why this person may not book this session ("" when they may)."""
    if offering.residents_only and rate_class_of(person) != RateClass.RESIDENT:
        return _("Only people who live in Minato can book this. Check the address on your profile.")
    if offering.areas:
        profile = getattr(person, "profile", None)
        area = area_of_address(
            getattr(profile, "postal_code", ""), getattr(profile, "address_line", "")
        )
        if rate_class_of(person) != RateClass.RESIDENT or area not in offering.areas:
            return _(
                "Only people who live in these areas can book this: %(areas)s. Check the "
                "postal code and address on your profile."
            ) % {"areas": "、".join(offering.area_labels)}
    if offering.min_age is not None or offering.max_age is not None:
        profile = getattr(person, "profile", None)
        birth = getattr(profile, "birth_date", None)
        if birth is None:
            return _("This has an age limit: add your date of birth to your profile first.")
        age = _age_on(birth, timezone.localtime(session.starts_at).date())
        if offering.min_age is not None and age < offering.min_age:
            return _("You must be at least %(age)s on the day.") % {"age": offering.min_age}
        if offering.max_age is not None and age > offering.max_age:
            return _("This is for people up to %(age)s years old.") % {"age": offering.max_age}
    return ""


def _check_can_book(session: Session, person: Any, *, now: datetime) -> None:
    offering = session.offering
    if not offering.is_published:
        raise BookingError(_("This is not open for booking."))
    if not has_confirmed_email(person):
        raise BookingError(
            _(
                "Confirm your email address before booking: open the link we emailed you "
                "when you created your account."
            )
        )
    if session.starts_at <= now:
        raise BookingError(_("This session has already started."))
    if session.is_closed:
        raise BookingError(
            _("This session is closed: %(reason)s") % {"reason": session.closed_reason}
        )
    problem = eligibility_problem(offering=offering, session=session, person=person)
    if problem:
        raise BookingError(problem)


def _hold_until(session: Session, now: datetime) -> datetime:
    return min(now + timedelta(hours=session.offering.hold_hours), session.starts_at)


def _audit(booking: Booking, action: str, changes: dict[str, Any], **extra: Any) -> None:
    audit.record(
        action=action,
        obj=booking,
        subject_id=booking.person_id,
        department_id=booking.session.offering.department_id,
        changes=changes,
        **extra,
    )


def _message_context(booking: Booking) -> dict[str, Any]:
    session = booking.session
    starts = timezone.localtime(session.starts_at)
    return {
        "reference": booking.reference,
        "name": localized(session.offering.name, "ja"),
        "facility": localized(session.offering.facility.name, "ja"),
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "confirm_by": (
            timezone.localtime(booking.confirm_by).strftime("%Y-%m-%d %H:%M")
            if booking.confirm_by
            else ""
        ),
        "fee_yen": booking.fee_yen or 0,
        "url": absolute_url(reverse("bookings:detail", args=[booking.reference])),
    }


def _message(booking: Booking, event: str, **extra: Any) -> dict[str, Any]:
    """``notify``'s arguments for telling a booking's person about ``event``."""
    return {
        "recipient": booking.person,
        "template_key": f"bookings/{event}",
        "context": {**_message_context(booking), **extra},
        "reference": f"bookings.booking:{booking.reference}",
    }


def _tell(booking: Booking, event: str) -> None:
    notify(**_message(booking, event))


# --- Places ----------------------------------------------------------------------------------


def _take_place(session: Session) -> bool:
    """Take one place if one is left: one conditional UPDATE, atomic on every database."""
    taken = Session.objects.filter(pk=session.pk, is_closed=False, taken__lt=F("capacity")).update(
        taken=F("taken") + 1, updated_at=timezone.now()
    )
    return taken == 1


def _give_back_place(session: Session) -> None:
    Session.objects.filter(pk=session.pk, taken__gt=0).update(
        taken=F("taken") - 1, updated_at=timezone.now()
    )


def _active_in_offering(person: Any, offering: Offering, now: datetime) -> int:
    return Booking.objects.filter(
        person=person,
        session__offering=offering,
        session__starts_at__gt=now,
        status__in=[S.OFFERED, S.CONFIRMED, S.WAITING],
        lottery__isnull=True,
    ).count()


def _overlapping_booking(session: Session, person: Any, group: Group | None) -> Booking | None:
    """A place the person (or the group they book for) already holds at an overlapping time:
    nobody can be in two places at once, and a room held twice keeps someone else out."""
    return (
        Booking.objects.filter(
            person=person,
            group=group,
            status__in=[S.OFFERED, S.CONFIRMED],
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session__offering")
        .first()
    )


@transaction.atomic
def booking_create(*, session: Session, person: Any, group: Group | None = None) -> Booking:
    """Book a place first-come. Free: booked at once. With a fee: the place is held for
    ``hold_hours`` (or until it starts) for the person to pay; unpaid, it is released.
    Raises SessionFull when no place is left (the person may join the waiting list)."""
    now = timezone.now()
    offering = session.offering
    _check_can_book(session, person, now=now)
    if session.lottery is not None and session.lottery.status == Lottery.Status.OPEN:
        raise BookingError(_("Places in this session are given by lottery: enter the lottery."))
    _check_group(session, person, group, now)
    if group is not None and _group_limit_reached(offering, group, now, session__offering=offering):
        raise BookingError(
            _("The group already holds %(count)s places for this, the most one group may.")
            % {"count": offering.per_person_limit}
        )
    if _active_in_offering(person, offering, now) >= offering.per_person_limit:
        raise BookingError(
            _("You already hold %(count)s places for this, the most one person may.")
            % {"count": offering.per_person_limit}
        )
    if Booking.objects.filter(session=session, person=person, status__in=Booking.ACTIVE).exists():
        raise BookingError(_("You have already booked this session."))
    clash = _overlapping_booking(session, person, group)
    if clash is not None:
        raise BookingError(
            _("You already have a booking at that time: %(what)s, %(when)s.")
            % {
                "what": localized(clash.session.offering.name),
                "when": timezone.localtime(clash.session.starts_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if not _take_place(session):
        raise SessionFull(_("This session is full."))
    session.taken += 1
    rate_class = rate_class_of(person)
    fee = offering.fee_for(rate_class)
    booking = Booking(
        session=session,
        person=person,
        group=group,
        rate_class=rate_class,
        fee_yen=fee,
        status=S.OFFERED if fee else S.CONFIRMED,
        confirm_by=_hold_until(session, now) if fee else None,
        confirmed_at=None if fee else now,
    )
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as exc:  # a double submit that raced the check above
        raise BookingError(_("You have already booked this session.")) from exc
    _audit(booking, "bookings.booked", {"status": [None, booking.status], "fee_yen": [None, fee]})
    _tell(booking, "offered" if fee else "confirmed")
    return booking


@transaction.atomic
def waitlist_join(*, session: Session, person: Any, group: Group | None = None) -> Booking:
    """Wait for a place in a full session: the first to wait is offered the first place
    given back."""
    now = timezone.now()
    _check_can_book(session, person, now=now)
    session.refresh_from_db(fields=["taken", "capacity", "is_closed"])
    if session.places_left > 0:
        raise BookingError(_("There are places left: book one instead."))
    if session.lottery is not None and session.lottery.status == Lottery.Status.OPEN:
        raise BookingError(_("Places in this session are given by lottery: enter the lottery."))
    if _active_in_offering(person, session.offering, now) >= session.offering.per_person_limit:
        raise BookingError(
            _("You already hold %(count)s places for this, the most one person may.")
            % {"count": session.offering.per_person_limit}
        )
    _check_group(session, person, group, now)
    booking = Booking(session=session, person=person, group=group, rate_class=rate_class_of(person))
    booking.status = S.WAITING
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as exc:
        raise BookingError(_("You have already booked this session.")) from exc
    _audit(booking, "bookings.waitlisted", {"status": [None, S.WAITING]})
    return booking


def _offer_next_waiting(session: Session, now: datetime) -> Booking | None:
    """Offer a free place to the first person waiting (lottery rank first, then who asked
    first), held for them to confirm."""
    waiting = (
        Booking.objects.select_for_update()
        .filter(session=session, status=S.WAITING)
        .select_related("person", "session__offering__facility")
        .order_by(F("draw_rank").asc(nulls_last=True), "created_at")
        .first()
    )
    if waiting is None or session.starts_at <= now or not _take_place(session):
        return None
    waiting.status = S.OFFERED
    waiting.fee_yen = session.offering.fee_for(waiting.rate_class)
    waiting.confirm_by = _hold_until(session, now)
    waiting.save(update_fields=["status", "fee_yen", "confirm_by", "updated_at"])
    _audit(
        waiting,
        "bookings.offered",
        {"status": [S.WAITING, S.OFFERED], "confirm_by": [None, waiting.confirm_by]},
    )
    _tell(waiting, "offered")
    return waiting


def _release(booking: Booking, status: str, now: datetime) -> None:
    """End a booking; a place it held goes to the next person waiting."""
    held = booking.holds_place
    before = booking.status
    booking.status = status
    booking.cancelled_at = now if status == S.CANCELLED else booking.cancelled_at
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    _audit(booking, f"bookings.{status}", {"status": [before, status]})
    if held:
        _give_back_place(booking.session)
        booking.session.refresh_from_db(fields=["taken", "capacity", "is_closed"])
        _offer_next_waiting(booking.session, now)


def cancel_deadline(booking: Booking) -> datetime:
    return booking.session.starts_at - timedelta(hours=booking.session.offering.cancel_hours_before)


def can_cancel_online(booking: Booking) -> bool:
    """Whether the person may still cancel it themselves: until the session starts (after the
    cancellation deadline a confirmed booking then earns penalty points)."""
    return booking.status in Booking.ACTIVE and timezone.now() < booking.session.starts_at


def is_late_cancel(booking: Booking, now: datetime | None = None) -> bool:
    """A confirmed place given up after the cancellation deadline (penalty points)."""
    now = now or timezone.now()
    return booking.status == S.CONFIRMED and now > cancel_deadline(booking)


def booking_cancel(*, booking: Booking, person: Any) -> Booking:
    """The person cancels their own booking, entry or place on the waiting list, until it
    starts. What they paid online is refunded in full before the cancellation deadline and
    not after it (staff may still refund from the payments console); a confirmed place given
    up after the deadline also earns ``BOOKINGS_PENALTY_LATE_CANCEL`` points. A booking paid
    at a counter is cancelled there, where the terminal refunds it."""
    from minato.bookings.payables import PURPOSE
    from minato.payments import providers as payment_providers
    from minato.payments import selectors as payment_selectors
    from minato.payments import services as payment_services

    now = timezone.now()
    paid = payment_selectors.paid_payment(
        payment_selectors.payments_for_thing(purpose=PURPOSE, object_ref=booking.reference)
    )
    if paid is not None and not payment_services.refundable_yen(paid):
        paid = None  # refunded already (by staff): nothing left to give back
    with transaction.atomic():
        current = _locked(booking.pk)
        if current.person_id != person.pk:
            raise BookingError(_("This is not your booking."))
        if current.status not in Booking.ACTIVE:
            raise BookingError(_("This booking can no longer be cancelled."))
        if now >= current.session.starts_at:
            raise BookingError(_("This session has already started."))
        late = is_late_cancel(current, now)
        refund = paid is not None and now <= cancel_deadline(current)
        if paid is not None and refund and paid.provider == payment_providers.COUNTER:
            raise BookingError(
                _("This booking was paid at a counter: cancel it at the facility, which refunds.")
            )
        _release(current, S.CANCELLED, now)
        if late:
            _penalise(
                current, PenaltyPoint.Reason.LATE_CANCEL, settings.BOOKINGS_PENALTY_LATE_CANCEL, now
            )
    # The refund goes to the provider outside the transaction (payments' rule); keyed by the
    # booking, so it is asked for once however often this runs.
    if refund:
        assert paid is not None
        payment_services.refund_by_rule(
            payment=paid,
            reason=f"期限前の取消し（予約番号 {current.reference}）",
            request_key=f"bookings-cancel-{current.reference}",
        )
    return current


def _penalise(booking: Booking, reason: str, points: int, now: datetime) -> None:
    if points <= 0:
        return
    penalty, _created = PenaltyPoint.objects.update_or_create(
        booking=booking,
        defaults={
            "person_id": booking.person_id,
            "reason": reason,
            "points": points,
            "expires_at": now + timedelta(days=settings.BOOKINGS_PENALTY_DAYS),
        },
    )
    _audit(
        booking,
        "bookings.penalised",
        {
            "reason": [None, reason],
            "points": [None, points],
            "expires_at": [None, penalty.expires_at],
        },
    )


def _forgive(booking: Booking) -> None:
    removed, _kinds = PenaltyPoint.objects.filter(booking=booking).delete()
    if removed:
        _audit(booking, "bookings.penalty_removed", {"points": ["removed", None]})


def active_penalties(person: Any, now: datetime | None = None) -> list[PenaltyPoint]:
    now = now or timezone.now()
    return list(
        PenaltyPoint.objects.filter(person=person, expires_at__gt=now).order_by("expires_at")
    )


def lotteries_suspended_until(person: Any, now: datetime | None = None) -> datetime | None:
    """When this person may enter lotteries again (None: they may now): once enough of their
    points have expired to bring them under ``BOOKINGS_PENALTY_SUSPEND_AT``."""
    penalties = active_penalties(person, now)
    total = sum(penalty.points for penalty in penalties)
    for penalty in penalties:
        if total < settings.BOOKINGS_PENALTY_SUSPEND_AT:
            break
        total -= penalty.points
        if total < settings.BOOKINGS_PENALTY_SUSPEND_AT:
            return penalty.expires_at
    return None


@transaction.atomic
def booking_confirm(*, booking: Booking, person: Any) -> Booking:
    """Confirm an offered place that has no fee (a place with a fee is confirmed by paying)."""
    now = timezone.now()
    current = (
        Booking.objects.select_for_update()
        .select_related("session__offering__facility", "person")
        .get(pk=booking.pk)
    )
    if current.person_id != person.pk:
        raise BookingError(_("This is not your booking."))
    if current.status != S.OFFERED:
        raise BookingError(_("There is nothing to confirm for this booking."))
    if current.fee_yen:
        raise BookingError(_("Pay the fee to confirm this place."))
    if current.confirm_by is not None and now > current.confirm_by:
        raise BookingError(_("The time to confirm this place has passed."))
    _mark_confirmed(current, now)
    return current


def _mark_confirmed(booking: Booking, now: datetime) -> None:
    booking.status = S.CONFIRMED
    booking.confirmed_at = now
    booking.save(update_fields=["status", "confirmed_at", "updated_at"])
    _audit(booking, "bookings.confirmed", {"status": [S.OFFERED, S.CONFIRMED]})
    _tell(booking, "confirmed")


def offers_settle() -> int:
    """The worker's periodic job: an offered place with a fee that is paid becomes booked; an
    offered place whose time ran out (and that is not being paid for right now) goes to the
    next person waiting. Returns how many bookings changed."""
    from minato.bookings.payables import PURPOSE
    from minato.payments import selectors as payment_selectors

    now = timezone.now()
    changed = 0
    offered = list(
        Booking.objects.filter(status=S.OFFERED)
        .filter(fee_yen__isnull=False)
        .values_list("pk", "reference")[:500]
    )
    for pk, reference in offered:
        if payment_selectors.is_paid(purpose=PURPOSE, object_ref=reference):
            with transaction.atomic():
                booking = _locked(pk)
                if booking.status == S.OFFERED:
                    _mark_confirmed(booking, now)
                    changed += 1
    for pk in Booking.objects.filter(status=S.OFFERED, confirm_by__lt=now).values_list(
        "pk", flat=True
    )[:500]:
        with transaction.atomic():
            booking = _locked(pk)
            if booking.status != S.OFFERED or booking.confirm_by is None:
                continue
            if booking.confirm_by >= now:
                continue
            reference = booking.reference
            if booking.fee_yen and _payment_in_flight(reference):
                continue  # the person is paying right now: let the payment finish
            if booking.fee_yen and payment_selectors.is_paid(purpose=PURPOSE, object_ref=reference):
                _mark_confirmed(booking, now)
            else:
                _release(booking, S.EXPIRED, now)
                _tell(booking, "expired")
            changed += 1
    return changed


def _payment_in_flight(reference: str) -> bool:
    from minato.bookings.payables import PURPOSE
    from minato.payments import selectors as payment_selectors

    return any(
        payment.status == "started"
        for payment in payment_selectors.payments_for_thing(purpose=PURPOSE, object_ref=reference)
    )


def _locked(pk: int) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("session__offering__facility", "person")
        .get(pk=pk)
    )


# --- Attendance (staff) ------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, booking: Booking, attended: bool, staff: Any) -> Booking:
    """Staff record at the door that the person came (or, after it started, that they did
    not)."""
    current = _locked(booking.pk)
    if current.status not in (S.CONFIRMED, S.ATTENDED, S.NO_SHOW):
        raise BookingError(_("Only a confirmed booking can be checked in."))
    new = S.ATTENDED if attended else S.NO_SHOW
    if current.status == new:
        return current
    before = current.status
    now = timezone.now()
    if not attended and now < current.session.starts_at:
        raise BookingError(
            _("Someone can be marked as not come only once the session has started.")
        )
    current.status = new
    current.checked_in_at = now if attended else None
    current.save(update_fields=["status", "checked_in_at", "updated_at"])
    _audit(
        current,
        "bookings.checked_in" if attended else "bookings.no_show",
        {"status": [before, new]},
        actor_id=staff.pk,
    )
    if attended:
        _forgive(current)  # a no-show recorded by mistake
    else:
        _penalise(current, PenaltyPoint.Reason.NO_SHOW, settings.BOOKINGS_PENALTY_NO_SHOW, now)
    return current


# --- Reminders and closures ----------------------------------------------------------------

REMINDER_BATCH = 500


def reminders_send(*, within: timedelta = timedelta(hours=24)) -> int:
    """The worker's periodic job: remind everyone with a confirmed place in a session that
    starts within a day, once (``reminded_at`` is set in the transaction that queues it)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=S.CONFIRMED,
                reminded_at__isnull=True,
                session__starts_at__gt=now,
                session__starts_at__lte=now + within,
            )
            .select_related("person__profile", "session__offering__facility")
            .order_by("session__starts_at")[:REMINDER_BATCH]
        )
        if not due:
            return 0
        notify_many([_message(booking, "reminder") for booking in due])
        Booking.objects.filter(pk__in=[booking.pk for booking in due]).update(reminded_at=now)
    return len(due)


def session_close(*, session: Session, reason: str, staff: Any) -> list[Booking]:
    """The ward closes a session (a repair, an election): nobody can book it, every booking
    and entry in it is cancelled and told why, and what was paid is refunded in full (the
    ward cancelled). Supervisors and above of the offering's department. Returns the
    cancelled bookings."""
    from minato.bookings.payables import PURPOSE
    from minato.payments import selectors as payment_selectors
    from minato.payments import services as payment_services

    offering = session.offering
    if not permissions.has_role(staff, Role.SUPERVISOR) or not permissions.can_see_department(
        staff, offering.department_id
    ):
        raise BookingError(_("Closing a session needs a supervisor of its department."))
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Give the reason people will be told."))
    now = timezone.now()
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.is_closed:
            raise BookingError(_("This session is already closed."))
        current.is_closed = True
        current.closed_reason = reason[:200]
        current.save(update_fields=["is_closed", "closed_reason", "updated_at"])
        audit.record(
            action="bookings.session_closed",
            obj=current,
            department_id=offering.department_id,
            actor_id=staff.pk,
            changes={"is_closed": [False, True], "closed_reason": [None, current.closed_reason]},
        )
        cancelled = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(session=current, status__in=Booking.ACTIVE)
            .select_related("person__profile", "session__offering__facility")
        )
        for booking in cancelled:
            before = booking.status
            booking.status = S.CANCELLED
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at", "updated_at"])
            _audit(
                booking,
                "bookings.cancelled_by_ward",
                {"status": [before, S.CANCELLED]},
                actor_id=staff.pk,
            )
        Session.objects.filter(pk=current.pk).update(taken=0)
        notify_many(
            [
                _message(booking, "cancelled_by_ward", reason=current.closed_reason)
                for booking in cancelled
            ]
        )
    # Refunds go to the provider outside the transaction (payments' own rule); each is keyed
    # by the booking, so closing is safe to retry.
    for booking in cancelled:
        paid = payment_selectors.paid_payment(
            payment_selectors.payments_for_thing(purpose=PURPOSE, object_ref=booking.reference)
        )
        if paid is not None:
            payment_services.refund_request(
                payment=paid,
                amount_yen=payment_services.refundable_yen(paid),
                reason=f"施設の都合による休止（予約番号 {booking.reference}）",
                staff=staff,
                request_key=f"bookings-closure-{booking.reference}",
            )
    return cancelled


# --- Registered groups ----------------------------------------------------------------------

# A group is registered with at least this many members, of whom at least this share live in
# the ward (Minato's rule for 区民団体).
GROUP_MIN_MEMBERS = 10
GROUP_MIN_WARD_SHARE = 0.7
GROUP_REGISTRATION_DAYS = 365
# How many months ahead a room may be booked, by who books it (Minato: 町会・自治会 and welfare
# groups 4 months, residents' groups 3, everyone else 2).
GROUP_WINDOW_MONTHS: dict[str, int] = {
    Group.GroupClass.CHOKAI: 4,
    Group.GroupClass.WELFARE: 4,
    Group.GroupClass.RESIDENTS: 3,
    Group.GroupClass.OTHER: 2,
}
INDIVIDUAL_WINDOW_MONTHS = 2


def group_members_problem(members: list[tuple[str, bool]]) -> str:
    """Why these members do not make a group the ward can register ("" when they do)."""
    if len(members) < GROUP_MIN_MEMBERS:
        return _("A group needs at least %(count)s members; you listed %(listed)s.") % {
            "count": GROUP_MIN_MEMBERS,
            "listed": len(members),
        }
    in_ward = sum(1 for _name, lives_in_ward in members if lives_in_ward)
    if in_ward < GROUP_MIN_WARD_SHARE * len(members):
        return _(
            "At least 70%% of the members must live in Minato; %(in_ward)s of %(count)s do."
        ) % {"in_ward": in_ward, "count": len(members)}
    return ""


def _replace_members(group: Group, members: list[tuple[str, bool]]) -> None:
    GroupMember.objects.filter(group=group).delete()
    GroupMember.objects.bulk_create(
        GroupMember(group=group, name=name[:100], lives_in_ward=lives_in_ward)
        for name, lives_in_ward in members
    )


def _group_audit(group: Group, action: str, changes: dict[str, Any], **extra: Any) -> None:
    audit.record(
        action=action,
        obj=group,
        subject_id=group.representative_id,
        department_id=group.department_id,
        changes=changes,
        **extra,
    )


@transaction.atomic
def group_register(
    *,
    representative: Any,
    name: str,
    group_class: str,
    department: Any,
    members: list[tuple[str, bool]],
) -> Group:
    """A resident registers a group they represent; the ward checks it (``group_decide``)."""
    name = name.strip()
    if not name:
        raise BookingError(_("Enter the group's name."))
    problem = group_members_problem(members)
    if problem:
        raise BookingError(problem)
    group = Group.objects.create(
        name=name[:100],
        group_class=group_class,
        representative=representative,
        department=department,
    )
    _replace_members(group, members)
    _group_audit(
        group,
        "bookings.group_registered",
        {"status": [None, group.status], "members": [None, len(members)]},
    )
    return group


@transaction.atomic
def group_renew(*, group: Group, representative: Any, members: list[tuple[str, bool]]) -> Group:
    """The representative renews the registration with the current members: checked again."""
    current = Group.objects.select_for_update().get(pk=group.pk)
    if current.representative_id != representative.pk:
        raise BookingError(_("Only the group's representative can renew it."))
    problem = group_members_problem(members)
    if problem:
        raise BookingError(problem)
    before = current.status
    _replace_members(current, members)
    current.status = Group.Status.PENDING
    current.save(update_fields=["status", "updated_at"])
    _group_audit(
        current,
        "bookings.group_renewal_requested",
        {"status": [before, current.status], "members": [None, len(members)]},
    )
    return current


@transaction.atomic
def group_decide(*, group: Group, staff: Any, approve: bool, note: str = "") -> Group:
    """Staff of the group's office register it for a year (a renewal keeps its bookings), or
    say why not; the representative is told."""
    if not permissions.can_see_department(staff, group.department_id):
        raise BookingError(_("This group is checked by another office."))
    current = Group.objects.select_for_update().select_related("representative").get(pk=group.pk)
    if current.status != Group.Status.PENDING:
        raise BookingError(_("This group has already been decided."))
    if not approve and not note.strip():
        raise BookingError(_("Say why the group cannot be registered."))
    current.status = Group.Status.APPROVED if approve else Group.Status.REJECTED
    current.registered_until = (
        timezone.localdate() + timedelta(days=GROUP_REGISTRATION_DAYS)
        if approve
        else current.registered_until
    )
    current.decision_note = note.strip()[:300]
    current.save(update_fields=["status", "registered_until", "decision_note", "updated_at"])
    _group_audit(
        current,
        "bookings.group_decided",
        {"status": [Group.Status.PENDING, current.status]},
        actor_id=staff.pk,
    )
    notify(
        recipient=current.representative,
        template_key="bookings/group_decided",
        context={
            "name": current.name,
            "approved": approve,
            "registered_until": current.registered_until.isoformat()
            if current.registered_until
            else "",
            "note": current.decision_note,
            "url": absolute_url(reverse("bookings:group", args=[current.public_id])),
        },
        reference=f"bookings.group:{current.public_id}",
    )
    return current


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day where it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_group(session: Session, person: Any, group: Group | None, now: datetime) -> None:
    """The group must be the person's and registered on the session's day; rooms can be booked
    only as far ahead as the booker's class allows."""
    day = timezone.localtime(session.starts_at).date()
    if group is not None and (
        group.representative_id != person.pk or not group.is_registered_on(day)
    ):
        raise BookingError(
            _("You can book for a group only while it is registered and you represent it.")
        )
    if session.offering.kind == Offering.Kind.ROOM:
        months = GROUP_WINDOW_MONTHS[group.group_class] if group else INDIVIDUAL_WINDOW_MONTHS
        last = _add_months(timezone.localdate(now), months)
        if day > last:
            raise BookingError(
                _("This can be booked from %(date)s (%(months)s months ahead).")
                % {"date": _add_months(day, -months).isoformat(), "months": months}
            )


def _group_limit_reached(offering: Offering, group: Group, now: datetime, **scope: Any) -> bool:
    return (
        Booking.objects.filter(
            group=group, session__starts_at__gt=now, status__in=Booking.ACTIVE, **scope
        ).count()
        >= offering.per_person_limit
    )


# --- Lotteries -------------------------------------------------------------------------------


def new_seed() -> tuple[str, str]:
    """A seed and the hash to publish before entries close."""
    seed = secrets.token_hex(32)
    return seed, draw.seed_hash(seed)


# Tiers in a lottery's draw: registered groups' entries come before individuals' (Minato gives
# registered groups priority).
GROUP_TIER = 0
INDIVIDUAL_TIER = 1


@transaction.atomic
def lottery_enter(*, session: Session, person: Any, group: Group | None = None) -> Booking:
    """Enter a session's lottery while its window is open, up to the offering's limit of
    entries per person in that lottery."""
    now = timezone.now()
    lottery = session.lottery
    if lottery is None:
        raise BookingError(_("This session has no lottery: book it directly."))
    _check_can_book(session, person, now=now)
    if lottery.status != Lottery.Status.OPEN or not (
        lottery.entries_open_at <= now < lottery.entries_close_at
    ):
        raise BookingError(_("The lottery is not taking entries now."))
    suspended_until = lotteries_suspended_until(person, now)
    if suspended_until is not None:
        raise BookingError(
            _(
                "Because of late cancellations or missed bookings, you cannot enter lotteries "
                "until %(date)s."
            )
            % {"date": timezone.localtime(suspended_until).strftime("%Y-%m-%d")}
        )
    _check_group(session, person, group, now)
    limit = session.offering.per_person_limit
    if group is not None and _group_limit_reached(session.offering, group, now, lottery=lottery):
        raise BookingError(
            _(
                "The group has already made %(count)s entries in this lottery, "
                "the most one group may."
            )
            % {"count": limit}
        )
    if Booking.objects.filter(lottery=lottery, person=person, status=S.ENTERED).count() >= limit:
        raise BookingError(
            _("You have already made %(count)s entries in this lottery, the most one person may.")
            % {"count": limit}
        )
    if Booking.objects.filter(session=session, person=person, status__in=Booking.ACTIVE).exists():
        raise BookingError(_("You have already entered this session."))
    Lottery.objects.filter(pk=lottery.pk).update(last_entry_number=F("last_entry_number") + 1)
    number = Lottery.objects.values_list("last_entry_number", flat=True).get(pk=lottery.pk)
    rate_class = rate_class_of(person)
    booking = Booking(
        session=session,
        person=person,
        status=S.ENTERED,
        rate_class=rate_class,
        lottery=lottery,
        entry_number=number,
        group=group,
        tier=GROUP_TIER if group is not None else INDIVIDUAL_TIER,
        weight=lottery.resident_weight if rate_class == RateClass.RESIDENT else 1,
    )
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as exc:
        raise BookingError(_("You have already entered this session.")) from exc
    _audit(
        booking, "bookings.entered", {"status": [None, S.ENTERED], "entry_number": [None, number]}
    )
    return booking


@transaction.atomic
def lottery_create(
    *,
    offering: Offering,
    sessions: list[Session],
    entries_open_at: datetime,
    entries_close_at: datetime,
    draw_at: datetime,
    confirm_by: datetime,
    resident_weight: int = 1,
    seed: str | None = None,
    actor_id: int | None = None,
) -> Lottery:
    """Put sessions of an offering into one lottery; the hash of its seed is public from now."""
    if offering.mode != Offering.Mode.LOTTERY:
        raise BookingError(_("This offering is booked first-come."))
    if not (entries_open_at < entries_close_at <= draw_at < confirm_by):
        raise BookingError(
            _("Entries open, close, the draw and the confirmation deadline must be in that order.")
        )
    if any(session.offering_id != offering.pk or session.taken for session in sessions):
        raise BookingError(_("Only empty sessions of this offering can go into its lottery."))
    if seed is None:
        seed, digest = new_seed()
    else:
        digest = draw.seed_hash(seed)
    lottery = Lottery.objects.create(
        offering=offering,
        entries_open_at=entries_open_at,
        entries_close_at=entries_close_at,
        draw_at=draw_at,
        confirm_by=confirm_by,
        resident_weight=resident_weight,
        seed_sha256=digest,
        seed=seed,
    )
    Session.objects.filter(pk__in=[session.pk for session in sessions]).update(lottery=lottery)
    audit.record(
        action="bookings.lottery_created",
        obj=lottery,
        department_id=offering.department_id,
        actor_id=actor_id,
        changes={"seed_sha256": [None, digest], "sessions": [None, len(sessions)]},
    )
    return lottery


def _entry_rows(lottery: Lottery) -> list[tuple[int, int | None, int, int, int]]:
    return list(
        Booking.objects.filter(lottery=lottery, status=S.ENTERED)
        .order_by("entry_number")
        .values_list("pk", "entry_number", "session_id", "tier", "weight")
    )


def lottery_draw(*, lottery: Lottery, now: datetime | None = None) -> dict[str, int]:
    """Draw a lottery whose time has come, once: winners are offered their place until the
    lottery's confirmation deadline, the others wait in their drawn order. Drawing again does
    nothing (the lottery row is locked and its status checked). Returns counts."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Lottery.objects.select_for_update().select_related("offering").get(pk=lottery.pk)
        if current.status != Lottery.Status.OPEN or now < current.draw_at:
            return {"entries": 0, "won": 0}
        rows = _entry_rows(current)
        sessions = {
            session.pk: session
            for session in Session.objects.filter(lottery=current).order_by("pk")
        }
        session_ids = sorted(sessions)
        index = {pk: position for position, pk in enumerate(session_ids)}
        capacities = np.array(
            [
                0 if sessions[pk].is_closed else sessions[pk].capacity - sessions[pk].taken
                for pk in session_ids
            ],
            dtype=np.int64,
        )
        if rows:
            table = np.array(rows, dtype=np.int64)
            ranks, won = draw.rank_arrays(
                current.seed,
                table[:, 1],
                np.array([index[pk] for pk in table[:, 2].tolist()], dtype=np.int64),
                table[:, 3],
                table[:, 4].astype(np.float64),
                capacities,
            )
        else:
            table = np.zeros((0, 5), dtype=np.int64)
            ranks, won = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        _write_results(current, table, ranks, won, now)
        current.status = Lottery.Status.DRAWN
        current.drawn_at = now
        current.drawn_capacities = {
            str(sessions[pk].public_id): int(places)
            for pk, places in zip(session_ids, capacities.tolist(), strict=True)
        }
        current.save(update_fields=["status", "drawn_at", "drawn_capacities", "updated_at"])
        audit.record(
            action="bookings.lottery_drawn",
            obj=current,
            department_id=current.offering.department_id,
            changes={
                "status": [Lottery.Status.OPEN, Lottery.Status.DRAWN],
                "entries": [None, len(rows)],
                "won": [None, int(won.sum())],
                "seed_sha256": [None, current.seed_sha256],
                "results_sha256": [None, results_digest(current)],
            },
        )
        transaction.on_commit(lambda: _announce_results(current.pk))
    return {"entries": len(rows), "won": int(won.sum())}


# Rows per UPDATE … FROM (VALUES …) statement: 3 parameters a row stays inside SQLite's
# 32,766 and PostgreSQL's 65,535 parameters per statement.
DRAW_WRITE_BATCH = 5000


def _update_from_values(
    table: str, assignments: str, rows: list[tuple[int | None, ...]], fixed: list[Any]
) -> None:
    """``UPDATE table SET assignments FROM <rows> AS v WHERE table.id = v.column1`` for rows
    of integers (``bulk_update``'s CASE per row takes minutes for a lottery of 200,000).
    ``fixed`` are the parameters of ``assignments`` itself. On PostgreSQL the rows go as one
    array per column through ``unnest`` (three parameters, whatever the number of rows); on
    SQLite as ``VALUES`` in batches, whose columns SQLite also names ``column1…``. Only
    constants and quoted names are in the SQL; every value is a parameter."""
    if not rows:
        return
    quoted = connection.ops.quote_name(table)
    width = len(rows[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(f"column{n}" for n in range(1, width + 1))
            arrays = ", ".join(["%s::bigint[]"] * width)
            cursor.execute(
                f"UPDATE {quoted} SET {assignments} "  # noqa: S608
                f"FROM unnest({arrays}) AS v({names}) WHERE {quoted}.id = v.column1",
                [*fixed, *(list(column) for column in zip(*rows, strict=True))],
            )
            return
        row_sql = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(rows), DRAW_WRITE_BATCH):
            batch = rows[start : start + DRAW_WRITE_BATCH]
            cursor.execute(
                f"UPDATE {quoted} SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v "
                f"WHERE {quoted}.id = v.column1",
                [*fixed, *(value for row in batch for value in row)],
            )


def _write_results(
    lottery: Lottery, table: np.ndarray, ranks: np.ndarray, won: np.ndarray, now: datetime
) -> None:
    """Winners are offered their place, with the fee of their rate class, until the lottery's
    confirmation deadline; the others wait in drawn order; sessions count their winners."""
    fees: dict[str, int | None] = {
        RateClass.RESIDENT: lottery.offering.fee_for(RateClass.RESIDENT),
        RateClass.OTHER: lottery.offering.fee_for(RateClass.OTHER),
    }
    rates = dict(
        Booking.objects.filter(lottery=lottery, status=S.ENTERED).values_list("pk", "rate_class")
    )
    adapt = connection.ops.adapt_datetimefield_value
    pks = table[:, 0]
    _update_from_values(
        Booking._meta.db_table,
        "status = %s, confirm_by = %s, updated_at = %s, "
        "draw_rank = CAST(v.column2 AS integer), fee_yen = CAST(v.column3 AS integer)",
        [
            (pk, rank, fees[rates[pk]])
            for pk, rank in zip(pks[won].tolist(), ranks[won].tolist(), strict=True)
        ],
        [S.OFFERED, adapt(lottery.confirm_by), adapt(now)],
    )
    _update_from_values(
        Booking._meta.db_table,
        "status = %s, updated_at = %s, draw_rank = CAST(v.column2 AS integer)",
        list(zip(pks[~won].tolist(), ranks[~won].tolist(), strict=True)),
        [S.WAITING, adapt(now)],
    )
    _update_from_values(
        Session._meta.db_table,
        "taken = taken + CAST(v.column2 AS integer)",
        sorted(Counter(table[won, 2].tolist()).items()),
        [],
    )


def results_digest(lottery: Lottery) -> str:
    """SHA-256 of the drawn ranks ("entry_number,rank" lines in entry order): the lottery's
    audit event keeps it, so a rank changed afterwards no longer matches the chain."""
    lines = (
        f"{number},{rank}\n"
        for number, rank in Booking.objects.filter(lottery=lottery, draw_rank__isnull=False)
        .order_by("entry_number")
        .values_list("entry_number", "draw_rank")
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode())
    return digest.hexdigest()


ANNOUNCE_BATCH = 1000


def _announce_results(lottery_pk: int) -> None:
    """Queue the telling of the result: one task per thousand entrants (the messages are
    written by the worker; a lost task is caught by housekeeping)."""
    pks = list(
        Booking.objects.filter(lottery_id=lottery_pk, announced_at__isnull=True)
        .exclude(draw_rank=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    task = import_string("minato.bookings.tasks.announce_lottery_results")
    for start in range(0, len(pks), ANNOUNCE_BATCH):
        batch = pks[start : start + ANNOUNCE_BATCH]
        task.enqueue(lottery_pk, batch[0], batch[-1])


@transaction.atomic
def lottery_results_announce(*, lottery_id: int, first_pk: int, last_pk: int) -> int:
    """Tell the entrants with ids in [first_pk, last_pk] how the draw went, once each (those
    told are marked in the same transaction, so a retried task tells nobody twice)."""
    bookings = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(
            lottery_id=lottery_id,
            pk__gte=first_pk,
            pk__lte=last_pk,
            announced_at__isnull=True,
        )
        .exclude(draw_rank=None)
        .select_related("person__profile", "session__offering__facility")
        .order_by("pk")
    )
    if not bookings:
        return 0
    places = Lottery.objects.values_list("drawn_capacities", flat=True).get(pk=lottery_id)
    notify_many(
        [
            _message(
                booking,
                "won"
                if (booking.draw_rank or 0) <= places.get(str(booking.session.public_id), 0)
                else "not_drawn",
            )
            for booking in bookings
        ]
    )
    Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).update(
        announced_at=timezone.now()
    )
    return len(bookings)


def lottery_results_announce_stranded(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Housekeeping: tell entrants of lotteries drawn a while ago whom no task told (a task
    lost with its worker). Bounded per run."""
    drawn_before = timezone.now() - older_than
    told = 0
    for lottery_id in (
        Booking.objects.filter(
            announced_at__isnull=True,
            lottery__status=Lottery.Status.DRAWN,
            lottery__drawn_at__lt=drawn_before,
        )
        .exclude(draw_rank=None)
        .values_list("lottery_id", flat=True)
        .distinct()[:20]
    ):
        pks = list(
            Booking.objects.filter(lottery_id=lottery_id, announced_at__isnull=True)
            .exclude(draw_rank=None)
            .order_by("pk")
            .values_list("pk", flat=True)[:ANNOUNCE_BATCH]
        )
        if pks:
            told += lottery_results_announce(
                lottery_id=lottery_id, first_pk=pks[0], last_pk=pks[-1]
            )
    return told


def lotteries_draw_due() -> int:
    """The worker's periodic job: draw every lottery whose draw time has come."""
    now = timezone.now()
    drawn = 0
    for lottery in Lottery.objects.filter(status=Lottery.Status.OPEN, draw_at__lte=now):
        lottery_draw(lottery=lottery, now=now)
        drawn += 1
    return drawn
